"""``crewboard import`` and ``crewboard export``: spreadsheets in, CSV out."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table as RichTable

from crewboard.auth.actor import SYSTEM
from crewboard.cli.main import DbOption, app, console, database, err_console, fail
from crewboard.company.queries import company_tz
from crewboard.db import session_scope, utcnow
from crewboard.errors import DomainError
from crewboard.imports.export import export_csv
from crewboard.imports.headers import Kind, parse_overrides
from crewboard.imports.readers import read_table
from crewboard.imports.report import ImportRejected, ImportReport
from crewboard.imports.runner import finish_dry_run, run_import

PROGRESS_FROM_ROWS = 200
"""Files with at least this many rows show a progress bar."""

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                         help="CSV or XLSX file (first sheet)")]
MapOption = Annotated[list[str] | None, typer.Option(
    "--map", help='"Their Header=our_field" (repeatable; our_field "ignore" skips a column)')]


def _print_report(report: ImportReport) -> None:
    for warning in report.warnings:
        err_console.print(f"[yellow]warning[/yellow] {escape(str(warning))}")
    if report.errors:
        table = RichTable(title="Rows that cannot be imported", show_lines=False)
        for column in ("Row", "Column", "Problem"):
            table.add_column(column)
        for error in report.errors:
            table.add_row("-" if error.row is None else str(error.row),
                          escape(error.column or error.field or ""), escape(error.message))
        err_console.print(table)
        err_console.print(f"[red]error[/red] {report.summary()}")
    else:
        console.print(escape(report.summary()))


@app.command("import")
def import_file(kind: Kind, file: FileArg, db: DbOption = None,
                dry_run: Annotated[bool, typer.Option(
                    "--dry-run", help="check every row, write nothing")] = False,
                mapping: MapOption = None) -> None:
    """Import customers, technicians or jobs; one bad row and nothing is written."""
    try:
        overrides = parse_overrides(mapping or [])
        table = read_table(file.read_bytes(), file.name)
        bar = Progress(TextColumn(f"importing {kind.value}"), BarColumn(), MofNCompleteColumn(),
                       console=err_console, transient=True,
                       disable=len(table.rows) < PROGRESS_FROM_ROWS)
        with database(db) as factory, bar as progress:
            task = progress.add_task("rows", total=len(table.rows))
            with session_scope(factory) as session:
                report = run_import(session, SYSTEM, kind, table, overrides=overrides,
                                    dry_run=dry_run, on_row=lambda: progress.advance(task))
                finish_dry_run(session, report)
    except ImportRejected as exc:
        _print_report(exc.report)
        raise typer.Exit(code=1) from None
    except DomainError as exc:
        raise fail(exc) from None
    _print_report(report)


@app.command("export")
def export_file(kind: Kind,
                output: Annotated[Path | None, typer.Option(
                    "-o", "--output", help="file to write (default: standard output)")] = None,
                day: Annotated[str | None, typer.Option(
                    "--date", help="jobs on this company-local day (YYYY-MM-DD or today)")] = None,
                db: DbOption = None) -> None:
    """Export as CSV with the headers the import reads."""
    try:
        with database(db) as factory, session_scope(factory) as session:
            when = None
            if day == "today":
                when = utcnow().astimezone(company_tz(session)).date()
            elif day is not None:
                try:
                    when = date.fromisoformat(day)
                except ValueError:
                    raise DomainError("bad_date", f"--date must be YYYY-MM-DD or today, got "
                                      f"'{day}'.", field="date") from None
            text = export_csv(session, SYSTEM, kind, when)
    except DomainError as exc:
        raise fail(exc) from None
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8-sig", newline="")
    rows = max(text.count("\r\n") - 1, 0)
    err_console.print(f"wrote {rows} {kind.value} rows to {escape(str(output))}")
