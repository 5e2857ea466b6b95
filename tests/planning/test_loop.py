"""The closed loop: a job runs 40 minutes long; exactly the customers whose start
really moves hear about it, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from crewboard.auth.actor import SYSTEM, Role
from crewboard.company.actions import do_update_company
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.notifications.models import OutboxMessage
from crewboard.planning.loop import refresh_technician
from crewboard.technicians.models import Technician
from tests.conftest import World

ALL_DAY = [{"weekday": d, "start": "00:00", "end": "23:59", "break_minutes": 0}
           for d in range(7)]


def midday_zone(now: datetime) -> str:
    """A fixed-offset zone where it is now about 11:00, so 'today' has room on both sides."""
    offset = (11 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


class Day:
    def __init__(self, world: World, threshold_min: int = 15, auto_repair: bool = False):
        self.world = world
        self.now = datetime.now(UTC).replace(second=0, microsecond=0)
        world.run(lambda s: do_update_company(s, SYSTEM, version=None, values={
            "timezone": midday_zone(self.now), "delay_threshold_min": threshold_min,
            "auto_repair": auto_repair}))

    def t(self, minutes: int) -> datetime:
        return self.now + timedelta(minutes=minutes)

    def job(self, name: str, lat: float, window: tuple[int, int], duration: int = 30) -> int:
        from crewboard.customers.actions import do_create_customer

        def make(s):  # type: ignore[no-untyped-def]
            customer = do_create_customer(s, SYSTEM, name=name, email=f"{name}@example.com",
                                          phone=None, locations=[
                {"address": f"{name} street", "lat": lat, "lon": -87.63}])
            return A.do_create_job(s, SYSTEM, customer_id=customer.id, duration_min=duration,
                                   windows=[(self.t(window[0]), self.t(window[1]))]).id

        return self.world.run(make)

    def assign(self, job_id: int, tech_id: int, minutes: int) -> None:
        def go(s):  # type: ignore[no-untyped-def]
            A.do_assign_job(s, SYSTEM, s.get(Job, job_id), s.get(Technician, tech_id),
                            self.t(minutes))

        self.world.run(go)

    def start_work(self, job_id: int, arrived: int) -> None:
        def go(s):  # type: ignore[no-untyped-def]
            job = s.get(Job, job_id)
            A.do_dispatch_job(s, SYSTEM, job)
            A.do_accept_job(s, SYSTEM, job, at=self.t(arrived - 15))
            A.do_start_travel(s, SYSTEM, job, at=self.t(arrived - 10))
            A.do_arrive(s, SYSTEM, job, at=self.t(arrived))

        self.world.run(go)


def _delay_events(world: World) -> list[Event]:
    with world.db.session() as s:
        return list(s.scalars(select(Event).where(Event.action == "job.delay_predicted")
                              .order_by(Event.id)))


def test_job_running_40_min_long_alerts_next_two_customers_only(world: World) -> None:
    day = Day(world)
    tech = world.tech("Dana Kim", shifts=ALL_DAY, home_lat=41.88, home_lon=-87.63)
    a = day.job("Ann", 41.890, (-120, -60), duration=60)
    b = day.job("Ben", 41.915, (-60, 30))
    c = day.job("Cat", 41.940, (-10, 60))
    d = day.job("Dee", 41.965, (120, 240))
    day.assign(a, tech, -100)
    day.assign(b, tech, -30)
    day.assign(c, tech, 10)
    day.assign(d, tech, 120)
    day.start_work(a, arrived=-100)  # 60-minute job, on site for 100 minutes now

    result = world.run(lambda s: refresh_technician(s, tech, day.now))
    assert [u.job_id for u in result.notified] == [b, c]
    assert [u.job_id for u in result.updates] == [a, b, c, d]
    late_by = {u.job_id: (u.predicted - u.announced).total_seconds() / 60
               for u in result.notified}
    assert all(30 <= m <= 50 for m in late_by.values()), late_by
    assert any(r["kind"] == "overrun" and r["job_id"] == a for r in result.risks)

    events = _delay_events(world)
    assert [e.job_id for e in events] == [b, c]
    assert "later than announced" in (events[0].reason or "")

    with world.db.session() as s:
        alerts = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "delay")
                                .order_by(OutboxMessage.id)))
    assert {m.job_id for m in alerts} == {b, c}  # Dee's window holds: nothing for her
    alerts = [m for m in alerts if m.channel == "email"]
    assert [m.job_id for m in alerts] == [b, c]  # one e-mail each
    predicted = {u.job_id: u.predicted for u in result.notified}
    for message in alerts:  # the new ETA, in company time, is in the text
        eta = datetime.fromisoformat(message.payload["new_eta_at"])
        local = eta.astimezone(ZoneInfo(midday_zone(day.now)))
        assert f"new arrival time is about {local:%H:%M}" in message.body_text
        assert abs((eta - predicted[message.job_id]).total_seconds()) <= 150

    again = world.run(lambda s: refresh_technician(s, tech, day.now + timedelta(minutes=1)))
    assert again.notified == []
    assert len(_delay_events(world)) == 2

    office = world.api(Role.dispatcher)
    today = day.now.astimezone(__import__("zoneinfo").ZoneInfo(midday_zone(day.now))).date()
    board = office.get("/planning/board", params={"date": today.isoformat()}).json()
    kinds = {(e["kind"], e["job_id"]) for e in board["exceptions"]}
    assert ("running_long", a) in kinds
    history = office.get(f"/jobs/{b}/history").json()
    assert any(e["action"] == "job.delay_predicted" for e in history["events"])


def test_late_job_is_handed_to_a_free_technician_when_auto_repair_is_on(world: World) -> None:
    day = Day(world, auto_repair=True)
    busy = world.tech("Busy Bee", shifts=ALL_DAY, home_lat=41.88, home_lon=-87.63)
    free = world.tech("Free Fox", shifts=ALL_DAY, home_lat=41.93, home_lon=-87.63)
    a = day.job("Ann", 41.890, (-120, -60), duration=60)
    b = day.job("Ben", 41.930, (-60, 10))
    day.assign(a, busy, -100)
    day.assign(b, busy, -20)
    day.start_work(a, arrived=-100)

    result = world.run(lambda s: refresh_technician(s, busy, day.now))
    assert result.repair is not None and result.repair["kind"] == "reassign"
    assert result.repaired
    with world.db.session() as s:
        moved = s.get(Job, b)
        assert moved is not None and moved.technician_id == free
    history = world.api(Role.dispatcher).get(f"/jobs/{b}/history").json()
    assert history["reassignments"][0]["reason"].startswith("automatic repair")


def test_without_auto_repair_the_repair_is_only_proposed(world: World) -> None:
    day = Day(world, auto_repair=False)
    busy = world.tech("Busy Bee", shifts=ALL_DAY, home_lat=41.88, home_lon=-87.63)
    world.tech("Free Fox", shifts=ALL_DAY, home_lat=41.93, home_lon=-87.63)
    a = day.job("Ann", 41.890, (-120, -60), duration=60)
    b = day.job("Ben", 41.930, (-60, 10))
    day.assign(a, busy, -100)
    day.assign(b, busy, -20)
    day.start_work(a, arrived=-100)
    result = world.run(lambda s: refresh_technician(s, busy, day.now))
    assert result.repair is not None and not result.repaired
    with world.db.session() as s:
        assert s.get(Job, b).technician_id == busy  # type: ignore[union-attr]


