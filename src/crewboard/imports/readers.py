"""Reading CSV and XLSX files into a header row and numbered data rows.

Row numbers are the ones a person sees in the spreadsheet (the first row is
1), so a report can say "row 7" and mean the row they will look at. Cells
become ``str`` (numbers written the way a person would type them), or stay
``datetime``/``date``/``time``/``timedelta`` when the XLSX cell is a date.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from crewboard.errors import ValidationFailed

Cell = str | datetime | date | time | timedelta | None
FORMULA_START = ("=", "+", "-", "@")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def _cell(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time | timedelta):
        return value
    text = str(value).strip()
    return text or None


def _table(rows: list[tuple[int, list[Any]]]) -> Table:
    cleaned = [(n, [_cell(v) for v in cells]) for n, cells in rows]
    data = [(n, cells) for n, cells in cleaned if any(c is not None for c in cells)]
    if not data:
        raise ValidationFailed("empty_file", "The file has no header row.", field="file")
    (header_row, header), body = data[0], data[1:]
    headers = ["" if h is None else str(h) for h in header]
    return Table(headers, header_row, body)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _unescape(text: str) -> str:
    """Our export guards formula-like cells with a leading quote; take it off again."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def read_csv(data: bytes) -> Table:
    text = _decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(n, [_unescape(c) for c in cells]) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ValidationFailed("unreadable_file", f"The CSV file cannot be read: {exc}.",
                               field="file") from None
    return _table(rows)


def read_xlsx(data: bytes) -> Table:
    """The first sheet; its header row is the first non-empty row."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed("unreadable_file", f"The file is not a readable XLSX workbook "
                               f"({exc.__class__.__name__}).", field="file") from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store wrong sheet sizes
        rows = [(n, list(cells)) for n, cells in
                enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
    return _table(rows)


def read_table(data: bytes, filename: str | None = None) -> Table:
    """Read ``data`` as XLSX or CSV, by the file name or else by its first bytes."""
    name = (filename or "").lower()
    if name.endswith(XLSX_SUFFIXES) or (not name.endswith(".csv") and data[:2] == b"PK"):
        return read_xlsx(data)
    if name.endswith(".xls"):
        raise ValidationFailed("unsupported_file", "Old .xls workbooks are not supported; "
                               "save the sheet as .xlsx or .csv.", field="file")
    return read_csv(data)
