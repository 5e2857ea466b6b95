"""An independent feasibility checker: recompute every route from the matrix.

It deliberately shares no code with the solver adapter or the timing helpers
(only the travel model and the dataclasses), so a bug in the adapter cannot
hide itself. Tests run it on every solver result and the benchmarks on every
plan they score.

Rules checked (one sentence per violation):

* every job is served exactly once or listed as unassigned, never both;
* fixed jobs stay on their technician at their start; pinned jobs on theirs;
* the technician has every required skill at the required level (fixed jobs
  are facts: their skills and pins are not judged, their time and load count);
* times add up: ``arrival >= previous end + travel + breaks in between``,
  ``start >= arrival``, ``end = start + service``;
* the visit lies inside one of the job's windows;
* the route starts no earlier than the shift (or ``available_from``) and is
  back at the end location by the shift end;
* no visit overlaps the technician's time off;
* every break whose window is still ahead is taken inside a window, for its
  full duration, when the route has visits;
* driving plus service stays within ``max_work_s``; loads within capacity.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from crewboard.routing.plan import Plan, Route
from crewboard.routing.problem import Job, Location, Problem, Technician


class _Matrix:
    def __init__(self, problem: Problem) -> None:
        pts: list[Location] = []
        self.pos: dict[Location, int] = {}
        for t in problem.technicians:
            for p in (t.start, t.end, t.current_location):
                if p is not None and p not in self.pos:
                    self.pos[p] = len(pts)
                    pts.append(p)
        for j in problem.jobs:
            if j.location is not None and j.location not in self.pos:
                self.pos[j.location] = len(pts)
                pts.append(j.location)
        self.m = np.asarray(problem.travel.matrix(pts)) if pts else np.zeros((0, 0))

    def t(self, a: Location, b: Location) -> int:
        return int(self.m[self.pos[a], self.pos[b]])


def check_plan(problem: Problem, plan: Plan, *, require_all: bool = False) -> list[str]:
    """List every rule ``plan`` breaks for ``problem``; empty means feasible.

    Parameters
    ----------
    problem, plan:
        What was asked and what was answered.
    require_all:
        Also report every unassigned job as a violation.

    Returns
    -------
    list[str]
        One sentence per violation, naming the job or technician.
    """
    out: list[str] = []
    jobs = {j.id: j for j in problem.jobs}
    techs = {t.id: t for t in problem.technicians}
    mx = _Matrix(problem)
    seen: dict[str, str] = {}
    for r in plan.routes:
        if r.technician_id not in techs:
            out.append(f"route for unknown technician '{r.technician_id}'")
            continue
        for s in r.stops:
            if s.job_id not in jobs:
                out.append(f"{r.technician_id}: unknown job '{s.job_id}'")
            elif s.job_id in seen:
                out.append(f"job {jobs[s.job_id].name} is served twice")
            seen[s.job_id] = r.technician_id
        out.extend(_check_route(problem, techs[r.technician_id], r, jobs, mx))
    unassigned = {u.job_id for u in plan.unassigned}
    for j in problem.jobs:
        if j.id in seen and j.id in unassigned:
            out.append(f"job {j.name} is both assigned and unassigned")
        elif j.id not in seen and j.id not in unassigned:
            out.append(f"job {j.name} is missing from the plan")
        elif j.id not in seen and require_all:
            out.append(f"job {j.name} is unassigned")
        if j.fixed is not None and seen.get(j.id) != j.fixed.technician_id:
            out.append(f"fixed job {j.name} is not on technician {j.fixed.technician_id}")
        if (
            j.pinned_to is not None
            and j.fixed is None
            and j.id in seen
            and seen[j.id] != j.pinned_to
        ):
            out.append(f"job {j.name} is pinned to {j.pinned_to} but on {seen[j.id]}")
    return out


def _check_route(
    problem: Problem, tech: Technician, r: Route, jobs: dict[str, Job], mx: _Matrix
) -> list[str]:
    out: list[str] = []
    who = tech.name or tech.id
    day_start = max(tech.shift_start, tech.available_from or tech.shift_start)
    loc = tech.current_location or tech.start
    t = day_start
    work = 0
    load = 0
    planned_load = 0
    breaks_at: dict[int, list] = {}
    for b in r.breaks:
        breaks_at.setdefault(b.after_stops, []).append(b)
    visits = 0
    for i, s in enumerate(r.stops):
        job = jobs.get(s.job_id)
        if job is None or job.location is None:
            continue
        name = job.name
        for name_, lv in job.required_skills.items():
            if tech.skills.get(name_, 0) < lv and job.fixed is None:  # fixed work is a fact
                out.append(f"{who}: job {name} needs '{name_}' level {lv}")
        if s.end - s.start != job.service_s:
            out.append(f"{who}: job {name} lasts {s.end - s.start}s, expected {job.service_s}s")
        if s.start < s.arrival:
            out.append(f"{who}: job {name} starts before arrival")
        work += job.service_s
        load += job.amount
        if job.fixed is None:
            planned_load += job.amount
        if job.fixed is not None:
            if s.start != job.fixed.start:
                out.append(f"{who}: fixed job {name} moved from {job.fixed.start} to {s.start}")
            if s.end >= t or tech.current_location is None:
                loc = job.location
                t = max(t, s.end)
            continue
        visits += 1
        brk = breaks_at.get(i, [])
        brk_s = 0
        for b in brk:
            if b.start < t:
                out.append(f"{who}: break '{b.name}' starts before the previous visit ends")
            brk_s += b.end - b.start
        travel = mx.t(loc, job.location)
        earliest = t + travel + brk_s
        if s.arrival < earliest:
            out.append(
                f"{who}: job {name} arrival {s.arrival} is before {earliest}"
                " (previous end + travel + breaks)"
            )
        if brk and max(b.end for b in brk) > s.arrival:
            out.append(f"{who}: break before job {name} ends after arrival")
        if job.windows and not any(w.start <= s.start and s.end <= w.end for w in job.windows):
            out.append(f"{who}: job {name} at {s.start}-{s.end} is outside its windows")
        if s.start < day_start:
            out.append(f"{who}: job {name} starts before the shift")
        for w in tech.time_off:
            if s.start < w.end and w.start < s.end:
                out.append(f"{who}: job {name} overlaps time off {w.start}-{w.end}")
        work += travel
        t = s.end
        loc = job.location
    if r.stops or r.breaks:
        back = mx.t(loc, tech.end_location)
        brk_s = sum(b.end - b.start for b in breaks_at.get(len(r.stops), []))
        for b in breaks_at.get(len(r.stops), []):
            if b.start < t:
                out.append(f"{who}: break '{b.name}' starts before the previous visit ends")
        if visits:
            work += back
            if t + back + brk_s > tech.shift_end:
                out.append(
                    f"{who}: back at end location at {t + back + brk_s}, after shift end"
                    f" {tech.shift_end}"
                )
            if r.end_time < t + back + brk_s:
                out.append(f"{who}: route end_time {r.end_time} is before the drive back ends")
    free_from = max([day_start] + [s.end for s in r.stops if s.fixed])
    out.extend(_check_breaks(tech, r, free_from, visits))
    if tech.max_work_s is not None and work > tech.max_work_s and visits:
        out.append(f"{who}: works {work}s, over max_work_s {tech.max_work_s}")
    if tech.capacity is not None and load > tech.capacity and planned_load:
        out.append(f"{who}: load {load} is over capacity {tech.capacity}")
    return out


def _check_breaks(tech: Technician, r: Route, day_start: int, visits: int) -> list[str]:
    out: list[str] = []
    who = tech.name or tech.id
    slots = [b for b in r.breaks if b.name != "time off"]
    for b in tech.breaks:
        if not _break_possible(tech, b, day_start):
            continue  # its time has passed (same-day re-plan) or time off covers it
        matches = [s for s in slots if s.name == b.name]
        if not matches:
            if visits and any(w.start < tech.shift_end for w in b.windows):
                out.append(f"{who}: break '{b.name}' not taken")
            continue
        s = matches[0]
        slots.remove(s)
        if s.end - s.start < b.duration_s:
            out.append(f"{who}: break '{b.name}' lasts {s.end - s.start}s, needs {b.duration_s}s")
        if not any(w.start <= s.start <= w.end for w in b.windows):
            out.append(f"{who}: break '{b.name}' at {s.start} is outside its window")
    return out


def _break_possible(tech: Technician, b, day_start: int) -> bool:
    """Is there any start time in a window that avoids time off and the past?"""
    for w in b.windows:
        spans = [(max(w.start, day_start), w.end)]
        for off in tech.time_off:
            lo, hi = off.start - b.duration_s + 1, off.end - 1
            nxt = []
            for s, e in spans:
                if e < lo or s > hi:
                    nxt.append((s, e))
                    continue
                if s < lo:
                    nxt.append((s, lo - 1))
                if e > hi:
                    nxt.append((hi + 1, e))
            spans = nxt
        if any(s <= e for s, e in spans):
            return True
    return False


def assert_feasible(problem: Problem, plan: Plan) -> None:
    """Raise ``AssertionError`` listing violations (handy in tests and benchmarks)."""
    v = check_plan(problem, plan)
    if v:
        raise AssertionError("plan violates:\n" + "\n".join(v))


def check_routes(problem: Problem, routes: Sequence[Route]) -> list[str]:
    """Like :func:`check_plan` for bare routes (jobs not on them count as unassigned)."""
    from crewboard.routing.plan import Unassigned

    on = {s.job_id for r in routes for s in r.stops}
    un = tuple(Unassigned(j.id, "", "") for j in problem.jobs if j.id not in on)
    return check_plan(problem, Plan(tuple(routes), un))
