"""A warm start VROOM will take: the current plan minus the stops it would refuse.

VROOM rejects the whole starting solution when a single route breaks a rule,
and a day that went wrong always has one: a job running long makes the next
stops late. Without this, exactly the re-plans that matter (the day slipping)
fell back to a cold solve, slower and free to reshuffle every route. Each
route keeps, in order, every stop that still fits after the ones kept before
it; the stops taken off are planned again by the search.

VROOM (pyvroom 1.15) also refuses some routes that keep every rule, e.g. two
visits whose lunch can only follow the last one with the last visit's window
closing early, although its own plans contain such routes (minimal cases in
bench/README.md, "Planning engine in the server"). ``solve`` then drops the
refused technician's route from the start and asks again (:func:`without_route`).
"""

from __future__ import annotations

from crewboard.routing.plan import Plan, Route, Stop
from crewboard.routing.problem import Job, Technician
from crewboard.routing.timing import TechDay, TravelTable, place_breaks, schedule


def _can_take(tech: Technician, job: Job) -> bool:
    if job.pinned_to not in (None, tech.id):
        return False
    return all(tech.skills.get(s, 0) >= lv for s, lv in job.required_skills.items())


def _fits(day: TechDay, order: list[Job], table: TravelTable) -> bool:
    first = schedule(day, place_breaks(list(order), day.breaks, ()), table)
    if first.feasible:
        return True
    # breaks where the first timing says the visits fall, as the board does
    elements = place_breaks(list(order), day.breaks, first.route.stops)
    return schedule(day, elements, table).feasible


def without_route(initial: Plan, technician_id: str) -> Plan:
    """``initial`` minus one technician's route (VROOM refused it as a start)."""
    routes = tuple(r for r in initial.routes if r.technician_id != technician_id)
    return Plan(routes, initial.unassigned, initial.kpis, initial.origin)


def feasible_warm_start(initial: Plan, jobs: dict[str, Job], days: dict[str, TechDay],
                        table: TravelTable) -> Plan:
    """``initial`` with each route cut to the stops that keep it within every rule.

    ``jobs`` are the jobs the search may move (fixed work is part of ``days``);
    stops of other jobs and routes of unavailable technicians are left out.
    """
    routes: list[Route] = []
    taken: set[str] = set()
    for r in initial.routes:
        day = days.get(r.technician_id)
        if day is None or not day.available:
            continue
        kept: list[Job] = []
        for s in r.stops:
            job = jobs.get(s.job_id)
            if job is None or job.id in taken or not _can_take(day.technician, job):
                continue
            if _fits(day, [*kept, job], table):
                kept.append(job)
                taken.add(job.id)
        if kept:
            stops = tuple(Stop(j.id, 0, 0, 0, 0, 0) for j in kept)
            routes.append(Route(r.technician_id, stops, 0, 0, 0, 0, ()))
    return Plan(tuple(routes), (), {}, initial.origin)
