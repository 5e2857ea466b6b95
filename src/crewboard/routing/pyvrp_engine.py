"""The PyVRP engine: a :class:`Problem` as ``pyvrp.ProblemData`` and back.

Why a second engine: on the Solomon set PyVRP finds routes about 5% shorter
than VROOM at equal time (bench/README.md, section 1) and stops on time. It
cannot express everything crewboard needs, so :func:`pyvrp_fits` says when it
may run; the rest (``max_work_s``, warm starts, ...) stays with VROOM. Days
with breaks are planned around them (below) when ``engine="pyvrp"``; ``auto``
gives them to VROOM (:data:`AUTO_WITH_BREAKS`): on the field days PyVRP then
leaves more jobs out (bench/README.md, "PyVRP with lunch breaks"). It does so
even without breaks when technicians differ in skills or jobs have two
windows, so ``auto`` gives those days to VROOM too (:data:`AUTO_FIELD_DAYS`).

How the field-service rules map onto PyVRP:

* **Technicians**: one vehicle type each (``num_available=1``) from a depot
  at their start (or current) location to one at their end location, inside
  the usable day of :func:`crewboard.routing.timing.tech_day`. Fixed jobs
  (in progress or done) are the frozen prefix of the route, as with VROOM:
  the day starts where and when the last one ends, and their load counts.
* **Jobs**: one client per job; a job window bounds the whole visit, PyVRP's
  the start of service, so the client window is ``[start, end - service]``.
  A job with several windows becomes one client per window in a mutually
  exclusive group, so at most one of them is visited.
* **Priorities**: every client is optional with a prize. One unit of prize
  (:func:`prize_unit`) is more than any single insertion can cost (two of the
  longest legs plus the technician cost), so serving a job always beats
  driving; emergency/high/normal/low get 100/3/2/1 units, the VROOM weights.
* **Skills with levels, pins**: PyVRP has no skills. Technicians who may do
  exactly the same jobs share a routing profile whose matrices make the jobs
  they may not do unreachable (:func:`forbidden_s` in and out), so the time
  window cannot be met and the distance dwarfs every prize.
* **Driving**: distance = duration = travel seconds; the objective is driving
  time plus ``Options.technician_cost_s`` per technician used.
* **Breaks, mid-day time off**: PyVRP has none. It plans a day shorter by the
  breaks' length (:func:`reserved_s`); :func:`with_breaks` then places every
  break where the route stays feasible and ends earliest, and takes jobs off
  (late ones and their predecessors, least urgent first) until it does; those
  go through the insertion repair of :func:`~crewboard.routing.finish.finish_plan`.

The search's routes are re-timed with our own :func:`schedule` (as early as
possible, like the rest of crewboard) and checked by the independent
:func:`~crewboard.routing.check.check_plan` in :func:`solve` before use.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.constants import MAX_VALUE
from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

from crewboard.routing.plan import Plan, Route
from crewboard.routing.problem import Job, Location, Problem, ProblemError
from crewboard.routing.repair import _RANK
from crewboard.routing.timing import Element, TechDay, Timed, TravelTable, schedule
from crewboard.routing.travel import UNREACHABLE

log = logging.getLogger(__name__)

PRIORITY_UNITS = {"emergency": 100, "high": 3, "normal": 2, "low": 1}
MATRIX_BUDGET_BYTES = 512 * 1024 * 1024
"""Above this, the per-profile matrices would take too much memory: use VROOM."""
DEFAULT_TIME_LIMIT_S = 30.0
"""PyVRP has no natural end; ``time_limit_s=None`` gets this cap."""
STALL_ITERATIONS_PER_CLIENT = 50
"""PyVRP also stops after this many iterations per client (at least
:data:`MIN_STALL_ITERATIONS`) without a better solution, so a small day ends
in milliseconds (as with VROOM) rather than using the whole time limit."""
MIN_STALL_ITERATIONS = 2000
REPAIR_SHARE = 0.1
"""On a day with breaks, this share of the time limit is kept for placing
them and for the insertion repair of the jobs that no longer fit."""
AUTO_WITH_BREAKS = False
"""Whether ``engine="auto"`` gives days with breaks to PyVRP (bench/README.md,
"PyVRP with lunch breaks")."""
AUTO_FIELD_DAYS = False
"""Whether ``engine="auto"`` gives PyVRP days whose technicians may do
different jobs (skills, pins) or with two-window jobs. Measured on the field
days with the lunch break removed, PyVRP left 3-14 more jobs out than VROOM
(bench/README.md, "Is it the breaks?"): serving the customers comes first."""


def eligible(job: Job, day: TechDay) -> bool:
    """May this technician do this job (skills at level, pin)?"""
    t = day.technician
    if job.pinned_to is not None and job.pinned_to != t.id:
        return False
    return all(t.skills.get(n, 0) >= lv for n, lv in job.required_skills.items())


def _open_jobs(problem: Problem) -> list[Job]:
    return [j for j in problem.jobs if j.fixed is None and j.location is not None]


def _vans(problem: Problem, days: dict[str, TechDay]) -> list[TechDay]:
    return [days[t.id] for t in problem.technicians if days[t.id].available]


def pyvrp_fits(
    problem: Problem,
    initial: Plan | None,
    days: dict[str, TechDay] | None = None,
    *,
    breaks: bool = True,
    field_days: bool = True,
) -> str | None:
    """Why PyVRP cannot plan ``problem``, or ``None`` when it can.

    Breaks (and time off in the middle of a day, which is a break here) are
    planned around (see :func:`with_breaks`); with ``breaks=False`` a day
    with any is refused, as ``engine="auto"`` does unless
    :data:`AUTO_WITH_BREAKS`. PyVRP's duration limit counts waiting, so
    ``max_work_s`` goes to VROOM, and so does a warm start: it is what keeps
    interactive re-plans fast. With ``field_days=False`` a day whose
    technicians may do different jobs, or with a two-window job, is refused
    too (:data:`AUTO_FIELD_DAYS`).
    """
    from crewboard.routing.timing import tech_days

    if initial is not None and any(r.stops for r in initial.routes):
        return "a warm start (initial plan) is given"
    days = days if days is not None else tech_days(problem)
    vans = _vans(problem, days)
    for d in vans:
        name = d.technician.name or d.technician.id
        if not breaks and any(b.name == "time off" for b in d.breaks):
            return f"technician {name} has time off in the middle of the day"
        if not breaks and d.breaks:
            return f"technician {name} has a break"
        if d.technician.max_work_s is not None:
            return f"technician {name} has a maximum working time"
    jobs = _open_jobs(problem)
    n = len(jobs) + sum(max(0, len(j.windows) - 1) for j in jobs) + 2 * len(vans)
    profiles = len({frozenset(j.id for j in jobs if eligible(j, d)) for d in vans})
    if not field_days and profiles > 1:
        return "technicians may do different jobs (skills or pins)"
    if not field_days and any(len(j.windows) > 1 for j in jobs):
        return "a job has two appointment windows"
    if 2 * profiles * n * n * 8 > MATRIX_BUDGET_BYTES:
        return f"{profiles} skill profiles x {n} locations would need too much memory"
    return None


@dataclass
class _Model:
    data: pyvrp.ProblemData
    vans: list[TechDay]
    client_job: list[Job]


def prize_unit(base: np.ndarray, technician_cost_s: int) -> int:
    """More than any one insertion costs: two of the longest legs plus a technician."""
    finite = base[base < UNREACHABLE]
    longest = int(finite.max()) if finite.size else 0
    return 2 * longest + max(0, technician_cost_s) + 1


def forbidden_s(unit: int) -> int:
    """The distance and duration of a leg that may not be driven.

    More than a day and more than any prize (so a route using it is never
    feasible nor worth it), yet far below PyVRP's ``MAX_VALUE``: with
    ``MAX_VALUE`` legs the penalised costs overflow and one local-search call
    never ends (seen on bench/field_days.py S: over 2 minutes at a 5 s limit).
    """
    return max(UNREACHABLE, 2 * 86_400, 1000 * unit)


def reserved_s(day: TechDay) -> int:
    """Seconds of the day kept back for breaks: PyVRP must be home this much earlier."""
    return sum(b.duration_s for b in day.breaks)


def build(problem: Problem, days: dict[str, TechDay], table: TravelTable) -> _Model:
    """Translate ``problem`` into PyVRP data (see the module docstring)."""
    vans = _vans(problem, days)
    jobs = _open_jobs(problem)
    times = [d.start_time for d in vans] + [w.start for j in jobs for w in j.windows]
    off = -min(0, min(times, default=0))

    depot_at: dict[Location, int] = {}
    for d in vans:
        for loc in (d.start_location, d.end_location):
            depot_at.setdefault(loc, len(depot_at))
    rows = [table.index(loc) for loc in depot_at]
    points = list(depot_at)
    depots = [pyvrp.Depot(i) for i in range(len(depot_at))]

    cap_used = any(d.technician.capacity is not None for d in vans) or any(j.amount for j in jobs)
    visits: list[tuple[Job, tuple[int, int] | None, int | None]] = []  # job, start window, group
    n_groups = 0
    for j in jobs:
        assert j.location is not None
        starts = [(w.start + off, w.end - j.service_s + off) for w in j.windows]
        group = n_groups if len(starts) > 1 else None
        n_groups += group is not None
        visits += [(j, tw, group) for tw in (starts or [None])]
        rows += [table.index(j.location)] * max(1, len(starts))
        points += [j.location] * max(1, len(starts))

    idx = np.asarray(rows, dtype=np.int64)
    base = table.m[np.ix_(idx, idx)]
    cost_s = max(0, problem.options.technician_cost_s)
    unit = prize_unit(base, cost_s)
    no_go = forbidden_s(unit)
    base = np.where(base >= UNREACHABLE, no_go, base).astype(np.int64)

    nd = len(depots)
    groups = [pyvrp.ClientGroup(required=False) for _ in range(n_groups)]
    clients: list[pyvrp.Client] = []
    for k, (j, tw, group) in enumerate(visits):
        if group is not None:
            groups[group].add_client(k)
        clients.append(
            pyvrp.Client(
                nd + k,
                delivery=[j.amount] if cap_used else [],
                service_duration=j.service_s,
                tw_early=tw[0] if tw is not None else 0,
                tw_late=tw[1] if tw is not None else MAX_VALUE,
                prize=unit * PRIORITY_UNITS[j.priority],
                required=False,
                group=group,
                name=j.id,
            )
        )
    client_job = [v[0] for v in visits]

    profile_of: dict[frozenset[int], int] = {}
    matrices: list[np.ndarray] = []
    vehicle_types = []
    for d in vans:
        t = d.technician
        banned = frozenset(k for k, j in enumerate(client_job) if not eligible(j, d))
        if banned not in profile_of:
            m = base.copy()
            cols = [nd + k for k in banned]
            m[:, cols] = no_go
            m[cols, :] = no_go
            m[cols, cols] = 0
            profile_of[banned] = len(matrices)
            matrices.append(m)
        kw = {}
        if cap_used:
            used = sum(j.amount for j in d.fixed)
            big = sum(j.amount for j in jobs) + 1
            kw["capacity"] = [max(0, t.capacity - used) if t.capacity is not None else big]
        vehicle_types.append(
            pyvrp.VehicleType(
                num_available=1,
                start_depot=depot_at[d.start_location],
                end_depot=depot_at[d.end_location],
                fixed_cost=cost_s,
                tw_early=d.start_time + off,
                tw_late=max(d.start_time, d.end_time - reserved_s(d)) + off,
                profile=profile_of[banned],
                name=t.id,
                **kw,
            )
        )
    locations = [pyvrp.Location(p.lon, p.lat) for p in points]
    data = pyvrp.ProblemData(
        locations, clients, depots, vehicle_types, matrices, matrices, groups
    )
    return _Model(data, vans, client_job)


def pyvrp_orders(
    problem: Problem, days: dict[str, TechDay], table: TravelTable, time_limit_s: float
) -> dict[str, list[Job]] | None:
    """PyVRP's job sequence per technician (no breaks); ``None`` if infeasible."""
    model = build(problem, days, table)
    if not model.client_job or not model.vans:
        return {}
    o = problem.options
    stall = max(MIN_STALL_ITERATIONS, STALL_ITERATIONS_PER_CLIENT * len(model.client_job))
    stop = MultipleCriteria([MaxRuntime(max(0.01, time_limit_s)), NoImprovement(stall)])
    res = pyvrp.solve(model.data, stop=stop, seed=o.seed, collect_stats=False, display=False)
    if not res.is_feasible():
        return None
    out: dict[str, list[Job]] = {}
    for r in res.best.routes():
        day = model.vans[r.vehicle_type()]
        out[day.technician.id] = [
            model.client_job[a.idx]
            for a in r.schedule()
            if a.type == pyvrp.ActivityType.CLIENT
        ]
    return out


def _place(day: TechDay, jobs: list[Job], table: TravelTable) -> Timed:
    """Time ``jobs`` with the day's breaks at their best positions.

    Breaks go in window order, each at the position (after the previous
    break) that keeps the route feasible and home earliest; a route that no
    position makes feasible comes back with the least-bad choice.
    """
    elements: list[Element] = list(jobs)
    lo = 0
    timed = schedule(day, elements, table)
    for b in sorted(day.breaks, key=lambda b: min(w.start for w in b.windows)):
        best: tuple[tuple[int, int, int], int, Timed] | None = None
        for at in range(lo, len(elements) + 1):
            trial = schedule(day, [*elements[:at], b, *elements[at:]], table)
            late = sum(s.late_s for s in trial.route.stops)
            key = (len(trial.problems), late, trial.route.end_time)
            if best is None or key < best[0]:
                best = (key, at, trial)
        assert best is not None
        _, at, timed = best
        elements.insert(at, b)
        lo = at + 1
    return timed


def with_breaks(day: TechDay, jobs: Sequence[Job], table: TravelTable) -> tuple[Timed, list[Job]]:
    """Re-time a PyVRP sequence with the breaks inserted; drop jobs until it is feasible.

    Returns the feasible timing and the dropped jobs (least urgent first
    among the late ones and their predecessors), which the insertion repair
    then offers to every technician.
    """
    kept = list(jobs)
    dropped: list[Job] = []
    timed = _place(day, kept, table)
    while not timed.feasible and kept:
        late = {s.job_id for s in timed.route.stops if s.late_s > 0}
        cands = set()
        for i, j in enumerate(kept):
            if j.id in late:
                cands.add(i)
                if i:
                    cands.add(i - 1)
        if not cands:
            cands = set(range(len(kept)))
        best: tuple[tuple[int, int, int], int, Timed] | None = None
        for i in sorted(cands):
            trial = _place(day, kept[:i] + kept[i + 1 :], table)
            key = (not trial.feasible, -_RANK[kept[i].priority], trial.route.end_time)
            if best is None or key < best[0]:
                best = (key, i, trial)
        assert best is not None
        _, i, timed = best
        dropped.append(kept.pop(i))
    return timed, dropped


def search(
    problem: Problem, days: dict[str, TechDay], table: TravelTable
) -> dict[str, Route] | None:
    """Run PyVRP and re-time its routes with the breaks; ``None`` if it found no solution.

    Routes are timed by :func:`schedule` from the start of the usable day, so
    without breaks every visit starts no later than in PyVRP's own schedule:
    a feasible PyVRP route stays feasible. With breaks, PyVRP planned a day
    shorter by the breaks' length (:func:`reserved_s`) and :func:`with_breaks`
    puts them back; jobs that then no longer fit are left off the route for
    the insertion repair of :func:`~crewboard.routing.finish.finish_plan`.
    """
    o = problem.options
    limit = o.time_limit_s if o.time_limit_s is not None else DEFAULT_TIME_LIMIT_S
    if any(days[t.id].breaks for t in problem.technicians):
        limit *= 1 - REPAIR_SHARE
    orders = pyvrp_orders(problem, days, table, limit)
    if orders is None:
        return None
    out: dict[str, Route] = {}
    n_dropped = 0
    for tid, order in orders.items():
        timed, dropped = with_breaks(days[tid], order, table)
        n_dropped += len(dropped)
        out[tid] = timed.route
    if n_dropped:
        log.info("PyVRP: %d jobs left the routes when the breaks were placed", n_dropped)
    return out


def solve_with_pyvrp(problem: Problem, initial: Plan | None) -> Plan | None:
    """Plan the day with PyVRP when ``options.engine`` allows it.

    Returns ``None`` when VROOM should plan instead: engine ``"auto"`` and the
    problem does not fit, PyVRP found no feasible solution, or the plan fails
    the independent checker (logged; an invalid plan is never returned).

    Raises
    ------
    ProblemError
        ``engine_unfit`` when ``engine="pyvrp"`` but PyVRP cannot model the
        problem; the message says why.
    """
    from crewboard.routing.check import check_plan
    from crewboard.routing.finish import finish_plan
    from crewboard.routing.timing import tech_days

    days = tech_days(problem)
    if not _vans(problem, days) or not _open_jobs(problem):
        # nothing to search (and PyVRP needs a depot and a client): the shared
        # tail gives every technician an empty route and every job its reason
        return finish_plan(problem, days, TravelTable(problem), {}, "pyvrp")
    auto = problem.options.engine == "auto"
    why = pyvrp_fits(problem, initial, days, breaks=AUTO_WITH_BREAKS or not auto,
                     field_days=AUTO_FIELD_DAYS or not auto)
    if why is not None:
        if problem.options.engine == "pyvrp":
            raise ProblemError(
                "engine_unfit", f"options: the PyVRP engine cannot plan this day: {why}", "options",
                "engine",
            )
        return None
    table = TravelTable(problem)
    routes = search(problem, days, table)
    if routes is None:
        log.warning("PyVRP found no feasible plan; planning with VROOM instead")
        return None
    plan = finish_plan(problem, days, table, routes, "pyvrp")
    violations = check_plan(problem, plan)
    if violations:
        log.error("PyVRP plan fails the checker (%s); planning with VROOM", "; ".join(violations))
        return None
    return plan
