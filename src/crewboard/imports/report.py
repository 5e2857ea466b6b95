"""What an import did, or why it did nothing: counts, warnings and every bad row."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crewboard.errors import ValidationFailed


@dataclass(frozen=True)
class Notice:
    """One problem or warning, located as a person finds it in the spreadsheet.

    ``row`` counts the header as row 1 (``None`` for the file as a whole);
    ``field`` is our field name, ``column`` the header as written in the file.
    """

    row: int | None
    message: str
    code: str = "bad_value"
    field: str | None = None
    column: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "column": self.column,
                "code": self.code, "message": self.message}

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        what = f" [{self.column or self.field}]" if (self.column or self.field) else ""
        return f"{where}{what}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    rows: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row is not None})

    def summary(self) -> str:
        if not self.ok:
            if not self.rows:  # the header was refused before any row was read
                return (f"The file's columns have {len(self.errors)} problem(s); nothing was "
                        "imported.")
            return f"{len(self.bad_rows)} of {self.rows} rows have problems; nothing was imported."
        done = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in sorted(self.counts.items()))
        verb = "would be imported (dry run, nothing written)" if self.dry_run else "imported"
        rows = "1 row" if self.rows == 1 else f"{self.rows} rows"
        return f"{rows} {verb}: {done or 'nothing to do'}."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ok": self.ok, "dry_run": self.dry_run, "rows": self.rows,
                "counts": dict(self.counts), "summary": self.summary(),
                "errors": [e.to_dict() for e in self.errors],
                "warnings": [w.to_dict() for w in self.warnings]}


class ImportRejected(ValidationFailed):
    """Raised when any row is bad; the edge rolls back, so nothing is written."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("import_rejected", report.summary(),
                         data={"report": report.to_dict()})
        self.report = report
