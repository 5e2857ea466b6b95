"""The all-or-nothing machinery: savepoints that really roll back, events only on commit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from crewboard.customers.models import Customer
from crewboard.events import bus
from crewboard.imports.headers import Kind
from crewboard.imports.report import ImportRejected
from crewboard.imports.runner import hold_transaction
from tests.conftest import TestDB as Database
from tests.conftest import World
from tests.imports.files import counts, csv_bytes, do_import

GOOD = [["Name", "Address", "Lat", "Lon"], ["Ann Lee", "1 Main St", "41.9", "-87.6"],
        ["Bo Ray", "9 Elm St", "42.0", "-87.7"]]


@pytest.fixture
def published() -> Iterator[list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    unsubscribe = bus.bus.subscribe(seen.append)
    yield seen
    unsubscribe()


def test_released_savepoints_roll_back_with_the_transaction(db: Database) -> None:
    """pysqlite would commit at the first RELEASE without ``hold_transaction``."""
    session = db.session()
    try:
        hold_transaction(session)
        for name in ("a", "b"):
            with session.begin_nested():
                session.add(Customer(name=name))
                session.flush()
        session.rollback()
    finally:
        session.close()
    with db.scope() as s:
        assert s.scalar(select(func.count()).select_from(Customer)) == 0


def test_events_are_published_only_for_a_committed_import(
        db: Database, published: list[dict[str, Any]]) -> None:
    World(db)
    published.clear()
    bad = [*GOOD, ["", "2 Nowhere", "1", "1"]]
    with pytest.raises(ImportRejected):
        do_import(db, Kind.customers, csv_bytes(bad))
    do_import(db, Kind.customers, csv_bytes(GOOD), dry_run=True)
    assert published == [] and counts(db)["customers"] == 0
    do_import(db, Kind.customers, csv_bytes(GOOD))
    assert [m["type"] for m in published] == ["customer.created", "customer.created"]


def test_header_problems_reject_before_any_row(db: Database) -> None:
    World(db)
    with pytest.raises(ImportRejected) as info:
        do_import(db, Kind.customers, csv_bytes([["Phone", "Phone Number"], ["1", "2"]]))
    report = info.value.report
    assert report.rows == 0 and [e.code for e in report.errors] == ["duplicate_column",
                                                                    "missing_column"]
    assert report.summary() == "The file's columns have 2 problem(s); nothing was imported."


def test_empty_file_body_is_a_warning_not_an_error(db: Database) -> None:
    World(db)
    report = do_import(db, Kind.customers, csv_bytes([["Name"]]))
    assert report.ok and report.rows == 0 and report.warnings[0].code == "no_rows"
