"""The Typer app and what every command shares: the database option and the console."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session, sessionmaker

from crewboard.config import Settings, sqlite_url
from crewboard.db import make_engine, make_session_factory, upgrade
from crewboard.errors import DomainError

app = typer.Typer(help="crewboard: dispatch for field-service businesses.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option(
    "--db", help="SQLite file to use (default: $CREWBOARD_DATABASE_URL or ./crewboard.db)")]


def settings_for(db: Path | None) -> Settings:
    """Settings with --db taking precedence over the environment."""
    settings = Settings()
    if db is not None:
        settings = settings.model_copy(update={"database_url": sqlite_url(db)})
    return settings


@contextmanager
def database(db: Path | None) -> Iterator[sessionmaker[Session]]:
    """A migrated database for one command; its connections closed at the end."""
    settings = settings_for(db)
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def fail(exc: DomainError) -> typer.Exit:
    """Print a domain error the way the API would say it, and exit non-zero."""
    err_console.print(f"[red]error[/red] {escape(f'[{exc.code}]')} {escape(exc.message)}",
                      soft_wrap=True)
    return typer.Exit(code=2)
