"""``singleton_row``: the one-row tables stay one row when two first callers race."""

from __future__ import annotations

import threading

import pytest

from crewboard.db import singleton_row
from crewboard.notifications.models import NotificationSettings
from crewboard.notifications.outbox import notification_settings
from tests import conftest as base


def test_a_blank_database_gets_one_row_with_the_defaults(db: base.TestDB) -> None:
    with db.scope() as s:
        first = notification_settings(s)
        assert (first.id, first.quiet_start, first.quiet_end) == (1, "21:00", "08:00")
    with db.scope() as s:
        assert notification_settings(s).id == 1
        assert s.query(NotificationSettings).count() == 1


def test_two_first_callers_share_one_row(db: base.TestDB) -> None:
    if db.backend != "postgres":
        pytest.skip("SQLite lets one writer in at a time; the race needs concurrent writers")
    a = db.factory()
    b = db.factory()
    try:
        row_a = singleton_row(a, NotificationSettings,
                              lambda: NotificationSettings(quiet_start="22:00", quiet_end="07:00"))
        # b finds no committed row, so it inserts too, and waits on a's uncommitted id 1
        committer = threading.Timer(0.3, a.commit)
        committer.start()
        row_b = singleton_row(b, NotificationSettings,
                              lambda: NotificationSettings(quiet_start=None, quiet_end=None))
        committer.join()
        b.commit()
        assert row_b.id == row_a.id == 1
        assert row_b.quiet_start == "22:00"  # a's row, not a second one with other settings
    finally:
        a.close()
        b.close()
    with db.scope() as s:
        assert s.query(NotificationSettings).count() == 1
