"""Reading files: CSV dialects and encodings, XLSX sheets, row numbers, bad files."""

from __future__ import annotations

from datetime import datetime

import pytest

from crewboard.errors import ValidationFailed
from crewboard.imports.readers import read_table
from tests.imports.files import xlsx_bytes


def test_csv_row_numbers_count_the_header_as_one_and_skip_blank_rows() -> None:
    table = read_table(b"\n\nName,Phone\nAnn,1\n,\nBo,2\n", "x.csv")
    assert table.header_row == 3 and table.headers == ["Name", "Phone"]
    assert table.rows == [(4, ["Ann", "1"]), (6, ["Bo", "2"])]


def test_csv_semicolons_bom_and_windows_encoding() -> None:
    table = read_table("\ufeffName;Notes\nRené;café\n".encode(), "x.csv")
    assert table.headers == ["Name", "Notes"] and table.rows == [(2, ["René", "café"])]
    cp1252 = read_table("Name\tNotes\nZoë\t€5\n".encode("cp1252"), "x.csv")
    assert cp1252.rows == [(2, ["Zoë", "€5"])]


def test_csv_quoted_formula_guard_is_removed_but_other_quotes_stay() -> None:
    table = read_table(b"Name,Notes\n'=1+2,'tis fine\n", "x.csv")
    assert table.rows == [(2, ["=1+2", "'tis fine"])]


def test_xlsx_first_sheet_numbers_dates_and_blank_rows() -> None:
    data = xlsx_bytes([["Name", "Phone", "Lat", "When", "Active"],
                       ["Ann", 3125550100, 41.9, datetime(2030, 6, 4, 8, 0), True],  # noqa: DTZ001
                       [None, None, None, None, None],
                       ["Bo", "312", 42, None, False]], skip_rows=1)
    table = read_table(data, "people.XLSX")
    assert table.header_row == 2
    assert table.rows == [
        (3, ["Ann", "3125550100", "41.9", datetime(2030, 6, 4, 8, 0), "yes"]),  # noqa: DTZ001
        (5, ["Bo", "312", "42", None, "no"])]


def test_xlsx_is_recognised_without_a_file_name() -> None:
    assert read_table(xlsx_bytes([["Name"], ["Ann"]])).rows == [(2, ["Ann"])]


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"", "x.csv", "empty_file"),
    (b"PK\x03\x04garbage", "x.xlsx", "unreadable_file"),
    (b"\xd0\xcf\x11\xe0", "old.xls", "unsupported_file"),
])
def test_unreadable_files(data: bytes, name: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        read_table(data, name)
    assert info.value.code == code and info.value.field == "file"
