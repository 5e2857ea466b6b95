"""Runs the closed loop in the background: after commits that move a technician's
day, and every minute for technicians with work under way (a job runs long
without any event saying so)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crewboard.db import session_scope, utcnow
from crewboard.events.bus import Bus, Message
from crewboard.jobs.kinds import JobStatus
from crewboard.jobs.models import Job
from crewboard.planning.loop import refresh_technician

log = logging.getLogger(__name__)
TRIGGERS = frozenset({
    "job.assigned", "job.reassigned", "job.rescheduled", "job.unassigned", "job.dispatched",
    "job.accepted", "job.en_route", "job.arrived", "job.completed", "job.incomplete",
    "job.cancelled", "job.delay_reported", "technician.location", "technician.call_out",
    "technician.time_off"})
"""Events that can move a technician's predictions (never the loop's own events)."""


class EtaWatcher:
    """Debounces triggers per technician and refreshes each in its own transaction."""

    def __init__(self, factory: sessionmaker[Session], bus: Bus, *, debounce_s: float = 1.0,
                 sweep_s: float = 60.0, clock: Callable[[], datetime] = utcnow) -> None:
        self.factory, self.bus, self.clock = factory, bus, clock
        self.debounce_s, self.sweep_s = debounce_s, sweep_s
        self._pending: set[int] = set()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        self._unsubscribe = self.bus.subscribe(self.on_event)
        self._thread = threading.Thread(target=self._run, name="eta-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def on_event(self, message: Message) -> None:
        tech = message.get("technician_id")
        if message.get("type") in TRIGGERS and tech and "origin" not in message:
            with self._lock:
                self._pending.add(int(tech))
            self._wake.set()

    def _run(self) -> None:
        last_sweep = 0.0
        while not self._stop.is_set():
            self._wake.wait(timeout=self.sweep_s)
            if self._stop.is_set():
                return
            self._stop.wait(self.debounce_s)  # coalesce bursts (a phone's offline queue)
            self._wake.clear()
            with self._lock:
                due, self._pending = self._pending, set()
            now = self.clock()
            if now.timestamp() - last_sweep >= self.sweep_s:
                due |= self._busy_technicians()
                last_sweep = now.timestamp()
            for tech in sorted(due):
                self.refresh(tech, now)

    def refresh(self, technician_id: int, now: datetime) -> None:
        try:
            with session_scope(self.factory) as session:
                refresh_technician(session, technician_id, now)
        except Exception:  # one technician's bad data must not stop the loop
            log.exception("closed loop failed for technician %s", technician_id)

    def _busy_technicians(self) -> set[int]:
        with self.factory() as session:
            rows = session.scalars(select(Job.technician_id).where(
                Job.status.in_([JobStatus.en_route, JobStatus.on_site]),
                Job.technician_id.is_not(None)).distinct())
            return {int(r) for r in rows}
