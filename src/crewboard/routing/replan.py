"""Re-plan the rest of the day and show what changed.

The caller (``planning/``) marks finished and in-progress jobs as
:class:`~crewboard.routing.problem.Fixed` and sets each technician's
``current_location``/``available_from``; those are then inputs, never moved.
A re-plan is either one technician re-sequencing their own remaining jobs or
everyone (jobs may move between technicians). Both warm-start VROOM from the
current plan at a low exploration level, so 50 technicians and 400 jobs
answer well inside a second.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from crewboard.routing.plan import Plan, Unassigned, compute_kpis
from crewboard.routing.problem import Job, Problem, TimeWindow
from crewboard.routing.solver import available_seconds, solve
from crewboard.routing.timing import TechDay, TravelTable, place_breaks, schedule, tech_days

#: Interactive re-plan settings. Measured on 50 technicians / 400 jobs at noon:
#: from a warm start, VROOM at exploration 1 with no time limit needs about
#: 0.1 s of CPU and lands within ~2% of exploration 5 (which needs ~0.7 s).
#: VROOM shares a time limit among its searches and a warm start is one of
#: them, so even a limit of several seconds stops a warm start after a few
#: hundred milliseconds with a worse plan. Hence: with a warm start at
#: exploration 1-2 the limit given to VROOM is raised to at least
#: :data:`WARM_CAP_S`, which only bounds big days (the level bounds the effort
#: of small ones); the limit applies as given to cold solves and higher levels.
REPLAN_TIME_LIMIT_S = 1.0
#: The least limit of a warm low-exploration re-plan. Unbounded, the level did
#: not bound the effort on a big day: a warm re-plan of 200 technicians and
#: 1,600 jobs (200 of them unplanned) ran 140 s (bench/README.md, "Optimize
#: responsiveness"); 50/400 needs well under a second, so this never binds there.
WARM_CAP_S = 10.0
REPLAN_EXPLORATION = 1


def replan(
    problem: Problem,
    current: Plan,
    *,
    technician_id: str | None = None,
    time_limit_s: float | None = REPLAN_TIME_LIMIT_S,
    exploration: int = REPLAN_EXPLORATION,
) -> Plan:
    """Re-plan the remaining day, starting from ``current``.

    Parameters
    ----------
    problem:
        The day as it is now (fixed jobs, live positions, new or cancelled jobs).
    current:
        The plan being replaced; it is the warm start.
    technician_id:
        Only re-sequence this technician's remaining jobs; all other routes are
        kept as they are. ``None`` re-plans everyone.
    time_limit_s, exploration:
        Search budget; see :data:`REPLAN_TIME_LIMIT_S` for when the limit is
        passed to VROOM.

    Returns
    -------
    Plan
        Compare with ``current`` using :func:`diff_plans`. When everyone is
        re-planned, booked jobs the search could only drop for their windows
        stay on the day, late, where room is left
        (:data:`LATE_RATHER_THAN_DROPPED`).
    """
    plan = _replan(problem, current, technician_id, time_limit_s, exploration)
    if technician_id is not None:  # a re-sequence that drops a job is no repair: say so
        return plan
    booked = {s.job_id for r in current.routes for s in r.stops if not s.fixed}
    windowed = {j.id for j in problem.jobs if j.windows and j.fixed is None}
    late = {u.job_id for u in plan.unassigned
            if u.job_id in booked & windowed and u.reason_code in LATE_RATHER_THAN_DROPPED}
    if not late:
        return plan
    # the room the search left, with their windows open to the end of the day
    from crewboard.routing.finish import finish_plan

    relaxed = _relaxed(problem, late)
    days, table = tech_days(relaxed), TravelTable(relaxed)
    kept = finish_plan(relaxed, days, table, {r.technician_id: r for r in plan.routes},
                       plan.engine)
    return _marked_late(_earliest(kept, relaxed, late, days, table), problem, late, days)


LATE_RATHER_THAN_DROPPED = ("no_room", "window_unreachable")
"""Why a booked job left a re-plan that a late visit fixes. Such a job (on
the current plan, with windows nobody can meet any more) is placed, late,
in the room the search left: never at the expense of work that can be on
time; any other reason (skills, time off, capacity) stands."""


def _relaxed(problem: Problem, overdue: set[str]) -> Problem:
    """``overdue`` jobs with one window: from their first start (never before
    now) to the end of the latest shift."""
    now = min(t.available_from if t.available_from is not None else t.shift_start
              for t in problem.technicians)
    end = max(t.shift_end for t in problem.technicians)

    def late(j: Job) -> TimeWindow:  # never earlier than the customer was told
        start = max(now, min((w.start for w in j.windows), default=now))
        return TimeWindow(start, max(end, start + j.service_s))

    jobs = [replace(j, windows=(late(j),)) if j.id in overdue else j for j in problem.jobs]
    return replace(problem, jobs=jobs)


def _earliest(plan: Plan, relaxed: Problem, overdue: set[str], days: dict[str, TechDay],
              table: TravelTable) -> Plan:
    """Routes with a late visit re-timed as early as the rules allow.

    The search's cost is driving, so it may put lunch before a visit that is
    already late; every minute counts for that customer, so such a route is
    timed again with breaks after the visits that can go first (when that
    keeps every rule of the relaxed day).
    """
    jobs = {j.id: j for j in relaxed.jobs}
    routes = []
    for r in plan.routes:
        if any(s.job_id in overdue for s in r.stops) and r.technician_id in days:
            order = [jobs[s.job_id] for s in r.stops if not s.fixed]
            timed = schedule(days[r.technician_id],
                             place_breaks(order, days[r.technician_id].breaks, ()), table)
            if timed.feasible and [s.job_id for s in timed.route.stops] == list(r.job_ids):
                r = timed.route
        routes.append(r)
    return Plan(tuple(routes), plan.unassigned, plan.kpis, plan.origin, plan.engine)


def _marked_late(plan: Plan, problem: Problem, overdue: set[str],
                 days: dict[str, TechDay]) -> Plan:
    """``plan`` with each overdue stop's lateness against its real windows
    (``days``: the technicians' days, which relaxing windows leaves as they were)."""
    ends = {j.id: max(w.end for w in j.windows) for j in problem.jobs
            if j.id in overdue and j.windows}
    routes = tuple(
        replace(r, stops=tuple(replace(s, late_s=max(0, s.end - ends[s.job_id]))
                               if s.job_id in ends else s for s in r.stops))
        for r in plan.routes)
    kpis = compute_kpis(routes, plan.unassigned, available_seconds(days))
    return Plan(routes, plan.unassigned, kpis, plan.origin, plan.engine)


def _replan(problem: Problem, current: Plan, technician_id: str | None,
            time_limit_s: float | None, exploration: int) -> Plan:
    warm = any(r.stops for r in current.routes)
    if warm and exploration <= 2:
        time_limit_s = max(time_limit_s or 0.0, WARM_CAP_S)
    opts = replace(problem.options, time_limit_s=time_limit_s, exploration=exploration)
    if technician_id is None:
        return solve(replace(problem, options=opts), initial=current)

    tech = problem.technician(technician_id)
    route = current.route_of(technician_id)
    mine = set(route.job_ids) if route is not None else set()
    mine |= {j.id for j in problem.jobs if j.fixed and j.fixed.technician_id == technician_id}
    sub = replace(
        problem,
        technicians=[tech],
        jobs=[
            replace(j, pinned_to=None) if j.pinned_to not in (None, technician_id) else j
            for j in problem.jobs
            if j.id in mine
        ],
        options=opts,
    )
    sub_plan = solve(sub, initial=current)
    new_route = sub_plan.routes[0]
    routes = tuple(new_route if r.technician_id == technician_id else r for r in current.routes)
    if all(r.technician_id != technician_id for r in routes):
        routes = (*routes, new_route)
    known = {j.id for j in problem.jobs}
    on_routes = {s.job_id for r in routes for s in r.stops}
    unassigned = tuple(u for u in current.unassigned if u.job_id not in on_routes)
    unassigned += tuple(u for u in sub_plan.unassigned if u.job_id not in on_routes)
    unassigned += tuple(
        Unassigned(j, "not_planned", "Not part of the re-planned route")
        for j in sorted(known - on_routes - {u.job_id for u in unassigned})
    )
    kpis = compute_kpis(routes, unassigned, available_seconds(tech_days(problem)))
    return Plan(routes, unassigned, kpis, problem.origin, sub_plan.engine)


@dataclass(frozen=True)
class Move:
    """A job that changed technician (``from_technician`` -> ``to_technician``)."""

    job_id: str
    from_technician: str
    to_technician: str


@dataclass(frozen=True)
class PlanDiff:
    """What applying ``after`` instead of ``before`` would change.

    ``resequenced`` lists technicians whose order of the jobs they keep
    changed; ``added`` jobs were not on any route before, ``dropped`` jobs are
    on no route after.
    """

    moves: tuple[Move, ...]
    resequenced: tuple[str, ...]
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    kpis_before: dict[str, Any]
    kpis_after: dict[str, Any]

    @property
    def empty(self) -> bool:
        return not (self.moves or self.resequenced or self.added or self.dropped)


def diff_plans(before: Plan, after: Plan) -> PlanDiff:
    """Compare two plans job by job (see :class:`PlanDiff`)."""
    a_before = before.assignment()
    a_after = after.assignment()
    moves = tuple(
        Move(j, a_before[j], a_after[j])
        for j in sorted(a_before.keys() & a_after.keys())
        if a_before[j] != a_after[j]
    )
    added = tuple(sorted(a_after.keys() - a_before.keys()))
    dropped = tuple(sorted(a_before.keys() - a_after.keys()))
    reseq = []
    for r in after.routes:
        old = before.route_of(r.technician_id)
        if old is None:
            continue
        keep = set(old.job_ids) & set(r.job_ids)
        if [j for j in old.job_ids if j in keep] != [j for j in r.job_ids if j in keep]:
            reseq.append(r.technician_id)
    return PlanDiff(moves, tuple(reseq), added, dropped, _kpis(before), _kpis(after))


def _kpis(plan: Plan) -> dict[str, Any]:
    return dict(plan.kpis) or compute_kpis(plan.routes, plan.unassigned)
