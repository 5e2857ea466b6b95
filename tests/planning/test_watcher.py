"""The background watcher refreshes a technician's ETAs after a committed change."""

from __future__ import annotations

import time

from crewboard.auth.actor import Role
from crewboard.events.bus import bus
from crewboard.planning.models import JobEta
from crewboard.planning.watcher import EtaWatcher
from tests.conftest import World
from tests.planning.test_loop import ALL_DAY, Day


def test_location_report_triggers_eta_refresh(world: World) -> None:
    day = Day(world)
    tech = world.tech("Dana Kim", shifts=ALL_DAY)
    job = day.job("Ann", 41.9, (30, 120))
    day.assign(job, tech, 60)
    watcher = EtaWatcher(world.db.factory, bus, debounce_s=0.05, sweep_s=3600)
    watcher.start()
    try:
        phone = world.api(Role.technician, technician_id=tech)
        reply = phone.post(f"/technicians/{tech}/location", json={"lat": 41.88, "lon": -87.63})
        assert reply.status_code == 201, reply.text
        deadline = time.monotonic() + 10
        row = None
        while time.monotonic() < deadline:
            with world.db.session() as s:
                row = s.get(JobEta, job)
            if row is not None:
                break
            time.sleep(0.05)
        assert row is not None and row.technician_id == tech
        assert row.start >= day.t(30)
    finally:
        watcher.stop()
