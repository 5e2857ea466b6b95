"""Timing a plan that people made: given each technician's job order, when
does everything happen and what is late?

The board shows the current plan (the dispatcher's assignments ordered by
planned start) with the same timing rules the solver uses, so "before" and
"after" KPIs of an optimization compare like with like.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crewboard.routing.plan import Plan, Stop, Unassigned, compute_kpis
from crewboard.routing.problem import Problem
from crewboard.routing.solver import available_seconds
from crewboard.routing.timing import TravelTable, place_breaks, schedule, tech_days


def plan_from_sequences(
    problem: Problem,
    sequences: Mapping[str, Sequence[str]],
    planned_starts: Mapping[str, int] | None = None,
    table: TravelTable | None = None,
) -> Plan:
    """Time each technician's jobs in the given order, as early as the rules allow.

    Parameters
    ----------
    problem:
        The day; jobs fixed to a technician are placed first whatever the order.
    sequences:
        Technician id to job ids in visiting order.
    planned_starts:
        Job id to the start people planned; decides where breaks fall.
    table:
        A travel table to reuse.

    Returns
    -------
    Plan
        Late visits carry ``late_s``; jobs on nobody's sequence are unassigned
        with reason code ``not_planned``.
    """
    days = tech_days(problem)
    table = table or TravelTable(problem)
    jobs = {j.id: j for j in problem.jobs}
    starts = planned_starts or {}
    routes = []
    for tech in problem.technicians:
        day = days[tech.id]
        fixed = {j.id for j in day.fixed}
        order = [jobs[j] for j in sequences.get(tech.id, ()) if j in jobs and j not in fixed]
        marks = [Stop(j.id, starts.get(j.id, 0), starts.get(j.id, 0), 0, 0, 0) for j in order]
        elements = place_breaks(list(order), day.breaks, marks)
        routes.append(schedule(day, elements, table).route)
    placed = {s.job_id for r in routes for s in r.stops}
    unassigned = tuple(
        Unassigned(j.id, "not_planned", f"{j.name} is not on anyone's plan.")
        for j in problem.jobs
        if j.id not in placed
    )
    plan_routes = tuple(routes)
    return Plan(
        plan_routes,
        unassigned,
        compute_kpis(plan_routes, unassigned, available_seconds(days)),
        problem.origin,
    )
