"""The in-process delivery worker: a thread running ``deliver_due`` and the daily
reminder sweep until stopped."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from crewboard.company.clock import local_at
from crewboard.company.queries import company_tz
from crewboard.config import Settings
from crewboard.db import session_scope, utcnow
from crewboard.notifications import runtime
from crewboard.notifications.outbox import (
    deliver_due,
    notification_settings,
    sleep_until_woken,
)

log = logging.getLogger(__name__)


def sweep_reminders_if_due(session_factory: sessionmaker[Session],
                           now: datetime | None = None) -> int | None:
    """Once a day, at the company's reminder time, queue tomorrow's reminders.

    Returns how many jobs were reminded, or None when it was not time (or already
    done today). Safe with several processes: a job is reminded once per day.
    """
    from crewboard.notifications.rules import send_reminders

    now = now or utcnow()
    with session_scope(session_factory) as session:
        cfg = notification_settings(session)
        tz = company_tz(session)
        today = now.astimezone(tz).date()
        tomorrow = today + timedelta(days=1)
        if now < local_at(tz, today, cfg.reminder_time):
            return None
        if cfg.reminders_sent_for is not None and cfg.reminders_sent_for >= tomorrow:
            return None
        cfg.reminders_sent_for = tomorrow
        return send_reminders(session, tomorrow, now=now)


class OutboxWorker:
    """Delivers due messages every ``outbox_poll_s`` or as soon as a commit wrote some."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self.session_factory, self.settings = session_factory, settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="crewboard-outbox",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the message in hand, then stop (a claimed row is never left half-done
        except by a crash, which the lease covers)."""
        self._stop.set()
        runtime.wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def step(self) -> None:
        sweep_reminders_if_due(self.session_factory)
        deliver_due(self.session_factory, settings=self.settings)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception:  # the worker must outlive a database hiccup
                log.exception("outbox worker step failed")
            if self._stop.is_set():
                break
            sleep_until_woken(self.settings.outbox_poll_s)
