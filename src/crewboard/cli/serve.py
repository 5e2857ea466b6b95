"""``crewboard serve``: run the app on an existing database."""

from __future__ import annotations

import gc
from typing import Annotated

import typer
import uvicorn

from crewboard.api.app import create_app
from crewboard.cli.main import DbOption, app, console, settings_for

HostOption = Annotated[str, typer.Option(help="address to listen on")]
PortOption = Annotated[int, typer.Option(help="port to listen on")]


def freeze_startup_objects() -> None:
    """Keep what startup built (modules, mappers, routes: most of the heap) out of every
    later garbage collection. A full collection scanned all of it, a 70 ms pause every
    few loads of a 1,600-job board; those objects live as long as the process anyway."""
    gc.collect()
    gc.freeze()


def run_server(settings: object, host: str, port: int) -> None:
    application = create_app(settings)  # type: ignore[arg-type]
    console.print(f"crewboard listening on [bold]http://{host}:{port}/[/bold]  (Ctrl+C stops)")
    freeze_startup_objects()
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def serve(db: DbOption = None, host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    """Serve the API and pages on an existing database."""
    run_server(settings_for(db), host, port)
