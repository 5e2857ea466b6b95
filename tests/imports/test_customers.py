"""Customer imports: one location per row, same customer adds locations, CSV and XLSX."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crewboard.customers.models import Customer
from crewboard.events.models import Event
from crewboard.imports.headers import Kind
from crewboard.imports.report import ImportRejected
from tests.conftest import TestDB as Database
from tests.conftest import World
from tests.imports.files import counts, csv_bytes, do_import, xlsx_bytes

HEADER = ["Customer Name", "Phone Number", "E-mail", "SMS OK", "Notes", "Service Address",
          "Latitude", "Lng", "Gate code"]
ROWS = [
    ["Ann Lee", "+1 312 555 0101", "ann@example.com", "yes", "dog in yard",
     "1 Main St, Chicago", "41.90", "-87.65", "#1234"],
    ["Bo Ray", "312-555-0102", "", "no", "", "9 Elm St, Evanston", "42.05", "-87.68", ""],
    ["ann lee", "(312) 555-0101", "", "", "", "77 Lake Shore Dr", "41.89", "-87.61", ""],
    ["Cy Fox", "", "cy@example.com", "", "", "", "", "", ""],
]


def _customers(db: Database) -> dict[str, Customer]:
    with db.scope() as s:
        return {c.name: c for c in s.scalars(select(Customer))}


def _check_imported(db: Database) -> None:
    customers = _customers(db)
    assert set(customers) == {"Ann Lee", "Bo Ray", "Cy Fox"}
    ann = customers["Ann Lee"]
    assert ann.phone == "+1 312 555 0101" and ann.email == "ann@example.com"
    assert ann.consent_sms is True and ann.notes == "dog in yard"
    assert [(loc.address, loc.lat, loc.lon, loc.access_notes) for loc in ann.locations] == [
        ("1 Main St, Chicago", 41.90, -87.65, "#1234"), ("77 Lake Shore Dr", 41.89, -87.61, None)]
    assert customers["Bo Ray"].consent_sms is False and customers["Bo Ray"].email is None
    assert customers["Cy Fox"].locations == []


def test_good_csv(db: Database) -> None:
    World(db)
    before = counts(db)
    report = do_import(db, Kind.customers, csv_bytes([HEADER, *ROWS]))
    assert report.ok and report.rows == 4
    assert dict(report.counts) == {"customers_created": 3, "locations_added": 1}
    assert report.warnings == []
    _check_imported(db)
    with db.scope() as s:
        actions = list(s.scalars(select(Event.action).where(Event.id > before["events"])
                                 .order_by(Event.id)))
    assert actions == ["customer.created", "customer.created", "customer.location_added",
                       "customer.created"]


def test_good_xlsx_with_header_below_blank_rows(db: Database) -> None:
    World(db)
    rows = [[41.90 if c == "41.90" else c for c in row] for row in ROWS]  # a real number cell
    report = do_import(db, Kind.customers, xlsx_bytes([HEADER, *rows], skip_rows=2),
                       "customers.xlsx")
    assert report.ok and report.rows == 4
    _check_imported(db)


def test_reimport_adds_nothing_twice(db: Database) -> None:
    World(db)
    do_import(db, Kind.customers, csv_bytes([HEADER, *ROWS]))
    before = counts(db)
    again = do_import(db, Kind.customers, csv_bytes([HEADER, *ROWS]))
    assert dict(again.counts) == {"unchanged": 4}
    assert counts(db) == before


def test_bad_rows_name_row_and_column(db: Database) -> None:
    World(db)
    rows = [
        ["Ann Lee", "", "not-an-email", "", "", "1 Main St", "41.9", "-87.6", ""],
        ["", "3125550100", "", "", "", "", "", "", ""],
        ["Bo Ray", "", "", "perhaps", "", "9 Elm St", "", "-87.6", ""],
        ["Cy Fox", "", "", "", "", "5 Oak St", "95", "-87.6", ""],
    ]
    before = counts(db)
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.customers, csv_bytes([HEADER, *rows]))
    errors = [(e.row, e.field, e.column) for e in info.value.report.errors]
    assert errors == [(2, "email", "E-mail"), (3, "name", "Customer Name"),
                      (4, "consent_sms", "SMS OK"), (4, "lat", "Latitude"),
                      (5, "lat", "Latitude")]
    messages = [e.message for e in info.value.report.errors]
    assert messages[1] == "'Customer Name' is required."
    assert messages[3] == "'Latitude' is required."
    assert "less than or equal to 90" in messages[4]
    assert counts(db) == before
