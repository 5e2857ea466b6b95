"""Alembic environment: runs against the URL given by crewboard.db.alembic_config."""

from alembic import context

from crewboard.db import Base, make_engine
from crewboard.models import load_all

load_all()
config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
