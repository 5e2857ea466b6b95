"""Post-solve repairs for what VROOM cannot express, using our own timing rules.

* :func:`enforce_max_work`: VROOM caps driving, not driving plus service, so
  routes over a technician's ``max_work_s`` lose their least important jobs
  (lowest priority, then the one saving the most work) until they fit.
* :func:`insert_unassigned`: jobs left over (by the cap above, or by a short
  time limit) are offered to the insertion evaluator, most urgent first.
* :func:`make_room_for_emergencies`: an emergency still left out bumps one
  less urgent job from a capable technician's route when that makes it fit.
"""

from __future__ import annotations

from collections.abc import Sequence

from crewboard.routing.insertion import DayState
from crewboard.routing.plan import Route
from crewboard.routing.problem import Job, Problem
from crewboard.routing.timing import TechDay, TravelTable, route_elements, schedule

_RANK = {"emergency": 0, "high": 1, "normal": 2, "low": 3}


def enforce_max_work(
    problem: Problem, days: dict[str, TechDay], table: TravelTable, routes: Sequence[Route]
) -> list[Route]:
    """Drop jobs from routes whose driving plus service exceeds ``max_work_s``."""
    jobs = {j.id: j for j in problem.jobs}
    out = []
    for r in routes:
        day = days[r.technician_id]
        cap = day.technician.max_work_s
        if cap is None or r.work_s <= cap:
            out.append(r)
            continue
        elements = route_elements(r, jobs, day)
        timed = schedule(day, elements, table)
        while (timed.route.work_s > cap or not timed.feasible) and any(
            isinstance(e, Job) for e in elements
        ):
            best_i, best_key = -1, None
            for i, el in enumerate(elements):
                if not isinstance(el, Job):
                    continue
                trial = elements[:i] + elements[i + 1 :]
                saved = timed.route.work_s - schedule(day, trial, table).route.work_s
                key = (-_RANK[el.priority], -saved)
                if best_key is None or key < best_key:
                    best_i, best_key = i, key
            elements = elements[:best_i] + elements[best_i + 1 :]
            timed = schedule(day, elements, table)
        out.append(timed.route)
    return out


def insert_unassigned(
    problem: Problem,
    days: dict[str, TechDay],
    table: TravelTable,
    routes: Sequence[Route],
    pending: Sequence[Job],
) -> list[Route]:
    """Insert pending jobs (most urgent first) where the insertion evaluator finds room.

    A route is only replaced when re-timing it with the job gives a fully
    feasible route, so this never makes a plan worse.
    """
    jobs = {j.id: j for j in problem.jobs}
    state = DayState(problem, routes, days=days, table=table)
    current = {r.technician_id: r for r in routes}
    todo = sorted(
        (j for j in pending if j.fixed is None and j.location is not None),
        key=lambda j: _RANK[j.priority],
    )
    for job in todo:
        for cand in state.rank(job):
            if not cand.feasible:
                break
            route = current[cand.technician_id]
            day = days[cand.technician_id]
            elements = route_elements(route, jobs, day)
            # position counts stops (fixed + visits); map to the element list
            n_fixed = len(day.fixed)
            visits_before = cand.position - n_fixed
            idx, seen = 0, 0
            while idx < len(elements) and seen < visits_before:
                if isinstance(elements[idx], Job):
                    seen += 1
                idx += 1
            # keep breaks that sit before the insertion point where they are
            trial = None
            for at in _insertion_points(elements, idx):
                els = elements[:at] + [job] + elements[at:]
                timed = schedule(day, els, table)
                if timed.feasible:
                    trial = timed.route
                    break
            if trial is None:
                continue
            current[cand.technician_id] = trial
            state.update(trial)
            break
    return [current[r.technician_id] for r in routes]


def _insertion_points(elements: list, idx: int) -> list[int]:
    """``idx`` and every other spot between the same two visits (around breaks)."""
    points = [idx]
    i = idx
    while i < len(elements) and not isinstance(elements[i], Job):
        i += 1
        points.append(i)
    i = idx
    while i > 0 and not isinstance(elements[i - 1], Job):
        i -= 1
        points.append(i)
    return points


def make_room_for_emergencies(
    problem: Problem,
    days: dict[str, TechDay],
    table: TravelTable,
    routes: Sequence[Route],
    pending: Sequence[Job],
    *,
    max_technicians: int = 5,
) -> tuple[list[Route], list[Job]]:
    """Bump less urgent work to place emergencies VROOM's search left out.

    For each unassigned emergency, the nearest capable technicians (by the
    insertion evaluator's order) are tried: drop one lower-priority job from
    their route (lowest priority first) and insert the emergency wherever the
    re-timed route is feasible. Returns the routes and the jobs now off any
    route, which the caller offers to :func:`insert_unassigned` again.
    """
    jobs = {j.id: j for j in problem.jobs}
    current = {r.technician_id: r for r in routes}
    bumped: list[Job] = []
    for em in (j for j in pending if j.priority == "emergency" and j.fixed is None):
        state = DayState(problem, list(current.values()), days=days, table=table)
        capable = [c for c in state.rank(em) if c.skill_fit == "ok" and c.position >= 0]
        placed = False
        for cand in capable[:max_technicians]:
            tid = cand.technician_id
            day = days[tid]
            elements = route_elements(current[tid], jobs, day)
            victims = sorted(
                (e for e in elements if isinstance(e, Job) and e.priority != "emergency"),
                key=lambda e: -_RANK[e.priority],
            )
            for victim in victims:
                rest = [e for e in elements if e is not victim]
                for at in range(len(rest) + 1):
                    timed = schedule(day, [*rest[:at], em, *rest[at:]], table)
                    if timed.feasible:
                        current[tid] = timed.route
                        bumped.append(victim)
                        placed = True
                        break
                if placed:
                    break
            if placed:
                break
    return [current[r.technician_id] for r in routes], bumped
