"""``crewboard serve``: run the app on an existing database."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from crewboard.api.app import create_app
from crewboard.cli.main import DbOption, app, console, settings_for

HostOption = Annotated[str, typer.Option(help="address to listen on")]
PortOption = Annotated[int, typer.Option(help="port to listen on")]


def run_server(settings: object, host: str, port: int) -> None:
    application = create_app(settings)  # type: ignore[arg-type]
    console.print(f"crewboard listening on [bold]http://{host}:{port}/[/bold]  (Ctrl+C stops)")
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Serve the API and pages on an existing database."""
    run_server(settings_for(db), host, port)
