"""Post-solve repairs for what VROOM cannot express, using our own timing rules.

* :func:`enforce_max_work`: VROOM caps driving, not driving plus service, so
  routes over a technician's ``max_work_s`` lose their least important jobs
  (lowest priority, then the one saving the most work) until they fit.
* :func:`insert_unassigned`: jobs left over (by the cap above, or by a short
  time limit) are offered to the insertion evaluator, most urgent first.
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
