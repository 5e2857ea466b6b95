"""The in-process worker: started with the app, delivers on its own, stops cleanly."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from crewboard.api.app import create_app
from crewboard.auth.actor import SYSTEM, Role
from crewboard.notifications import runtime
from crewboard.notifications.actions import do_update_settings
from crewboard.notifications.models import NotificationSettings
from crewboard.notifications.worker import sweep_reminders_if_due
from tests import conftest as base
from tests.conftest import DAY, World, at
from tests.notifications.conftest import make_settings
from tests.notifications.servers import FakeTwilio, Receiver, SmtpServer


def _wait(predicate: Any, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_the_worker_thread_delivers_without_being_asked(db: base.TestDB, tmp_path: Any) -> None:
    before = runtime._settings
    # as in a full run, where earlier commits left the wake-up set: the worker's first
    # steps then race the test's first request to create the notification settings
    runtime.wakeup.set()
    try:
        with SmtpServer() as smtp, FakeTwilio() as twilio, Receiver() as receiver:
            settings = make_settings(db, tmp_path, smtp, twilio, background=True,
                                     outbox_poll_s=30.0)
            app = create_app(settings, session_factory=db.factory)
            with TestClient(app) as client:
                worker = app.state.outbox_worker
                assert worker.running
                world = World(db, client)
                world.run(lambda s: do_update_settings(
                    s, SYSTEM, version=None, values={"quiet_start": None, "quiet_end": None}))
                admin = world.api(Role.admin)
                admin.post("/webhooks", json={"url": receiver.url,
                                              "event_types": ["job.created"]})
                world.job()
                assert _wait(lambda: len(smtp.messages) == 1 and len(twilio.messages) == 1
                             and len(receiver.received) == 1)
            assert not worker.running
    finally:
        runtime._settings = before


def test_the_daily_sweep_queues_tomorrows_reminders_once(db: base.TestDB, tmp_path: Any) -> None:
    world = World(db)
    world.job()
    evening_before = at("17:30") - timedelta(days=1)
    afternoon_before = at("16:00") - timedelta(days=1)
    assert sweep_reminders_if_due(db.factory, afternoon_before) is None  # before 17:00
    assert sweep_reminders_if_due(db.factory, evening_before) == 1
    assert sweep_reminders_if_due(db.factory, evening_before + timedelta(hours=1)) is None
    with db.session() as s:
        cfg = s.query(NotificationSettings).one()
        assert cfg.reminders_sent_for == DAY
