"""``crewboard import`` / ``crewboard export`` against a temporary SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crewboard.cli import app
from crewboard.config import sqlite_url
from crewboard.db import make_engine, make_session_factory, upgrade
from tests.conftest import TestDB as Database
from tests.conftest import World
from tests.imports.files import counts, csv_bytes, xlsx_bytes

runner = CliRunner()
CUSTOMERS = [["Customer Name", "Phone", "Address", "Lat", "Lon"],
             ["Ann Lee", "312-555-0101", "1 Main St", "41.9", "-87.65"],
             ["Bo Ray", "312-555-0102", "9 Elm St", "42.05", "-87.68"]]


@pytest.fixture
def cli_db(tmp_path: Path) -> Iterator[tuple[Path, Database]]:
    path = tmp_path / "cli.db"
    url = sqlite_url(path)
    upgrade(url)
    engine = make_engine(url)
    tdb = Database("sqlite", url, engine, make_session_factory(engine))
    world = World(tdb)
    world.skill("hvac")
    world.job_type("repair")
    yield path, tdb
    engine.dispose()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    file = tmp_path / name
    file.write_bytes(data)
    return file


def test_import_then_export(cli_db: tuple[Path, Database], tmp_path: Path) -> None:
    path, tdb = cli_db
    file = _write(tmp_path, "customers.csv", csv_bytes(CUSTOMERS))
    result = runner.invoke(app, ["import", "customers", str(file), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 rows imported: 2 customers created." in result.stdout
    assert counts(tdb)["customers"] == 2

    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "customers", "-o", str(out), "--db", str(path)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("name,phone,email,")
    assert "Ann Lee,312-555-0101" in text and "Bo Ray" in text

    stdout = runner.invoke(app, ["export", "customers", "--db", str(path)])
    assert stdout.exit_code == 0 and stdout.stdout == text


def test_xlsx_with_map_and_dry_run(cli_db: tuple[Path, Database], tmp_path: Path) -> None:
    path, tdb = cli_db
    rows = [["Who", "Where", "Y", "X", "Internal"],
            ["Ann Lee", "1 Main St", 41.9, -87.65, "A-1"]]
    file = _write(tmp_path, "c.xlsx", xlsx_bytes(rows))
    args = ["import", "customers", str(file), "--db", str(path), "--map", "Who=name",
            "--map", "Where=address", "--map", "Y=lat", "--map", "X=lon",
            "--map", "Internal=ignore"]
    dry = runner.invoke(app, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would be imported (dry run, nothing written)" in dry.stdout
    assert counts(tdb)["customers"] == 0
    real = runner.invoke(app, args)
    assert real.exit_code == 0, real.output
    assert counts(tdb)["customers"] == 1


def test_bad_rows_exit_non_zero_with_the_report(cli_db: tuple[Path, Database],
                                                tmp_path: Path) -> None:
    path, tdb = cli_db
    rows = [["Customer", "Address", "Lat", "Lon", "Job Type", "Start", "End", "Extra"],
            ["Ann Lee", "1 Main St", "41.9", "-87.6", "repair", "2030-06-04 08:00",
             "2030-06-04 10:00", ""],
            ["Ann Lee", "1 Main St", "41.9", "-87.6", "nope", "", "", ""],
            ["Bo Ray", "9 Elm St", "42", "-87.6", "", "2030-06-04 08:00", "", ""]]
    file = _write(tmp_path, "jobs.csv", csv_bytes(rows))
    before = counts(tdb)
    result = runner.invoke(app, ["import", "jobs", str(file), "--db", str(path)])
    assert result.exit_code == 1
    assert "Column 'Extra' is not a jobs field" in result.stderr
    assert "Unknown job type 'nope'" in result.stderr
    assert "2 of 3 rows have problems; nothing was imported." in result.stderr
    lines = result.stderr.splitlines()
    assert any("│ 3 " in line and "Job Type" in line for line in lines)
    assert any("│ 4 " in line and "End" in line for line in lines)
    assert counts(tdb) == before


def test_cell_text_that_looks_like_markup_is_printed_as_is(cli_db: tuple[Path, Database],
                                                           tmp_path: Path) -> None:
    path, _tdb = cli_db
    rows = [["Customer", "Job Type", "[/bold] col"], ["Ann Lee", "[red]x[/red]", ""]]
    result = runner.invoke(app, ["import", "jobs", str(_write(tmp_path, "m.csv",
                                                              csv_bytes(rows))), "--db", str(path)])
    assert result.exit_code == 1
    assert "Column '[/bold] col' is not a jobs field" in result.stderr
    assert "Unknown job type '[red]x[/red]'" in result.stderr


def test_missing_columns_and_unreadable_files(cli_db: tuple[Path, Database],
                                              tmp_path: Path) -> None:
    path, _tdb = cli_db
    file = _write(tmp_path, "t.csv", csv_bytes([["Name", "Phone"], ["Dana", "1"]]))
    result = runner.invoke(app, ["import", "technicians", str(file), "--db", str(path)])
    assert result.exit_code == 1
    assert "no 'home_lat' column" in result.stderr
    broken = _write(tmp_path, "t.xlsx", b"PK\x03\x04 not really a workbook")
    result = runner.invoke(app, ["import", "technicians", str(broken), "--db", str(path)])
    assert result.exit_code == 2
    assert "not a readable XLSX workbook" in result.stderr
    result = runner.invoke(app, ["export", "jobs", "--date", "June 4", "--db", str(path)])
    assert result.exit_code == 2 and "--date must be YYYY-MM-DD" in result.stderr


def test_long_file_with_progress(cli_db: tuple[Path, Database], tmp_path: Path) -> None:
    path, tdb = cli_db
    rows = [CUSTOMERS[0]] + [[f"Customer {i}", f"312-555-{i:04d}", f"{i} Main St", "41.9",
                              "-87.65"] for i in range(250)]
    file = _write(tmp_path, "many.csv", csv_bytes(rows))
    result = runner.invoke(app, ["import", "customers", str(file), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "250 rows imported" in result.stdout
    assert counts(tdb)["customers"] == 250
    jobs = runner.invoke(app, ["export", "jobs", "--date", "today", "--db", str(path)])
    assert jobs.exit_code == 0 and jobs.stdout.startswith("ref,status,technician,")
