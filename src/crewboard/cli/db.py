"""``crewboard db upgrade``: bring the schema to the current version."""

from __future__ import annotations

import typer

from crewboard.cli.main import DbOption, app, console, settings_for
from crewboard.db import upgrade

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, revision: str = "head") -> None:
    """Apply schema migrations (the server also does this on start)."""
    settings = settings_for(db)
    upgrade(settings.database_url, revision)
    console.print(f"schema at [bold]{revision}[/bold] on {settings.database_url}")
