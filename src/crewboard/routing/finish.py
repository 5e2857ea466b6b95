"""The common tail of every engine: search routes -> max work -> repair -> reasons -> KPIs.

VROOM and PyVRP only produce job sequences; everything a dispatcher sees
afterwards (the insertion repair, the emergency bump, the reason sentences,
the KPIs) is computed here once, so the two engines give plans that differ
only in what the search found.
"""

from __future__ import annotations

from collections.abc import Mapping

from crewboard.routing.plan import Plan, Route, compute_kpis
from crewboard.routing.problem import Problem
from crewboard.routing.reasons import explain_unassigned
from crewboard.routing.repair import (
    _RANK,
    enforce_max_work,
    insert_unassigned,
    make_room_for_emergencies,
)
from crewboard.routing.solver import available_seconds, empty_route
from crewboard.routing.timing import TechDay, TravelTable


def finish_plan(
    problem: Problem,
    days: dict[str, TechDay],
    table: TravelTable,
    by_tech: Mapping[str, Route],
    engine: str,
) -> Plan:
    """Turn an engine's routes into the final plan (``engine`` is recorded on it).

    Technicians without a route get their fixed jobs only; jobs the search
    left out go through the same repairs and explanations whatever the engine.
    """
    routes = [by_tech.get(t.id) or empty_route(days[t.id]) for t in problem.technicians]
    routes = enforce_max_work(problem, days, table, routes)

    def pending_jobs() -> list:
        assigned = {s.job_id for r in routes for s in r.stops}
        return [j for j in problem.jobs if j.id not in assigned]

    pending = pending_jobs()
    if problem.options.repair and pending:
        routes = insert_unassigned(problem, days, table, routes, pending)
        pending = pending_jobs()
        if any(j.priority == "emergency" and j.fixed is None for j in pending):
            routes, bumped = make_room_for_emergencies(problem, days, table, routes, pending)
            if bumped:
                routes = insert_unassigned(problem, days, table, routes, bumped)
            pending = pending_jobs()
    plan_routes = tuple(routes)
    unassigned = tuple(
        explain_unassigned(
            problem, days, table, plan_routes, sorted(pending, key=lambda j: _RANK[j.priority])
        )
    )
    kpis = compute_kpis(plan_routes, unassigned, available_seconds(days))
    return Plan(plan_routes, unassigned, kpis, problem.origin, engine)
