"""Shared time arithmetic: a technician's usable day and the timing of a route.

Everything that re-times a route outside VROOM (repair after solving, the
insertion evaluator, re-planning) uses these rules, so they agree with each
other:

* the day starts at the technician's start (or current) location at
  ``max(shift_start, available_from)``, or after the last *fixed* job (in
  progress or done) at that job's location;
* time off touching the start or the end of the day shortens it; time off in
  the middle becomes a break with a zero-length window (it must happen then);
* a break starts at the earliest moment its window allows after the previous
  visit ends, possibly during the drive to the next one (VROOM's rule);
* a job starts at ``max(arrival, window.start)`` in the first of its windows
  that still fits the whole visit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from crewboard.routing.plan import BreakSlot, Route, Stop
from crewboard.routing.problem import Break, Job, Location, Problem, Technician, TimeWindow
from crewboard.routing.travel import UNREACHABLE


@dataclass(frozen=True)
class TechDay:
    """What is left of a technician's day for planning.

    ``fixed`` are the in-progress/done jobs (sorted), kept in front of the
    route; ``available`` is False when nothing is left (``why`` says why).
    """

    technician: Technician
    start_location: Location
    start_time: int
    end_location: Location
    end_time: int
    breaks: tuple[Break, ...]
    fixed: tuple[Job, ...]
    fixed_work_s: int
    available: bool
    why: str = ""


def tech_day(tech: Technician, fixed_jobs: Iterable[Job] = ()) -> TechDay:
    """Compute the usable part of ``tech``'s day (see module docstring)."""
    fixed = tuple(sorted(fixed_jobs, key=lambda j: j.fixed.start if j.fixed else 0))
    start_loc = tech.current_location or tech.start
    start = tech.shift_start
    if tech.available_from is not None:
        start = max(start, tech.available_from)
    fixed_work = 0
    for j in fixed:
        assert j.fixed is not None and j.location is not None
        fixed_work += j.service_s
        end_of_job = j.fixed.start + j.service_s
        if end_of_job >= start or tech.current_location is None:
            start = max(start, end_of_job)
            start_loc = j.location
    end = tech.shift_end
    extra: list[Break] = []
    off_hit = False
    for w in sorted(tech.time_off, key=lambda w: w.start):
        if w.end <= start or w.start >= end:
            continue
        off_hit = True
        if w.start <= start:
            start = max(start, w.end)
        elif w.end >= end:
            end = min(end, w.start)
        else:
            extra.append(Break((TimeWindow(w.start, w.start),), w.end - w.start, "time off"))
    blocks = [(x.windows[0].start, x.windows[0].start + x.duration_s) for x in extra]
    breaks: list[Break] = []
    for b in tech.breaks:
        wins = [TimeWindow(max(w.start, start), w.end) for w in b.windows if w.end >= start]
        for off_s, off_e in blocks:  # a break cannot start inside or run into time off
            wins = _subtract(wins, off_s - b.duration_s + 1, off_e - 1)
        wins = [w for w in wins if w.start < end]
        if wins:
            breaks.append(Break(tuple(wins), b.duration_s, b.name))
    breaks.extend(x for x in extra if start < x.windows[0].start < end)
    breaks.sort(key=lambda b: b.windows[0].start)
    available = start < end
    why = ""
    if not available:
        why = "off today (time off)" if off_hit else "no time left in the shift"
    return TechDay(
        technician=tech,
        start_location=start_loc,
        start_time=start,
        end_location=tech.end_location,
        end_time=end,
        breaks=tuple(breaks),
        fixed=fixed,
        fixed_work_s=fixed_work,
        available=available,
        why=why,
    )


def _subtract(wins: list[TimeWindow], lo: int, hi: int) -> list[TimeWindow]:
    """Remove the start times ``lo..hi`` (inclusive) from windows of allowed starts."""
    out = []
    for w in wins:
        if w.end < lo or w.start > hi:
            out.append(w)
            continue
        if w.start < lo:
            out.append(TimeWindow(w.start, lo - 1))
        if w.end > hi:
            out.append(TimeWindow(hi + 1, w.end))
    return out


def tech_days(problem: Problem) -> dict[str, TechDay]:
    """:func:`tech_day` for every technician, with their fixed jobs."""
    fixed: dict[str, list[Job]] = {t.id: [] for t in problem.technicians}
    for j in problem.jobs:
        if j.fixed is not None and j.fixed.technician_id in fixed:
            fixed[j.fixed.technician_id].append(j)
    return {t.id: tech_day(t, fixed[t.id]) for t in problem.technicians}


class TravelTable:
    """A travel matrix plus a location-to-row map, built once per problem.

    Parameters
    ----------
    problem:
        Supplies the travel model and the locations (technicians and jobs).
    extra:
        More locations to include (e.g. live positions).
    """

    def __init__(self, problem: Problem, extra: Sequence[Location] = ()) -> None:
        pts: list[Location] = []
        pos: dict[Location, int] = {}

        def add(loc: Location | None) -> None:
            if loc is not None and loc not in pos:
                pos[loc] = len(pts)
                pts.append(loc)

        for t in problem.technicians:
            add(t.start)
            add(t.end)
            add(t.current_location)
        for j in problem.jobs:
            add(j.location)
        for loc in extra:
            add(loc)
        self.points = pts
        self.pos = pos
        self.model = problem.travel
        self.m = (
            np.asarray(problem.travel.matrix(pts), dtype=np.int64)
            if pts
            else np.zeros((0, 0), dtype=np.int64)
        )

    def index(self, loc: Location) -> int:
        i = self.pos.get(loc)
        if i is None:  # a location not seen at build time: extend once
            self.m = _extend(self.m, self.model, self.points, loc)
            self.points.append(loc)
            i = self.pos[loc] = len(self.points) - 1
        return i

    def t(self, a: Location, b: Location) -> int:
        return int(self.m[self.index(a), self.index(b)])


def _extend(m: np.ndarray, model: object, points: list[Location], loc: Location) -> np.ndarray:
    n = len(points)
    out = np.zeros((n + 1, n + 1), dtype=np.int64)
    out[:n, :n] = m
    if n:
        out[n, :n] = model.table([loc], points)[0]  # type: ignore[attr-defined]
        out[:n, n] = model.table(points, [loc])[:, 0]  # type: ignore[attr-defined]
    return out


def visit_window(job: Job, arrival: int) -> tuple[int, TimeWindow | None, int]:
    """Pick the window for a visit arriving at ``arrival``.

    Returns ``(start, window, late_s)``: the first window in which the whole
    visit still fits, else the window that makes it least late.
    """
    if not job.windows:
        return arrival, None, 0
    best: tuple[int, TimeWindow, int] | None = None
    for w in sorted(job.windows, key=lambda w: w.start):
        start = max(arrival, w.start)
        late = start + job.service_s - w.end
        if late <= 0:
            return start, w, 0
        if best is None or late < best[2]:
            best = (start, w, late)
    assert best is not None
    return best


def break_start(b: Break, ready: int) -> tuple[int, int]:
    """Earliest start of break ``b`` when free at ``ready``; returns (start, late_s)."""
    best: tuple[int, int] | None = None
    for w in sorted(b.windows, key=lambda w: w.start):
        s = max(ready, w.start)
        late = s - w.end
        if late <= 0:
            return s, 0
        if best is None or late < best[1]:
            best = (s, late)
    assert best is not None
    return best


Element = Job | Break


@dataclass(frozen=True)
class Timed:
    """A route re-timed by :func:`schedule` plus whether it respects every rule."""

    route: Route
    feasible: bool
    problems: tuple[str, ...]


def schedule(day: TechDay, elements: Sequence[Element], table: TravelTable) -> Timed:
    """Time a sequence of jobs and breaks for a technician, as early as possible.

    A break placed between two visits may start during the drive between them
    (VROOM's rule); it never starts before the previous visit ends.

    Never fails: late visits get ``late_s`` and the problems are listed, so the
    same function serves planning (must be feasible) and prediction.
    """
    t = day.start_time
    loc = day.start_location
    stops: list[Stop] = []
    slots: list[BreakSlot] = []
    probs: list[str] = []
    drive = 0
    work = day.fixed_work_s
    for fj in day.fixed:
        assert fj.fixed is not None
        stops.append(
            Stop(
                fj.id,
                fj.fixed.start,
                fj.fixed.start,
                fj.fixed.start + fj.service_s,
                0,
                0,
                fixed=True,
            )
        )
    # Legs: the breaks before each visit (and before the drive home). A break
    # may be taken during the drive, as VROOM does: driving continues until
    # the break starts, and the rest of the drive follows it.
    legs: list[tuple[list[Break], Job | None]] = []
    pending: list[Break] = []
    for el in elements:
        if isinstance(el, Break):
            pending.append(el)
        else:
            legs.append((pending, el))
            pending = []
    legs.append((pending, None))
    end_time = t
    for brks, el in legs:
        dest = el.location if el is not None else day.end_location
        assert dest is not None
        travel = table.t(loc, dest)
        if travel >= UNREACHABLE:
            probs.append(f"{el.name if el else 'end location'} unreachable")
        left = travel
        for b in brks:
            bs, late = break_start(b, t)
            if late > 0:
                probs.append(f"break '{b.name}' late by {late}s")
            left -= min(left, bs - t)
            slots.append(BreakSlot(b.name, bs, bs + b.duration_s, len(stops)))
            t = bs + b.duration_s
        arrival = t + left
        drive += travel
        work += travel
        if el is None:
            end_time = arrival
            break
        start, _w, late = visit_window(el, arrival)
        if late > 0:
            probs.append(f"{el.name} late by {late}s")
        stops.append(
            Stop(
                el.id,
                arrival,
                start,
                start + el.service_s,
                travel,
                start - arrival,
                late_s=max(0, late),
            )
        )
        work += el.service_s
        t = start + el.service_s
        loc = dest
    if end_time > day.end_time:
        probs.append(f"back at end location {end_time - day.end_time}s after shift end")
    mw = day.technician.max_work_s
    if mw is not None and work > mw:
        probs.append(f"works {work - mw}s over max working time")
    cap = day.technician.capacity
    if cap is not None:
        load = sum(e.amount for e in elements if isinstance(e, Job))
        load += sum(j.amount for j in day.fixed)
        if load > cap:
            probs.append(f"load {load} over capacity {cap}")
    # Latest departure that keeps the first arrival: VROOM also delays the start.
    first_fixed = stops[0].start if stops and stops[0].fixed else None
    start_time = first_fixed if first_fixed is not None else day.start_time
    route = Route(
        technician_id=day.technician.id,
        stops=tuple(stops),
        start_time=start_time,
        end_time=end_time,
        drive_s=drive,
        work_s=work,
        breaks=tuple(slots),
    )
    return Timed(route, not probs, tuple(probs))


def route_elements(route: Route, jobs_by_id: dict[str, Job], day: TechDay) -> list[Element]:
    """The non-fixed jobs and the breaks of ``route``, in route order.

    Breaks are matched to ``day.breaks`` by name and order; breaks the route
    does not place yet are added where their window opens.
    """
    fixed_ids = {j.id for j in day.fixed}
    pending = list(day.breaks)
    out: list[Element] = []
    by_pos: dict[int, list[BreakSlot]] = {}
    for slot in route.breaks:
        by_pos.setdefault(slot.after_stops, []).append(slot)

    def take(slot: BreakSlot) -> None:
        for i, b in enumerate(pending):
            if b.name == slot.name:
                out.append(pending.pop(i))
                return

    for i, stop in enumerate(route.stops):
        for slot in by_pos.get(i, []):
            take(slot)
        if stop.job_id not in fixed_ids and stop.job_id in jobs_by_id:
            out.append(jobs_by_id[stop.job_id])
    for slot in by_pos.get(len(route.stops), []):
        take(slot)
    return place_breaks(out, pending, route.stops)


def place_breaks(
    elements: list[Element], pending: Sequence[Break], stops: Sequence[Stop]
) -> list[Element]:
    """Insert breaks not yet on a route before the first visit starting after their window opens."""
    out = list(elements)
    start_of = {s.job_id: s.start for s in stops}
    for b in pending:
        opens = min(w.start for w in b.windows)
        pos = len(out)
        for i, el in enumerate(out):
            if isinstance(el, Job) and start_of.get(el.id, 0) >= opens:
                pos = i
                break
        out.insert(pos, b)
    return out
