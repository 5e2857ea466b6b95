"""``crewboard demo``: a believable company in a fresh SQLite file, then serve it."""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from crewboard.cli.main import app, console, fail, settings_for
from crewboard.cli.serve import HostOption, PortOption, run_server
from crewboard.db import make_engine, make_session_factory, session_scope, upgrade
from crewboard.demo import DemoResult, Reporter, build_demo, restore_notifications
from crewboard.demo.data import COMPANY_NAME, CREW, EMAIL_DOMAIN
from crewboard.errors import DomainError

DEFAULT_DB = Path("crewboard-demo.db")
DemoDbOption = Annotated[Path, typer.Option(
    "--db", help="SQLite file for the demo; created, and refused if it already holds data")]


class _RichReporter(Reporter):
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("Planning the day", total=None)

    def total(self, units: int) -> None:
        self.progress.update(self.task, total=units)

    def step(self, phase: str, units: int = 1) -> None:
        self.progress.update(self.task, description=phase, advance=units)

    def finish(self) -> None:
        task = self.progress.tasks[self.task]
        self.progress.update(self.task, description="Demo company built",
                             completed=task.total or task.completed)


def holds_data(path: Path) -> bool:
    """True when ``path`` is a database with rows in any table (or not a database at all)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'")]
            return any(conn.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()
                       for name in tables)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True  # not an SQLite file: never overwrite it without --reset


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (checked before a long build)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _remove(path: Path) -> None:
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        name.unlink(missing_ok=True)


@app.command()
def demo(port: PortOption = 8000, host: HostOption = "127.0.0.1",
         db: DemoDbOption = DEFAULT_DB,
         seed: Annotated[int, typer.Option(help="same seed, same company and plan")] = 1,
         reset: Annotated[bool, typer.Option(
             "--reset", help="delete the demo file first if it holds data")] = False,
         no_serve: Annotated[bool, typer.Option(
             "--no-serve", help="build the database and exit")] = False,
         technicians: Annotated[int, typer.Option(
             min=1, max=len(CREW), help="crew size")] = len(CREW),
         customers: Annotated[int, typer.Option(min=10, help="number of customers")] = 300,
         ) -> None:
    """Build the demo company in a fresh SQLite file, print the logins and serve it.

    Always SQLite (the --db file), never $CREWBOARD_DATABASE_URL, so a demo can
    not land in a real database.
    """
    path = db.expanduser().resolve()
    if not no_serve and (busy := port_problem(host, port)):
        raise fail(DomainError("port_unavailable", f"Cannot serve on {host}:{port} ({busy}); "
                               "choose another with --port."))
    if reset:
        if path.exists():
            console.print(f"--reset: deleting {path}")
        _remove(path)
    elif holds_data(path):
        raise fail(DomainError(
            "demo_database_not_empty",
            f"{path} already holds data; the demo only builds into a fresh database. "
            f"Serve it with `crewboard serve --db {db}`, pass --reset to delete it and "
            "start over, or choose another file with --db."))
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = settings_for(path)
    upgrade(settings.database_url)
    factory = make_session_factory(make_engine(settings.database_url))
    started = time.perf_counter()
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description:<28}"), BarColumn(),
                      TaskProgressColumn(), TimeElapsedColumn(), console=console) as progress:
            reporter = _RichReporter(progress)
            with session_scope(factory) as session:
                result = build_demo(session, seed=seed, technicians=technicians,
                                    customers=customers, reporter=reporter)
                reporter.step("Saving", 0)
            with session_scope(factory) as session:
                restore_notifications(session, result)
            reporter.finish()
    except DomainError as exc:
        raise fail(exc) from None
    _print_summary(result, path, time.perf_counter() - started, host, port, no_serve)
    if not no_serve:
        # the customers are made up: never hand their messages to a real mail or SMS
        # gateway configured in this environment (they show as skipped in the outbox)
        run_server(settings.model_copy(update={
            "public_url": _url(host, port), "smtp_host": None, "sms_provider": None}),
            host, port)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://{shown}:{port}"


def _print_summary(result: DemoResult, path: Path, seconds: float, host: str, port: int,
                   no_serve: bool) -> None:
    url = _url(host, port)
    console.print(f"\n[bold]{COMPANY_NAME}[/bold] built in {seconds:.1f} s into {path}: "
                  f"{result.technicians} technicians, {result.customers} customers, "
                  f"{result.jobs} jobs.")
    day = result.today.strftime("%a %d %b")
    console.print(f"Today ({day}): " + ", ".join(
        f"{n} {status.replace('_', ' ')}" for status, n in result.today_statuses.items()))
    if result.call_outs:
        console.print(f"Called out sick today: {', '.join(result.call_outs)} "
                      "(their jobs are still on them: reassign from the board).")
    table = Table(title=f"Demo logins (password for all: {result.password})",
                  title_justify="left")
    table.add_column("role", no_wrap=True)
    table.add_column("e-mail", no_wrap=True)
    table.add_column("password", no_wrap=True)
    table.add_column("name", overflow="fold")
    for login in result.logins:
        table.add_row(login.role, login.email, result.password, login.name)
    console.print(table)
    console.print(f"Every technician logs in as first.last@{EMAIL_DOMAIN} with the same "
                  "password.")
    console.print(f"Admin API token: {result.api_token}", soft_wrap=True)
    console.print(f'  curl -H "Authorization: Bearer {result.api_token}" '
                  f"'{url}/api/v1/jobs?date={result.today.isoformat()}'", soft_wrap=True,
                  highlight=False)
    if no_serve:
        console.print(f"Serve it with: crewboard serve --db {path}")
    else:
        console.print(f"Open [bold]{url}/[/bold]  (API docs: {url}/docs). Customer messages "
                      "are not sent: the demo server has no mail or SMS gateway.")
