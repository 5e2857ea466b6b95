"""Synthetic field-service days: crewboard vs raw pyvroom, OR-Tools and PyVRP.

Three fixed-seed scenarios in one metro area (lat/lon, straight-line travel
times from ``crewboard.routing.travel.StraightLineModel``):

    S: 20 technicians, 200 jobs     M: 50 technicians, 400 jobs
    L: 200 technicians, 1,600 jobs

Each has skills with levels, appointment windows (about 20% of jobs with two
windows), a 30-minute lunch break per technician with a start window, pinned
jobs and priorities including emergencies. Every library gets what it can
model natively (see ``MODELLED`` and bench/README.md); every plan is then
re-checked here against the *full* scenario with the same travel matrix, so a
library that could not express a constraint shows it as violations.

Examples
--------
    .venv/bin/python bench/field_days.py                      # S, M, L; all solvers
    .venv/bin/python bench/field_days.py --sizes S,M --solvers crewboard,vroom
    .venv/bin/python bench/field_days.py --budget-scale 0.5   # halve the budgets
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing as mp
import os
import random
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "src"))

ORIGIN = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)  # times are seconds after this
H = 3600
CENTER = (41.88, -87.63)  # a metro area; only used to place points

SIZES = {  # name: (technicians, jobs, seed, budget seconds)
    "S": (20, 200, 101, 5.0),
    "M": (50, 400, 202, 10.0),
    "L": (200, 1600, 303, 30.0),
}
SOLVERS = ("crewboard", "vroom", "ortools", "pyvrp")
PRIORITY_WEIGHT = {"emergency": 100, "high": 20, "normal": 5, "low": 1}  # vroom 0..100
ORTOOLS_FIRST_SOLUTION = os.environ.get("ORTOOLS_FIRST_SOLUTION", "PARALLEL_CHEAPEST_INSERTION")
PYVRP_PROFILE_BYTES = 1 << 30  # one matrix per technician only up to this size
PYVRP_FORBIDDEN = 10_000_000
EXPLORATION = 5  # VROOM level for crewboard and raw vroom (--exploration)
CREWBOARD_ENGINE: str | None = None  # None: the product default (--engine)
PENALTY = {"emergency": 50_000_000, "high": 2_000_000, "normal": 200_000, "low": 40_000}

MODELLED = {
    "crewboard": "everything (skills+levels, multiple windows, breaks, pins, priorities)",
    "vroom": "everything natively: skills (levels encoded as one skill id per level, pins as "
    "a per-technician skill), multiple windows, breaks, priorities",
    "ortools": "everything natively: allowed vehicles per node (skills, pins), windows with "
    "holes (two-window jobs), break intervals, priority as drop penalty",
    "pyvrp": "windows (two-window jobs as a mutually exclusive client group), shifts, "
    "priority as prize; skills and pins only through one routing profile per technician "
    "(forbidden jobs unreachable), affordable for S and M but not L (200 x 1800^2 "
    "matrices); NO lunch breaks (no native support)",
}


# --------------------------------------------------------------------------
# Scenario
# --------------------------------------------------------------------------


@dataclass
class FTech:
    id: str
    lat: float
    lon: float
    shift: tuple[int, int]
    skills: dict[str, int]
    lunch: tuple[int, int, int]  # window start, window end (break start), duration


@dataclass
class FJob:
    id: str
    lat: float
    lon: float
    service_s: int
    windows: list[tuple[int, int]]  # whole visit inside; empty = any time in the shift
    skills: dict[str, int]
    priority: str
    pinned_to: str | None = None


@dataclass
class Scenario:
    name: str
    techs: list[FTech]
    jobs: list[FJob]
    matrix: np.ndarray = field(repr=False)  # (T+J)^2 seconds: homes first, then jobs
    budget: float = 10.0


TRADES = ["plumbing", "electrical", "hvac", "appliance"]


def _point(rng: random.Random, clusters: list[tuple[float, float]]) -> tuple[float, float]:
    km_lat = 1 / 111.0
    km_lon = 1 / (111.0 * math.cos(math.radians(CENTER[0])))
    if rng.random() < 0.6:
        cy, cx = rng.choice(clusters)
        dy, dx = rng.gauss(0, 4), rng.gauss(0, 4)
        return cy + dy * km_lat, cx + dx * km_lon
    r = 20 * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    return CENTER[0] + r * math.sin(a) * km_lat, CENTER[1] + r * math.cos(a) * km_lon


def make_scenario(name: str, seed: int | None = None) -> Scenario:
    n_tech, n_jobs, base_seed, budget = SIZES[name]
    seed = base_seed if seed is None else seed
    rng = random.Random(seed)
    km_lat = 1 / 111.0
    km_lon = 1 / (111.0 * math.cos(math.radians(CENTER[0])))
    clusters = [
        (CENTER[0] + rng.uniform(-12, 12) * km_lat, CENTER[1] + rng.uniform(-12, 12) * km_lon)
        for _ in range(4)
    ]
    techs = []
    for k in range(n_tech):
        lat, lon = _point(rng, [CENTER])
        shift = (8 * H, 17 * H) if rng.random() < 0.8 else (7 * H, 16 * H)
        primary = TRADES[k % len(TRADES)]
        skills = {primary: rng.choice([1, 2, 2, 3])}
        if rng.random() < 0.4:
            other = rng.choice([t for t in TRADES if t != primary])
            skills[other] = 1
        if primary in ("hvac", "plumbing") and rng.random() < 0.5:
            skills["gas"] = 1
        techs.append(FTech(f"T{k:03d}", lat, lon, shift, skills, (11 * H + 1800, 13 * H + 1800,
                                                                    1800)))
    jobs = []
    two_slots = [((8 * H, 10 * H), (15 * H, 17 * H)), ((10 * H, 12 * H), (13 * H, 15 * H)),
                 ((8 * H, 10 * H), (13 * H, 15 * H)), ((10 * H, 12 * H), (15 * H, 17 * H))]
    one_slots = [(8 * H, 12 * H), (12 * H, 17 * H), (8 * H, 10 * H), (10 * H, 12 * H),
                 (13 * H, 15 * H), (15 * H, 17 * H)]
    for j in range(n_jobs):
        lat, lon = _point(rng, clusters)
        service = rng.choices([20, 30, 45, 60, 90], weights=[20, 25, 30, 15, 10])[0] * 60
        pr = rng.random()
        priority = ("emergency" if pr < 0.02 else "high" if pr < 0.12 else
                    "low" if pr > 0.90 else "normal")
        while True:
            trade = rng.choice(TRADES)
            level = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
            req = {trade: level}
            if trade in ("hvac", "plumbing") and rng.random() < 0.15:
                req["gas"] = 1
            able = [t for t in techs if all(t.skills.get(s, 0) >= lv for s, lv in req.items())]
            if able:
                break
        u = rng.random()
        if priority == "emergency":
            windows = [(8 * H, 13 * H)]
        elif u < 0.2:
            windows = []
        elif u < 0.4:
            windows = list(rng.choice(two_slots))
        else:
            windows = [rng.choice(one_slots)]
        pinned = rng.choice(able).id if rng.random() < 0.03 else None
        jobs.append(FJob(f"J{j:04d}", lat, lon, service, windows, req, priority, pinned))

    from crewboard.routing.problem import Location
    from crewboard.routing.travel import StraightLineModel

    pts = [Location(t.lat, t.lon) for t in techs] + [Location(j.lat, j.lon) for j in jobs]
    matrix = StraightLineModel().matrix(pts)
    return Scenario(name, techs, jobs, matrix, budget)


# --------------------------------------------------------------------------
# Independent plan check (full scenario, same matrix)
# --------------------------------------------------------------------------


def check_field_plan(scn: Scenario, routes: dict[str, list[str]]) -> dict:
    """Recompute every route: earliest-start schedule, lunch placed at the first
    feasible point, windows (whole visit inside one window), skills, pins, shift.

    Returns counts; a plan is valid when ``violations == 0``.
    """
    T = len(scn.techs)
    jidx = {j.id: T + i for i, j in enumerate(scn.jobs)}
    jobs = {j.id: j for j in scn.jobs}
    techs = {t.id: t for t in scn.techs}
    M = scn.matrix
    seen: dict[str, int] = {}
    viol = {"window": 0, "skill": 0, "pinned": 0, "shift": 0, "break": 0, "duplicate": 0,
            "unknown": 0}
    drive = 0
    for tid, seq in routes.items():
        tech = techs[tid]
        for jid in seq:
            seen[jid] = seen.get(jid, 0) + 1
        seq = [jid for jid in seq if jid in jobs]
        viol["unknown"] += sum(1 for jid in routes[tid] if jid not in jobs)
        if not seq:
            continue
        for jid in seq:
            job = jobs[jid]
            if any(tech.skills.get(s, 0) < lv for s, lv in job.skills.items()):
                viol["skill"] += 1
            if job.pinned_to is not None and job.pinned_to != tid:
                viol["pinned"] += 1
        nodes = [techs_index(scn, tid)] + [jidx[j] for j in seq] + [techs_index(scn, tid)]
        drive += int(sum(M[a, b] for a, b in zip(nodes, nodes[1:], strict=False)))
        best = None
        for pos in range(2 * len(seq) + 2):  # lunch before/after each drive
            res = _simulate(scn, tech, seq, nodes, pos, jobs)
            if best is None or (sum(res), res) < (sum(best), best):
                best = res
            if sum(res) == 0:
                break
        late, brk_bad, over = best
        viol["window"] += late
        viol["break"] += brk_bad
        viol["shift"] += over
    viol["duplicate"] = sum(1 for c in seen.values() if c > 1)
    assigned = [j for j in jobs if seen.get(j, 0) > 0]
    unassigned = [jobs[j] for j in jobs if seen.get(j, 0) == 0]
    by_pr = {p: sum(1 for j in unassigned if j.priority == p) for p in PRIORITY_WEIGHT}
    return {
        "assigned": len(assigned),
        "unassigned": len(unassigned),
        "unassigned_emergency": by_pr["emergency"],
        "unassigned_high": by_pr["high"],
        "drive_s": drive,
        "techs_used": sum(1 for s in routes.values() if s),
        "violations": sum(viol.values()),
        **{f"v_{k}": v for k, v in viol.items()},
    }


def techs_index(scn: Scenario, tid: str) -> int:
    return int(tid[1:])


def _simulate(scn, tech, seq, nodes, pos, jobs) -> tuple[int, int, int]:
    """(late visits, break not placeable, shift overrun) with lunch at ``pos``.

    ``pos = 2k`` takes lunch before driving to visit k (k = len(seq): the drive
    home); ``pos = 2k + 1`` right after arriving there, before the service (or
    before the shift ends, at the end location). Any split of the lunch inside
    a drive lies between these two extremes.
    """
    M = scn.matrix
    t = tech.shift[0]
    late = 0
    brk_bad = 0
    lw0, lw1, ldur = tech.lunch

    def lunch(now: int) -> int:
        nonlocal brk_bad
        bs = max(now, lw0)
        if bs > lw1:
            brk_bad = 1
        return bs + ldur

    for k, jid in enumerate(seq):
        if pos == 2 * k:
            t = lunch(t)
        t += int(M[nodes[k], nodes[k + 1]])
        if pos == 2 * k + 1:
            t = lunch(t)
        job = jobs[jid]
        wins = job.windows or [tech.shift]
        start = None
        for w0, w1 in sorted(wins):
            s = max(t, w0)
            if s + job.service_s <= w1:
                start = s
                break
        if start is None:
            late += 1
            start = t
        t = start + job.service_s
    n = len(seq)
    if pos == 2 * n:
        t = lunch(t)
    t += int(M[nodes[-2], nodes[-1]])
    if pos == 2 * n + 1:
        t = lunch(t)
    over = 1 if t > tech.shift[1] else 0
    return late, brk_bad, over


# --------------------------------------------------------------------------
# Solvers: each returns {technician id: [job ids in order]}
# --------------------------------------------------------------------------


def solve_crewboard(scn: Scenario, budget: float) -> dict[str, list[str]]:
    from crewboard.routing import solve
    from crewboard.routing.problem import (
        Break,
        Job,
        Location,
        Options,
        Problem,
        Technician,
        TimeWindow,
    )
    from crewboard.routing.travel import StraightLineModel

    techs = [
        Technician(
            id=t.id, name=t.id, start=Location(t.lat, t.lon), shift_start=t.shift[0],
            shift_end=t.shift[1], skills=dict(t.skills),
            breaks=(Break(windows=(TimeWindow(t.lunch[0], t.lunch[1]),), duration_s=t.lunch[2],
                          name="lunch"),),
        )
        for t in scn.techs
    ]
    jobs = [
        Job(id=j.id, location=Location(j.lat, j.lon), service_s=j.service_s,
            windows=tuple(TimeWindow(a, b) for a, b in j.windows),
            required_skills=dict(j.skills), priority=j.priority, pinned_to=j.pinned_to)
        for j in scn.jobs
    ]
    problem = Problem(origin=ORIGIN, technicians=techs, jobs=jobs,
                      options=Options(time_limit_s=budget, threads=1, exploration=EXPLORATION,
                                      **({"engine": CREWBOARD_ENGINE} if CREWBOARD_ENGINE else {})),
                      travel=StraightLineModel())
    plan = solve(problem)
    return {r.technician_id: list(r.job_ids) for r in plan.routes}


def _skill_ids(scn: Scenario):
    """vroom/OR-Tools: (skill, level) -> int id; a tech with level L holds ids 1..L."""
    ids: dict[tuple[str, int], int] = {}
    for t in scn.techs:
        for s, lv in t.skills.items():
            for k in range(1, lv + 1):
                ids.setdefault((s, k), len(ids) + 1)
    for j in scn.jobs:
        for s, lv in j.skills.items():
            ids.setdefault((s, lv), len(ids) + 1)
    return ids


def _able(scn: Scenario, job: FJob) -> list[int]:
    return [
        v for v, t in enumerate(scn.techs)
        if all(t.skills.get(s, 0) >= lv for s, lv in job.skills.items())
        and (job.pinned_to is None or job.pinned_to == t.id)
    ]


def solve_vroom(scn: Scenario, budget: float) -> dict[str, list[str]]:
    import vroom

    T = len(scn.techs)
    ids = _skill_ids(scn)
    pin_base = len(ids) + 1
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=scn.matrix.tolist())
    for v, t in enumerate(scn.techs):
        skills = {ids[(s, k)] for s, lv in t.skills.items() for k in range(1, lv + 1)}
        skills.add(pin_base + v)
        problem.add_vehicle(vroom.Vehicle(
            id=v, start=v, end=v, time_window=vroom.TimeWindow(*t.shift), skills=skills,
            breaks=[vroom.Break(id=v, time_windows=[vroom.TimeWindow(t.lunch[0], t.lunch[1])],
                                service=t.lunch[2])],
        ))
    for i, j in enumerate(scn.jobs):
        skills = {ids[(s, lv)] for s, lv in j.skills.items()}
        if j.pinned_to is not None:
            skills.add(pin_base + techs_index(scn, j.pinned_to))
        wins = [vroom.TimeWindow(a, b - j.service_s) for a, b in j.windows]
        problem.add_job(vroom.Job(
            id=i, location=T + i, default_service=j.service_s, skills=skills,
            priority=PRIORITY_WEIGHT[j.priority], time_windows=wins,
        ))
    timeout = timedelta(seconds=budget) if budget is not None else None
    sol = problem.solve(exploration_level=EXPLORATION, nb_threads=1, timeout=timeout)
    out: dict[str, list[str]] = {}
    for r in sol.to_dict()["routes"]:
        out[scn.techs[r["vehicle"]].id] = [
            scn.jobs[s["id"]].id for s in r["steps"] if s["type"] == "job"
        ]
    return out


def solve_ortools(scn: Scenario, budget: float) -> dict[str, list[str]]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    T, J = len(scn.techs), len(scn.jobs)
    n = T + J
    manager = pywrapcp.RoutingIndexManager(n, T, list(range(T)), list(range(T)))
    routing = pywrapcp.RoutingModel(manager)
    M = scn.matrix.tolist()
    service = [0] * T + [j.service_s for j in scn.jobs]

    def travel_cb(a: int, b: int) -> int:
        return M[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def time_cb(a: int, b: int) -> int:
        i, k = manager.IndexToNode(a), manager.IndexToNode(b)
        return service[i] + M[i][k]

    cost_i = routing.RegisterTransitCallback(travel_cb)
    time_i = routing.RegisterTransitCallback(time_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_i)
    day = 24 * H
    routing.AddDimension(time_i, day, day, False, "Time")
    tdim = routing.GetDimensionOrDie("Time")
    for i, j in enumerate(scn.jobs):
        idx = manager.NodeToIndex(T + i)
        if j.windows:
            wins = sorted((a, b - j.service_s) for a, b in j.windows)
            tdim.CumulVar(idx).SetRange(wins[0][0], wins[-1][1])
            for (_, e0), (s1, _) in zip(wins, wins[1:], strict=False):
                if s1 - 1 >= e0 + 1:
                    tdim.CumulVar(idx).RemoveInterval(e0 + 1, s1 - 1)
        able = _able(scn, j)
        if len(able) < T:
            routing.VehicleVar(idx).SetValues([-1] + able)
        routing.AddDisjunction([idx], PENALTY[j.priority])
    solver = routing.solver()
    visit = [service[manager.IndexToNode(k)] for k in range(routing.Size())]
    for v, t in enumerate(scn.techs):
        tdim.CumulVar(routing.Start(v)).SetRange(t.shift[0], t.shift[1])
        tdim.CumulVar(routing.End(v)).SetRange(t.shift[0], t.shift[1])
        # Jobs with no window: anywhere inside this technician's shift (the end
        # cumul bound already enforces it).
        brk = solver.FixedDurationIntervalVar(t.lunch[0], t.lunch[1], t.lunch[2], False,
                                              f"lunch {t.id}")
        tdim.SetBreakIntervalsOfVehicle([brk], v, visit)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, ORTOOLS_FIRST_SOLUTION)
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    params.time_limit.FromMilliseconds(int(budget * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        raise RuntimeError("OR-Tools found no solution within the budget")
    out = {}
    for v, t in enumerate(scn.techs):
        idx = sol.Value(routing.NextVar(routing.Start(v)))
        seq = []
        while not routing.IsEnd(idx):
            seq.append(scn.jobs[manager.IndexToNode(idx) - T].id)
            idx = sol.Value(routing.NextVar(idx))
        out[t.id] = seq
    return out


def solve_pyvrp(scn: Scenario, budget: float) -> dict[str, list[str]]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    T = len(scn.techs)
    locs = [pyvrp.Location(t.lon, t.lat) for t in scn.techs] + [
        pyvrp.Location(j.lon, j.lat) for j in scn.jobs
    ]
    depots = [pyvrp.Depot(v) for v in range(T)]
    clients, groups, owner = [], [], []
    for i, j in enumerate(scn.jobs):
        wins = j.windows or [(0, 24 * H)]
        members = []
        for a, b in wins:
            members.append(len(clients))
            clients.append(None)
            owner.append(i)
            clients[-1] = dict(location=T + i, service_duration=j.service_s, tw_early=a,
                               tw_late=b - j.service_s, prize=PENALTY[j.priority],
                               required=False)
        if len(members) > 1:
            g = len(groups)
            groups.append(members)
            for m in members:
                clients[m]["group"] = g
    clients = [pyvrp.Client(**c) for c in clients]
    groups = [pyvrp.ClientGroup(clients=m, required=False) for m in groups]
    vts = [
        pyvrp.VehicleType(num_available=1, start_depot=v, end_depot=v, tw_early=t.shift[0],
                          tw_late=t.shift[1], name=t.id)
        for v, t in enumerate(scn.techs)
    ]
    m = scn.matrix.astype(np.int64)
    mats = [m]
    n = len(locs)
    if len(scn.techs) * n * n * 8 <= PYVRP_PROFILE_BYTES:
        # Skills and pins through routing profiles: one matrix per technician in
        # which the jobs they may not do are unreachable (PyVRP has no skills).
        mats = []
        able = [set(_able(scn, j)) for j in scn.jobs]
        for v in range(T):
            pm = m.copy()
            bad = [T + i for i in range(len(scn.jobs)) if v not in able[i]]
            pm[:, bad] = PYVRP_FORBIDDEN
            pm[bad, :] = PYVRP_FORBIDDEN
            np.fill_diagonal(pm, 0)
            mats.append(pm)
        vts = [vt.replace(profile=v) for v, vt in enumerate(vts)]
    data = pyvrp.ProblemData(locs, clients, depots, vts, mats, mats, groups)
    res = pyvrp.solve(data, stop=MaxRuntime(budget), seed=1, display=False)
    out = {}
    for r in res.best.routes():
        tid = scn.techs[r.vehicle_type()].id
        out[tid] = [scn.jobs[owner[a.idx]].id for a in r.schedule()
                    if a.type == pyvrp.ActivityType.CLIENT]
    return out


RUNNERS = {"crewboard": solve_crewboard, "vroom": solve_vroom, "ortools": solve_ortools,
           "pyvrp": solve_pyvrp}


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------


def _child(conn, size: str, solver: str, budget: float | None, seed: int | None) -> None:
    try:
        scn = make_scenario(size, seed)
        t0, c0 = time.perf_counter(), time.process_time()
        routes = RUNNERS[solver](scn, budget)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        conn.send(("ok", routes, wall, cpu))
    except BaseException as exc:  # noqa: BLE001
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", 0.0))
    finally:
        conn.close()


def run(size: str, solver: str, budget: float | None, seed: int | None = None) -> dict:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, size, solver, budget, seed))
    load1 = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    proc.start()
    child.close()
    cap = (budget if budget is not None else 300) * 4 + 120
    msg = parent.recv() if parent.poll(cap) else None
    elapsed = time.perf_counter() - t0
    if proc.is_alive():
        proc.kill()
    proc.join()
    T, J = SIZES[size][:2]
    label = solver
    if solver == "ortools" and ORTOOLS_FIRST_SOLUTION != "PARALLEL_CHEAPEST_INSERTION":
        label = f"ortools ({ORTOOLS_FIRST_SOLUTION})"
    row = {"size": size, "technicians": T, "jobs": J, "solver": label, "budget_s": budget,
           "seed": seed if seed is not None else SIZES[size][2], "exploration": EXPLORATION}
    if msg is None or msg[0] == "error":
        detail = "timeout" if msg is None else msg[1]
        print(detail, file=sys.stderr)
        return {**row, "status": "error", "wall_s": round(elapsed, 2), "load1": load1,
                "detail": detail.splitlines()[0][:300]}
    scn = make_scenario(size, seed)
    chk = check_field_plan(scn, msg[1])
    return {**row, "status": "ok" if chk["violations"] == 0 else "violations",
            "wall_s": round(msg[2], 2), "cpu_s": round(msg[3], 2), "load1": load1, **chk,
            "detail": ""}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="synthetic field-service days")
    ap.add_argument("--sizes", default="S,M,L")
    ap.add_argument("--solvers", default="all")
    ap.add_argument("--budget-scale", type=float, default=1.0)
    ap.add_argument("--out", default="")
    ap.add_argument("--ortools-first-solution", default=None,
                    help="OR-Tools FirstSolutionStrategy name (default "
                    "PARALLEL_CHEAPEST_INSERTION)")
    ap.add_argument("--seeds", default="", help="comma list of scenario seeds (default: "
                    "each size's own)")
    ap.add_argument("--exploration", type=int, default=5, help="VROOM level (crewboard, vroom)")
    ap.add_argument("--no-limit", action="store_true", help="no time limit (crewboard, vroom)")
    ap.add_argument("--engine", default=None, help="crewboard Options.engine (default: product)")
    args = ap.parse_args(argv)
    global ORTOOLS_FIRST_SOLUTION, EXPLORATION, CREWBOARD_ENGINE
    EXPLORATION, CREWBOARD_ENGINE = args.exploration, args.engine
    if args.ortools_first_solution:
        ORTOOLS_FIRST_SOLUTION = args.ortools_first_solution
    solvers = list(SOLVERS) if args.solvers == "all" else args.solvers.split(",")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = Path(args.out) if args.out else RESULTS / f"field_days_{stamp}.csv"
    rows = []
    for size in args.sizes.split(","):
        budget = None if args.no_limit else SIZES[size][3] * args.budget_scale
        seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [None]
        for seed in seeds:
            for s in solvers:
                row = run(size, s, budget, seed)
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
    keys = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    with open(out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    print(summarize(rows))
    print(f"\nCSV: {out}")
    return 0


def summarize(rows: list[dict]) -> str:
    def limit(r: dict) -> str:
        b = r.get("budget_s")
        return "none" if b in (None, "") else f"{float(b):g}"

    out = ["| size | seed | solver | budget s | wall s | CPU s | load | unassigned (emerg./high) | "
           "drive h | techs used | violations (window/skill/pin/shift/break) |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.get("status") == "error":
            out.append(f"| {r['size']} {r['technicians']}/{r['jobs']} | {r.get('seed')} | "
                       f"{r['solver']} | {limit(r)} | {r['wall_s']} | | {r.get('load1')} | error: "
                       f"{str(r['detail'])[:60]} | | | |")
            continue
        v = "/".join(str(r[f"v_{k}"]) for k in ("window", "skill", "pinned", "shift", "break"))
        out.append(
            f"| {r['size']} {r['technicians']}/{r['jobs']} | {r.get('seed')} | {r['solver']} | "
            f"{limit(r)} | {float(r['wall_s']):.2f} | {r['cpu_s']} | {r['load1']} | "
            f"{r['unassigned']} "
            f"({r['unassigned_emergency']}/{r['unassigned_high']}) | "
            f"{int(r['drive_s']) / 3600:.1f} | {r['techs_used']} | {r['violations']} ({v}) |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
