"""Pure planning for the demo: the clock, each technician's day, what already happened.

No database here. ``plan_day`` fills every technician's shift greedily with
nearby stops (nearest neighbour from home, round-robin over the crew so the
close-by customers are shared), giving each stop a planned start that respects
skills, equipment, shift, breaks and time off, and an appointment window that
contains it. ``simulate`` then plays the day forward with realistic slips so
``build.py`` can tell which visits are done, under way or still ahead.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from crewboard.company.clock import local_at
from crewboard.demo.data import JobTypeSpec
from crewboard.demo.places import drive_minutes

MIN = timedelta(minutes=1)
EARLIEST_WINDOW, LATEST_WINDOW = time(7, 0), time(19, 0)


@dataclass(frozen=True)
class DemoClock:
    """Real now, and the moment the demo pretends it is when choosing job states.

    Inside working hours the two are the same. At night the board is shown as
    if it were 11:00; anything marked as happened is then moved back by the
    difference so no timestamp is ever in the future.
    """

    tz: ZoneInfo
    now: datetime
    virtual_now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def lag(self) -> timedelta:
        return max(timedelta(0), self.virtual_now - self.now)

    def real(self, virtual: datetime) -> datetime:
        """The timestamp to record for something that happened at ``virtual``."""
        return min(virtual - self.lag, self.now)

    def at(self, day: date, hhmm: str) -> datetime:
        return local_at(self.tz, day, hhmm)


def make_clock(tz: ZoneInfo, now: datetime, day_start: str, day_end: str,
               working_days: list[int]) -> DemoClock:
    """Real time during office hours on a working day; otherwise "11:00" today."""
    today = now.astimezone(tz).date()
    opens = local_at(tz, today, day_start) + timedelta(hours=1)
    closes = local_at(tz, today, day_end)
    in_hours = today.weekday() in working_days and opens <= now <= closes
    virtual = now if in_hours else local_at(tz, today, "11:00")
    return DemoClock(tz, now.astimezone(UTC), virtual)


@dataclass(frozen=True)
class CrewMember:
    """The planner's view of a technician."""

    idx: int
    skills: dict[str, int]
    equipment: frozenset[str]
    lat: float
    lon: float
    shifts: dict[int, tuple[str, str, int]]  # weekday -> (start, end, break minutes)
    blocked: tuple[tuple[datetime, datetime], ...] = ()  # time off, UTC

    def can_do(self, job_type: JobTypeSpec) -> bool:
        return (all(self.skills.get(s, 0) >= lvl for s, lvl in job_type.skills.items())
                and set(job_type.equipment) <= self.equipment)


@dataclass(frozen=True)
class Site:
    """A customer's service location."""

    idx: int
    customer: int
    lat: float
    lon: float


Window = tuple[datetime, datetime]


@dataclass
class Stop:
    tech: int
    site: int
    job_type: JobTypeSpec
    start: datetime
    drive: int
    windows: list[Window]

    @property
    def end(self) -> datetime:
        return self.start + self.job_type.duration * MIN


@dataclass
class _Day:
    member: CrewMember
    t: datetime
    end: datetime
    lunch_at: datetime
    break_min: int
    cap: int
    lat: float
    lon: float
    stops: list[Stop] = field(default_factory=list)


def season_weight(job_type: JobTypeSpec, day: date) -> int:
    return job_type.summer if 5 <= day.month <= 9 else job_type.winter


def _ceil5(instant: datetime) -> datetime:
    instant = instant.replace(second=0, microsecond=0)
    return instant + (-instant.minute % 5) * MIN


def _open_day(tz: ZoneInfo, day: date, member: CrewMember, cap: int) -> _Day | None:
    shift = member.shifts.get(day.weekday())
    if shift is None or cap <= 0:
        return None
    start, end = local_at(tz, day, shift[0]), local_at(tz, day, shift[1])
    for b_start, b_end in member.blocked:  # time off shortens or removes the day
        if b_start < end and start < b_end:
            if b_start <= start:
                start = b_end
            else:
                end = min(end, b_start)
    if end - start < timedelta(minutes=45):
        return None
    return _Day(member, start, end, local_at(tz, day, "12:00"), shift[2], cap,
                member.lat, member.lon)


def appointment_windows(rng: random.Random, tz: ZoneInfo, start: datetime) -> list[Window]:
    """A 2-4 h arrival window around ``start``; about one job in ten has a second one."""
    local = start.astimezone(tz)
    day = local.date()
    earliest = datetime.combine(day, EARLIEST_WINDOW, tzinfo=tz)
    latest = datetime.combine(day, LATEST_WINDOW, tzinfo=tz)
    begin = max(earliest, local.replace(minute=0, second=0, microsecond=0)
                - timedelta(hours=rng.choice((0, 0, 1))))
    finish = min(latest, begin + timedelta(hours=rng.choice((2, 3, 3, 4))))
    if finish <= local:
        finish = local + timedelta(hours=1)
    windows = [(begin, finish)]
    if rng.random() < 0.1:
        if finish + timedelta(hours=3) <= latest:
            windows.append((finish + timedelta(hours=1), finish + timedelta(hours=3)))
        elif begin - timedelta(hours=3) >= earliest:
            windows.insert(0, (begin - timedelta(hours=3), begin - timedelta(hours=1)))
    return [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in windows]


def _nearest(rng: random.Random, lat: float, lon: float, sites: list[Site],
             taken: set[int]) -> Site | None:
    """One of the three closest sites whose customer has no visit yet that day."""
    scale = math.cos(math.radians(lat))
    ranked = sorted((((s.lat - lat) ** 2 + ((s.lon - lon) * scale) ** 2), s.idx)
                    for s in sites if s.customer not in taken)
    if not ranked:
        return None
    return sites[rng.choice(ranked[:3])[1]]


def plan_day(rng: random.Random, tz: ZoneInfo, day: date, crew: list[CrewMember],
             sites: list[Site], job_types: list[JobTypeSpec], caps: dict[int, int],
             taken: set[int] | None = None) -> dict[int, list[Stop]]:
    """Every technician's stops for ``day``, without overlaps, in visiting order."""
    taken = taken if taken is not None else set()
    days = [d for m in crew if (d := _open_day(tz, day, m, caps.get(m.idx, 0)))]
    active = list(days)
    while active:
        for plan in list(active):
            if not _add_stop(rng, tz, day, plan, sites, job_types, taken):
                active.remove(plan)
    return {d.member.idx: d.stops for d in days}


def _add_stop(rng: random.Random, tz: ZoneInfo, day: date, plan: _Day, sites: list[Site],
              job_types: list[JobTypeSpec], taken: set[int]) -> bool:
    if len(plan.stops) >= plan.cap:
        return False
    if plan.break_min and plan.t >= plan.lunch_at:
        plan.t += plan.break_min * MIN
        plan.break_min = 0
    site = _nearest(rng, plan.lat, plan.lon, sites, taken)
    if site is None:
        return False
    drive = drive_minutes(plan.lat, plan.lon, site.lat, site.lon)
    start = _ceil5(plan.t + drive * MIN)
    room = (plan.end - start) / MIN
    fitting = [jt for jt in job_types if plan.member.can_do(jt) and jt.duration <= room]
    weights = [season_weight(jt, day) for jt in fitting]
    if not fitting or not any(weights):
        return False
    job_type = rng.choices(fitting, weights)[0]
    stop = Stop(plan.member.idx, site.idx, job_type, start, drive,
                appointment_windows(rng, tz, start))
    plan.stops.append(stop)
    plan.t, plan.lat, plan.lon = stop.end, site.lat, site.lon
    taken.add(site.customer)
    return True


Phase = Literal["done", "on_site", "en_route", "ahead"]


@dataclass(frozen=True)
class Visit:
    """How a stop really went (virtual time): left, arrived, finished."""

    travel: datetime
    arrive: datetime
    finish: datetime

    def phase(self, now: datetime) -> Phase:
        if self.finish <= now:
            return "done"
        if self.arrive <= now:
            return "on_site"
        return "en_route" if self.travel <= now else "ahead"


def simulate(rng: random.Random, stops: list[Stop], day_start: datetime) -> list[Visit]:
    """Play a technician's day with slips: drives vary, jobs run short or long."""
    free = day_start
    visits = []
    for stop in stops:
        travel = max(free, stop.start - stop.drive * MIN - rng.randint(0, 6) * MIN)
        arrive = travel + max(3, round(stop.drive * rng.uniform(0.85, 1.35))) * MIN
        finish = arrive + max(15, round(stop.job_type.duration * rng.uniform(0.75, 1.3))) * MIN
        visits.append(Visit(travel, arrive, finish))
        free = finish + rng.randint(2, 8) * MIN
    return visits
