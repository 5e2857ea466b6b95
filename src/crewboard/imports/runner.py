"""Running an import: every row through its ``do_*`` action, all or nothing.

The whole file runs in the caller's transaction, each row inside a savepoint
so a bad row is undone and the next row is still checked. If any row is bad,
``ImportRejected`` carries the report of every bad row and the edge (request
or CLI command) rolls the transaction back: nothing is written, no audit row
stays and no event is published. A dry run checks everything the same way and
the edge rolls back (see ``finish_dry_run``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.errors import DomainError
from crewboard.imports.customers import CustomerRows
from crewboard.imports.headers import Columns, Kind, Row, map_headers
from crewboard.imports.jobs import JobRows
from crewboard.imports.readers import Table
from crewboard.imports.report import ImportRejected, ImportReport, Notice
from crewboard.imports.rows import RowImporter
from crewboard.imports.technicians import TechnicianRows

IMPORTERS: dict[Kind, type[RowImporter]] = {
    Kind.customers: CustomerRows, Kind.technicians: TechnicianRows, Kind.jobs: JobRows}


def hold_transaction(session: Session) -> None:
    """Make sure the database really is inside a transaction before the first savepoint.

    pysqlite only sends BEGIN before an INSERT/UPDATE/DELETE; a SAVEPOINT sent
    first opens a transaction of its own that its RELEASE commits, so the
    first good row would be written even when the import is rejected.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw: Any = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")


def run_import(session: Session, actor: Actor, kind: Kind, table: Table, *,
               overrides: dict[str, str] | None = None, dry_run: bool = False,
               on_row: Callable[[], None] | None = None) -> ImportReport:
    """Import every row of ``table`` or raise ``ImportRejected`` listing every bad row."""
    report = ImportReport(kind=kind.value, dry_run=dry_run)
    columns = map_headers(kind, table.headers, table.header_row, overrides)
    report.warnings.extend(columns.warnings)
    if columns.errors:
        report.errors.extend(columns.errors)
        raise ImportRejected(report)
    hold_transaction(session)
    importer = IMPORTERS[kind](session, actor, columns)
    for number, cells in table.rows:
        row = columns.row(number, cells)
        report.rows += 1
        try:
            with session.begin_nested():
                outcome = importer.import_row(row)
        except ValidationError as exc:
            report.errors.extend(_schema_notices(exc, row, importer, columns))
        except DomainError as exc:
            field = importer.field_for(exc.field)
            report.errors.append(Notice(row.number, exc.message, exc.code, field,
                                        columns.column(field)))
        except (IntegrityError, DataError) as exc:
            report.errors.append(Notice(row.number, "The database refused this row: "
                                        f"{str(exc.orig).splitlines()[0]}", "database_error"))
        else:
            report.counts[outcome] += 1
        if on_row is not None:
            on_row()
    report.warnings.extend(importer.warnings)
    if not table.rows:
        report.warnings.append(Notice(None, "The file has a header row but no data rows.",
                                      "no_rows"))
    if report.errors:
        raise ImportRejected(report)
    return report


def finish_dry_run(session: Session, report: ImportReport) -> None:
    """The edge's half of a dry run: undo everything the checks wrote."""
    if report.dry_run:
        session.rollback()


def _schema_notices(exc: ValidationError, row: Row, importer: RowImporter,
                    columns: Columns) -> list[Notice]:
    notices = []
    for error in exc.errors():
        field = importer.field_for(tuple(error.get("loc", ())))
        column = columns.column(field)
        label = f"'{column}'" if column else (field or "value")
        if error.get("type") == "missing":
            where = "" if column or not field else " (the file has no column for it)"
            message = f"{label} is required{where}."
        else:
            message = f"{label}: {error.get('msg', 'invalid value')}."
        notices.append(Notice(row.number, message, "invalid_input", field, column))
    return notices
