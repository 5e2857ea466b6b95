"""Building import files in tests, running imports, and counting what the database holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from crewboard.auth.actor import SYSTEM
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.events.models import Event
from crewboard.imports.headers import Kind
from crewboard.imports.readers import read_table
from crewboard.imports.report import ImportReport
from crewboard.imports.runner import finish_dry_run, run_import
from crewboard.jobs.models import Job, JobWindow
from crewboard.technicians.models import Shift, Technician, TechnicianSkill
from tests.conftest import TestDB

Rows = Sequence[Sequence[Any]]


def csv_bytes(rows: Rows, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Rows, *, skip_rows: int = 0, sheet_title: str = "Sheet1") -> bytes:
    """A workbook whose first sheet holds ``rows`` after ``skip_rows`` empty rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title
    for _ in range(skip_rows):
        sheet.append([])
    for row in rows:
        sheet.append(list(row))
    book.create_sheet("Notes").append(["this sheet is not read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def do_import(db: TestDB, kind: Kind, data: bytes, filename: str = "file.csv", *,
              overrides: dict[str, str] | None = None, dry_run: bool = False) -> ImportReport:
    """Import the way an edge does: one transaction, rolled back on any error."""
    with db.scope() as session:
        report = run_import(session, SYSTEM, kind, read_table(data, filename),
                            overrides=overrides, dry_run=dry_run)
        finish_dry_run(session, report)
    return report


TABLES = {"customers": Customer, "locations": ServiceLocation, "technicians": Technician,
          "technician_skills": TechnicianSkill, "shifts": Shift, "jobs": Job,
          "job_windows": JobWindow, "events": Event}


def counts(db: TestDB) -> dict[str, int]:
    with db.scope() as session:
        return {name: session.scalar(select(func.count()).select_from(model)) or 0
                for name, model in TABLES.items()}


def errors_by_row(report: ImportReport) -> dict[int | None, list[str | None]]:
    out: dict[int | None, list[str | None]] = {}
    for error in report.errors:
        out.setdefault(error.row, []).append(error.field)
    return out
