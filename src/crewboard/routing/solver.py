"""The day optimizer: a thin adapter from :class:`Problem` to VROOM and back.

How the field-service rules map onto VROOM (see ``docs/solver-format.md``):

* **Skills with levels**: every ``(skill, level)`` pair that some job needs
  becomes one VROOM skill id. A technician at level 3 gets the ids for levels
  1..3 of that skill; a job needing level 2 requires the level-2 id. So "at
  least level 2" is plain set inclusion, which is all VROOM knows.
* **Pinned jobs**: each technician with a job pinned to them owns a private
  skill id that the job requires, so no other van can take it. Technicians
  with nothing pinned get no such id (identical vans stay identical to VROOM).
* **Fixed jobs** (in progress or done) are not given to VROOM: they are the
  frozen prefix of the technician's route, and the van starts at the last
  fixed job's location when it ends (see :mod:`crewboard.routing.timing`).
* **Shifts, start/end locations, time off**: the vehicle time window is the
  usable day; time off at either end shortens it, time off in the middle is a
  break with a zero-length window.
* **Breaks**: VROOM breaks with their windows.
* **Priorities**: VROOM maximises the sum of priorities of served jobs before
  anything else. ``emergency=100, high=3, normal=2, low=1``: an emergency
  outweighs fifty normal jobs, so it is only dropped when no capable
  technician can reach it; a high job outweighs one normal job but not two.
  Should the search still leave an emergency out, the repair bumps one less
  urgent job from a capable technician's route when that makes it fit.
* **Max working time**: VROOM's ``max_travel_time`` caps driving only, so it is
  set as a relaxation (driving <= work) and the real cap, driving plus
  service, is enforced after solving by dropping the least important jobs
  from routes over the cap; dropped jobs then go through the insertion repair.
* **Capacity**: one VROOM capacity dimension when any technician or job uses it.
* **Warm start**: an initial plan becomes each vehicle's ``steps``, which VROOM
  uses as the starting solution in solving mode; stops that would make a
  route break a rule are taken off first (:mod:`crewboard.routing.warm`), as
  VROOM refuses the whole start otherwise.

Repeatability: with ``threads=1`` and a time limit that is not reached, the
same input gives a plan of the same cost; VROOM may still break ties between
equal-cost routes differently from one call to the next inside a process
(observed with pyvroom 1.15), so compare plans by KPIs, not by identity.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import vroom

from crewboard.routing.plan import BreakSlot, Plan, Route, Stop
from crewboard.routing.problem import Job, Problem, ProblemError, validate_problem
from crewboard.routing.timing import TechDay, TravelTable, tech_days
from crewboard.routing.travel import UNREACHABLE

log = logging.getLogger(__name__)

PRIORITY_WEIGHT = {"emergency": 100, "high": 3, "normal": 2, "low": 1}

# VROOM builds its starting solutions (one per heuristic; more at higher
# exploration) before it looks at the timeout, and that construction grows
# with the square of the job count. Seconds per (1,000 jobs)^2 on one thread,
# measured with a 1 ms timeout on the field days (bench/field_days.py S/M/L,
# pyvroom 1.15, quiet 2-core machine; the L figures, the highest per job^2:
# 1.7 s at level 1 to 7.1 s at level 5 for 1,600 jobs):
CONSTRUCTION_S = {1: 0.7, 2: 1.05, 3: 1.4, 4: 2.1, 5: 2.8}
CONSTRUCTION_SHARE = 0.5  # construction may use at most this share of the limit
MIN_SEARCH_SHARE = 0.05  # the local search always gets at least this share


@dataclass
class _Model:
    """Everything needed to translate VROOM ids back to ours."""

    problem: Problem
    days: dict[str, TechDay]
    table: TravelTable
    offset: int
    vehicle_tech: dict[int, str]
    vroom_job: dict[int, Job]
    job_vroom_id: dict[str, int]
    vehicle_breaks: dict[tuple[int, int], str]
    started: float = 0.0  # perf_counter() when the model was built (the limit's clock)
    exploration: int = 0  # what _run_vroom passed to VROOM (0: not run)
    timeout_s: float | None = None


def skill_ids(problem: Problem) -> dict[tuple[str, int], int]:
    """Number every ``(skill, level)`` pair a job requires (ids from 1)."""
    ids: dict[tuple[str, int], int] = {}
    for j in problem.jobs:
        for name, level in sorted(j.required_skills.items()):
            ids.setdefault((name, level), len(ids) + 1)
    return ids


def technician_skill_ids(skills: dict[str, int], ids: dict[tuple[str, int], int]) -> set[int]:
    """A technician at level L gets the ids of levels 1..L of each skill they have."""
    return {sid for (name, level), sid in ids.items() if skills.get(name, 0) >= level}


def _merge(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(windows):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def construction_s(n_jobs: int, exploration: int, threads: int = 1) -> float:
    """Estimated seconds VROOM spends building starting solutions (not interruptible)."""
    return CONSTRUCTION_S[exploration] * (n_jobs / 1000) ** 2 / max(1, threads)


def search_settings(
    n_jobs: int,
    time_limit_s: float | None,
    exploration: int,
    threads: int = 1,
    elapsed_s: float = 0.0,
) -> tuple[int, float | None]:
    """The exploration level and VROOM timeout that keep a solve near its limit.

    VROOM checks its timeout only in the local search, after building its
    starting solutions, so the limit is passed on minus the construction
    estimate (:func:`construction_s`) and what ``solve`` already spent
    (``elapsed_s``). The requested level is kept whenever its construction
    fits in :data:`CONSTRUCTION_SHARE` of the limit; otherwise the highest
    level that fits is used (level 1 at least: its construction is the floor,
    about 1.7 s for 1,600 jobs). No limit: the requested level, no timeout.
    """
    level = max(1, min(5, exploration))
    if time_limit_s is None:
        return level, None
    while level > 1 and construction_s(n_jobs, level, threads) > (
        CONSTRUCTION_SHARE * time_limit_s
    ):
        level -= 1
    left = time_limit_s - elapsed_s - construction_s(n_jobs, level, threads)
    return level, max(MIN_SEARCH_SHARE * time_limit_s, left)


def _build(problem: Problem, initial: Plan | None) -> tuple[vroom.Input, _Model]:
    started = time.perf_counter()
    days = tech_days(problem)
    table = TravelTable(problem)
    for d in days.values():
        table.index(d.start_location)
    times = [d.start_time for d in days.values()]
    times += [w.start for j in problem.jobs for w in j.windows]
    times += [w.start for d in days.values() for b in d.breaks for w in b.windows]
    offset = -min(0, min(times, default=0))

    sids = skill_ids(problem)
    next_id = len(sids) + 1
    pin_id: dict[str, int] = {}  # only technicians something is pinned to
    for j in problem.jobs:
        if j.pinned_to is not None and j.fixed is None and j.pinned_to not in pin_id:
            pin_id[j.pinned_to] = next_id
            next_id += 1
    use_capacity = any(t.capacity is not None for t in problem.technicians) or any(
        j.amount for j in problem.jobs
    )
    big = 10**9

    inp = vroom.Input()
    inp.set_durations_matrix("car", np.minimum(table.m, UNREACHABLE).astype(np.uint32))

    vehicle_tech: dict[int, str] = {}
    vehicle_breaks: dict[tuple[int, int], str] = {}
    vehicles = []
    for vid, t in enumerate(problem.technicians, start=1):
        d = days[t.id]
        if not d.available:
            continue
        breaks = []
        for bid, b in enumerate(d.breaks, start=1):
            wins = [vroom.TimeWindow(w.start + offset, w.end + offset) for w in b.windows]
            breaks.append(vroom.Break(bid, time_windows=wins, service=b.duration_s))
            vehicle_breaks[(vid, bid)] = b.name
        max_travel = None
        if t.max_work_s is not None:
            max_travel = max(0, t.max_work_s - d.fixed_work_s)
        kwargs = {}
        if use_capacity:
            used = sum(j.amount for j in d.fixed)  # capacity covers the whole day
            kwargs["capacity"] = [max(0, t.capacity - used) if t.capacity is not None else big]
        if problem.options.technician_cost_s > 0:
            kwargs["costs"] = vroom.VehicleCosts(fixed=problem.options.technician_cost_s)
        vehicles.append(
            vroom.Vehicle(
                vid,
                start=table.index(d.start_location),
                end=table.index(d.end_location),
                skills=technician_skill_ids(t.skills, sids)
                | ({pin_id[t.id]} if t.id in pin_id else set()),
                time_window=vroom.TimeWindow(d.start_time + offset, d.end_time + offset),
                breaks=breaks,
                max_travel_time=max_travel,
                **kwargs,
            )
        )
        vehicle_tech[vid] = t.id

    vroom_job: dict[int, Job] = {}
    job_vroom_id: dict[str, int] = {}
    jobs = []
    for jid, j in enumerate(problem.jobs, start=1):
        if j.fixed is not None or j.location is None:
            continue
        skills = {sids[(n, lv)] for n, lv in j.required_skills.items()}
        if j.pinned_to is not None:
            skills.add(pin_id[j.pinned_to])
        tws = _merge([(w.start + offset, w.end - j.service_s + offset) for w in j.windows])
        kwargs = {}
        if use_capacity:
            kwargs["delivery"] = [j.amount]
        jobs.append(
            vroom.Job(
                jid,
                location=table.index(j.location),
                default_service=j.service_s,
                skills=skills,
                priority=PRIORITY_WEIGHT[j.priority],
                time_windows=[vroom.TimeWindow(s, e) for s, e in tws],
                **kwargs,
            )
        )
        vroom_job[jid] = j
        job_vroom_id[j.id] = jid

    if initial is not None:
        from crewboard.routing.warm import feasible_warm_start

        initial = feasible_warm_start(initial, {j.id: j for j in vroom_job.values()}, days, table)
        vehicles = _with_steps(vehicles, vehicle_tech, initial, job_vroom_id)
    for v in vehicles:
        inp.add_vehicle(v)
    if jobs:
        inp.add_job(jobs)
    model = _Model(
        problem,
        days,
        table,
        offset,
        vehicle_tech,
        vroom_job,
        job_vroom_id,
        vehicle_breaks,
        started,
    )
    return inp, model


def _with_steps(
    vehicles: list[vroom.Vehicle],
    vehicle_tech: dict[int, str],
    initial: Plan,
    job_vroom_id: dict[str, int],
) -> list[vroom.Vehicle]:
    """Rebuild vehicles with ``steps`` from ``initial`` (VROOM's warm start)."""
    out = []
    used: set[int] = set()
    for v in vehicles:
        route = initial.route_of(vehicle_tech[v.id])
        ids = []
        if route is not None:
            for s in route.stops:
                jid = job_vroom_id.get(s.job_id)
                if jid is not None and jid not in used:
                    used.add(jid)
                    ids.append(jid)
        if not ids:
            out.append(v)
            continue
        steps = [vroom.VehicleStepStart()]
        steps += [vroom.VehicleStepSingle(i) for i in ids]
        steps.append(vroom.VehicleStepEnd())
        out.append(_copy_vehicle(v, steps))
    return out


def _copy_vehicle(v: vroom.Vehicle, steps: Sequence[vroom.VehicleStep]) -> vroom.Vehicle:
    cap = np.asarray(v.capacity).tolist()
    tw = v.time_window
    return vroom.Vehicle(
        v.id,
        start=v.start,
        end=v.end,
        capacity=cap,
        skills=set(v.skills),
        time_window=tw if tw else None,
        breaks=v.breaks,
        max_travel_time=v.max_travel_time,
        costs=v.costs,
        steps=steps,
    )


def _routes_from_solution(sol: dict, model: _Model) -> dict[str, Route]:
    """Turn VROOM's JSON solution into our routes (times back to our origin)."""
    off = model.offset
    m = model.table.m
    routes: dict[str, Route] = {}
    for r in sol.get("routes", []):
        vid = int(r["vehicle"])
        tech_id = model.vehicle_tech[vid]
        day = model.days[tech_id]
        stops = [
            Stop(
                fj.id,
                fj.fixed.start,
                fj.fixed.start,
                fj.fixed.start + fj.service_s,
                0,
                0,
                fixed=True,
            )
            for fj in day.fixed
            if fj.fixed is not None
        ]
        slots: list[BreakSlot] = []
        prev = model.table.index(day.start_location)
        start_time = day.start_time
        end_time = day.start_time
        drive = 0
        work = day.fixed_work_s
        for step in r["steps"]:
            kind = step["type"]
            arrival = int(step["arrival"]) - off
            if kind == "start":
                start_time = arrival
            elif kind == "job":
                job = model.vroom_job[int(step["id"])]
                li = int(step["location_index"])
                travel = int(m[prev, li])
                wait = int(step.get("waiting_time", 0))
                st = arrival + wait
                stops.append(Stop(job.id, arrival, st, st + job.service_s, travel, wait))
                drive += travel
                work += travel + job.service_s
                prev = li
            elif kind == "break":
                st = arrival + int(step.get("waiting_time", 0))
                name = model.vehicle_breaks.get((vid, int(step["id"])), "break")
                slots.append(BreakSlot(name, st, st + int(step["service"]), len(stops)))
            elif kind == "end":
                end_time = arrival
                li = int(step["location_index"])
                travel = int(m[prev, li])
                drive += travel
                work += travel
        if day.fixed:
            start_time = stops[0].start
        routes[tech_id] = Route(
            tech_id, tuple(stops), start_time, end_time, drive, work, tuple(slots)
        )
    return routes


def empty_route(day: TechDay) -> Route:
    """The route of a technician with nothing planned but their fixed jobs."""
    stops = tuple(
        Stop(j.id, j.fixed.start, j.fixed.start, j.fixed.start + j.service_s, 0, 0, fixed=True)
        for j in day.fixed
        if j.fixed is not None
    )
    start = stops[0].start if stops else day.start_time
    return Route(day.technician.id, stops, start, max(start, day.start_time), 0, day.fixed_work_s)


def available_seconds(days: dict[str, TechDay]) -> dict[str, int]:
    """Technician id to planable seconds (for utilization)."""
    out = {}
    for tid, d in days.items():
        t = d.technician
        off = sum(b.duration_s for b in d.breaks if b.name == "time off")
        out[tid] = max(0, t.shift_end - t.shift_start - off) if d.available else 0
    return out


class SolverRejected(ProblemError):
    """VROOM refused the input; ``technician_id`` names the vehicle when it said which."""

    def __init__(self, message: str, record: str, technician_id: str | None) -> None:
        super().__init__("solver_rejected", message, record)
        self.technician_id = technician_id

    def __reduce__(self) -> tuple[Any, ...]:
        return (SolverRejected, (self.message, self.record, self.technician_id))


def _run_vroom(inp: vroom.Input, problem: Problem, model: _Model) -> dict:
    o = problem.options
    level, timeout_s = search_settings(
        len(model.vroom_job),
        o.time_limit_s,
        o.exploration,
        max(1, o.threads),
        time.perf_counter() - model.started,
    )
    model.exploration, model.timeout_s = level, timeout_s
    try:
        sol = inp.solve(
            exploration_level=level,
            nb_threads=max(1, o.threads),
            timeout=timedelta(seconds=timeout_s) if timeout_s is not None else None,
        )
    except vroom._vroom.VroomInputException as e:  # data we let through but VROOM refuses
        msg = str(e)
        m = re.search(r"vehicle (\d+)", msg)
        record = ""
        tid: str | None = None
        if m and int(m.group(1)) in model.vehicle_tech:
            tid = model.vehicle_tech[int(m.group(1))]
            record = f"technician {model.days[tid].technician.name or tid}"
        raise SolverRejected(
            f"{record or 'problem'}: the solver rejected the data ({msg})", record, tid
        ) from None
    return sol.to_dict()


WARM_RETRIES = 5
"""Routes VROOM may refuse from a warm start before the day is solved cold."""


def _solve_vroom(problem: Problem, initial: Plan | None) -> tuple[dict, _Model, Plan | None]:
    """VROOM's solution, the model to read it, and the warm start it accepted.

    VROOM refuses a whole start over one route it will not take; that
    technician's route is dropped and the rest kept (:data:`WARM_RETRIES`
    times), then the day is solved cold. Refusals come before VROOM's search,
    so a retry costs one more build of the input.
    """
    from crewboard.routing.warm import without_route

    inp, model = _build(problem, initial)
    if not model.vroom_job or not model.vehicle_tech:
        return {"routes": []}, model, initial
    for attempt in range(WARM_RETRIES + 2):
        try:
            return _run_vroom(inp, problem, model), model, initial
        except SolverRejected as exc:
            if initial is None:
                raise
            refused = exc.technician_id
            log.info("VROOM refused the warm start (%s)", exc.message)
            if refused is None or attempt >= WARM_RETRIES:
                initial = None  # an unusable warm start: solve cold
            else:
                initial = without_route(initial, refused)
            inp, model = _build(problem, initial)
    raise AssertionError("unreachable: the cold solve returns or raises")


def solve(problem: Problem, initial: Plan | None = None) -> Plan:
    """Plan the day: assign and sequence every job that can be done.

    Parameters
    ----------
    problem:
        Technicians, jobs and options. Validated first.
    initial:
        The current plan, used as VROOM's starting solution (warm start). The
        result may differ from it wherever that is better.

    ``options.engine`` picks the search: PyVRP when it can model the day
    (``"auto"``), else VROOM; ``Plan.engine`` says which one ran.

    Returns
    -------
    Plan
        A route for every technician (possibly empty), unassigned jobs each
        with a reason sentence, and KPIs. Routes respect every hard rule; use
        :func:`crewboard.routing.check.check_plan` to verify independently.

    Raises
    ------
    ProblemError
        For malformed data (see :func:`validate_problem`).
    """
    from crewboard.routing.finish import finish_plan
    from crewboard.routing.pyvrp_engine import solve_with_pyvrp

    validate_problem(problem)
    if problem.options.engine != "vroom":
        plan = solve_with_pyvrp(problem, initial)
        if plan is not None:
            return plan
    sol, model, _start = _solve_vroom(problem, initial)
    by_tech = _routes_from_solution(sol, model)
    return finish_plan(problem, model.days, model.table, by_tech, "vroom")
