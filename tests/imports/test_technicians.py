"""Technician imports: skills with levels, shifts, equipment, home; CSV and XLSX."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crewboard.imports.headers import Kind
from crewboard.imports.report import ImportRejected
from crewboard.technicians.models import Technician
from tests.conftest import TestDB as Database
from tests.conftest import World
from tests.imports.files import counts, csv_bytes, do_import, errors_by_row, xlsx_bytes

HEADER = ["Technician", "Mobile", "Email", "Address", "Lat", "Lng", "Skills", "Tools", "Area",
          "Working Hours", "Break"]
ROWS = [
    ["Dana Kim", "312-555-0199", "dana@example.com", "5 Oak St", "41.95", "-87.70",
     "hvac:2; Plumbing", "ladder; torch", "north", "Mon-Fri 08:00-17:00", "45"],
    ["Eli Moss", "", "", "", "41.80", "-87.60", "", "", "", "", ""],
]


def _setup(db: Database) -> World:
    world = World(db)
    world.skill("hvac", max_level=3)
    world.skill("plumbing", max_level=2)
    return world


def _techs(db: Database) -> dict[str, Technician]:
    with db.scope() as s:
        return {t.name: t for t in s.scalars(select(Technician))}


def _check(db: Database) -> None:
    techs = _techs(db)
    dana = techs["Dana Kim"]
    assert dana.skill_levels() == {"hvac": 2, "plumbing": 1}
    assert dana.equipment == ["ladder", "torch"] and dana.region == "north"
    assert (dana.home_address, dana.home_lat, dana.home_lon) == ("5 Oak St", 41.95, -87.70)
    assert [(s.weekday, s.start, s.end, s.break_minutes) for s in dana.shifts] == [
        (d, "08:00", "17:00", 45) for d in range(5)]
    eli = techs["Eli Moss"]
    assert eli.skill_levels() == {} and eli.phone is None
    assert [s.weekday for s in eli.shifts] == [0, 1, 2, 3, 4]  # the company's working days


def test_good_csv(db: Database) -> None:
    _setup(db)
    report = do_import(db, Kind.technicians, csv_bytes([HEADER, *ROWS]))
    assert report.ok and dict(report.counts) == {"created": 2}
    _check(db)


def test_good_xlsx(db: Database) -> None:
    _setup(db)
    rows = [list(r) for r in ROWS]
    rows[0][4], rows[0][5], rows[0][10] = 41.95, -87.70, 45  # numbers as Excel keeps them
    report = do_import(db, Kind.technicians, xlsx_bytes([HEADER, *rows]), "techs.xlsx")
    assert report.ok and dict(report.counts) == {"created": 2}
    _check(db)


def test_existing_technician_is_skipped_with_a_warning(db: Database) -> None:
    _setup(db)
    do_import(db, Kind.technicians, csv_bytes([HEADER, *ROWS]))
    before = counts(db)
    again = do_import(db, Kind.technicians, csv_bytes([HEADER, *ROWS]))
    assert dict(again.counts) == {"skipped": 2}
    assert [(w.row, w.code) for w in again.warnings] == [(2, "exists"), (3, "exists")]
    assert counts(db) == before


def test_bad_rows_use_the_action_rules(db: Database) -> None:
    _setup(db)
    rows = [
        ROWS[0],
        ["Fay", "", "", "", "41.8", "-87.6", "hvac:5", "", "", "", ""],          # level > max
        ["Gus", "", "", "", "41.8", "-87.6", "welding", "", "", "", ""],         # unknown skill
        ["Hal", "", "", "", "41.8", "-87.6", "", "", "", "Mon 17:00-08:00", ""],  # ends first
        ["Ida", "", "", "", "", "-87.6", "", "", "", "weekdays", ""],             # shift unreadable
    ]
    before = counts(db)
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.technicians, csv_bytes([HEADER, *rows]))
    report = info.value.report
    assert errors_by_row(report) == {3: ["skills"], 4: ["skills"], 5: ["shifts"], 6: ["shifts"]}
    messages = {e.row: e.message for e in report.errors}
    assert messages[3] == "Skill 'hvac' has levels 1 to 3, got 5."
    assert messages[4].startswith("Unknown skill 'welding' (known skills: hvac, plumbing)")
    assert "ends (08:00) before it starts (17:00)" in messages[5]
    assert "Mon-Fri 08:00-17:00" in messages[6]
    assert report.bad_rows == [3, 4, 5, 6]
    assert counts(db) == before
