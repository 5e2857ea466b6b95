"""Best-technician latency, mid-day re-plan latency, and growth with day size.

Three measurements, each in a fresh forked process (so peak RSS is its own):

``rank``    p50/p99 of ``DayState.rank(job)`` (the dispatcher's "who should
            take this call?") over a few hundred random new jobs, with 20, 200
            and 1,000 technicians holding 8 booked jobs each; then the same
            with every candidate's sentence read (``all_reasons_*``: what the
            suggestions endpoint pays, sentences being written on first
            read). Also the one-off
            ``DayState`` build and the cold ``rank_technicians(problem, job,
            plan)`` call that builds it every time.
``replan``  50 technicians / 400 jobs at 12:00: jobs before noon done or in
            progress (fixed), 10 new calls (one emergency), 5 cancellations;
            ``solve(problem, initial=plan)`` (warm start) and ``solve(problem)``
            (cold) with the product's default options; ``late``: warm from a
            plan the day has broken (a third of the crew free 90 min late);
            ``worker``: warm, through the solver worker process the server uses.
``growth``  100 .. 5,000 jobs a day (8 per technician): time and peak memory
            (tracemalloc peak of Python/numpy allocations, plus the process's
            peak RSS growth, which includes VROOM's C++ memory) for a full solve
            and for building the ranking state + one query.

Booked days are built directly (not solved): each technician gets 8 jobs
near home in nearest-neighbour order with a lunch break, the windows are then
drawn around the planned times, and every route is re-timed with
``crewboard.routing.timing.schedule`` and must be feasible.

Examples
--------
    .venv/bin/python bench/insertion.py rank --techs 20,200,1000 --queries 300
    .venv/bin/python bench/insertion.py replan --repeat 3
    .venv/bin/python bench/insertion.py growth --jobs 100,250,500,1000,2000,5000
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "src"))

from crewboard.routing.plan import Plan  # noqa: E402
from crewboard.routing.problem import (  # noqa: E402
    Break,
    Fixed,
    Job,
    Location,
    Options,
    Problem,
    Technician,
    TimeWindow,
)
from crewboard.routing.timing import TravelTable, place_breaks, schedule, tech_day  # noqa: E402
from crewboard.routing.travel import StraightLineModel  # noqa: E402

ORIGIN = datetime(2026, 3, 10, tzinfo=UTC)
H = 3600
CENTER = (41.88, -87.63)
KM_LAT = 1 / 111.0
KM_LON = 1 / (111.0 * math.cos(math.radians(CENTER[0])))
TRADES = ["plumbing", "electrical", "hvac", "appliance"]
SLOTS = [(8 * H, 12 * H), (12 * H, 17 * H), (8 * H, 10 * H), (10 * H, 12 * H),
         (13 * H, 15 * H), (15 * H, 17 * H)]


def _pt(rng: random.Random, lat: float, lon: float, radius_km: float) -> Location:
    r = radius_km * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    return Location(lat + r * math.sin(a) * KM_LAT, lon + r * math.cos(a) * KM_LON)


def make_booked_day(n_techs: int, per_tech: int = 8, seed: int = 7) -> tuple[Problem, Plan]:
    """A realistic booked day: every technician has ``per_tech`` feasible visits."""
    rng = random.Random(seed)
    model = StraightLineModel()
    techs: list[Technician] = []
    jobs: list[Job] = []
    routes = []
    for k in range(n_techs):
        home = _pt(rng, *CENTER, 20)
        primary = TRADES[k % len(TRADES)]
        skills = {primary: rng.choice([1, 2, 2, 3])}
        if rng.random() < 0.4:
            skills[rng.choice([t for t in TRADES if t != primary])] = 1
        tech = Technician(
            id=f"T{k:04d}", name=f"Tech {k}", start=home,
            shift_start=8 * H, shift_end=17 * H, skills=skills,
            breaks=(Break((TimeWindow(11 * H + 1800, 13 * H + 1800),), 1800, "lunch"),),
        )
        own = []
        for i in range(per_tech):
            s, lv = rng.choice(sorted(skills.items()))
            own.append(Job(
                id=f"J{k:04d}-{i}", location=_pt(rng, home.lat, home.lon, 6),
                service_s=rng.choice([20, 30, 30, 45, 45, 60]) * 60,
                required_skills={s: rng.randint(1, lv)},
                priority=rng.choices(["high", "normal", "low"], [10, 80, 10])[0],
            ))
        route, own = _book(tech, own, model, rng)
        techs.append(tech)
        jobs.extend(own)
        routes.append(route)
    problem = Problem(origin=ORIGIN, technicians=techs, jobs=jobs, travel=model)
    return problem, Plan(tuple(routes), (), {}, ORIGIN)


def _book(tech: Technician, own: list[Job], model, rng: random.Random):
    """Nearest-neighbour order, windows drawn around the planned visit, re-timed."""
    mini = Problem(origin=ORIGIN, technicians=[tech], jobs=own, travel=model)
    table = TravelTable(mini)
    order, here, left = [], tech.start, list(own)
    while left:
        nxt = min(left, key=lambda j: table.t(here, j.location))
        order.append(nxt)
        left.remove(nxt)
        here = nxt.location
    day = tech_day(tech)
    while True:
        timed = schedule(day, place_breaks(order, day.breaks, ()), table)
        elements = place_breaks(order, day.breaks, timed.route.stops)
        timed = schedule(day, elements, table)
        if timed.feasible or not order:
            break
        order = order[:-1]
    start_of = {s.job_id: (s.start, s.end) for s in timed.route.stops}
    windowed = []
    for j in order:
        a, b = start_of[j.id]
        u = rng.random()
        wins: tuple[TimeWindow, ...] = ()
        if u < 0.8:
            fits = [w for w in SLOTS if w[0] <= a and b <= w[1]]
            if fits:
                wins = (TimeWindow(*rng.choice(fits)),)
            else:
                wins = (TimeWindow(max(8 * H, a - H), min(17 * H, b + H)),)
        windowed.append(Job(**{**j.__dict__, "windows": wins}))
    by_id = {j.id: j for j in windowed}
    elements = [by_id[e.id] if isinstance(e, Job) else e for e in elements if
                not isinstance(e, Job) or e.id in by_id]
    timed = schedule(day, elements, table)
    assert timed.feasible, timed.problems
    return timed.route, windowed


def random_query(rng: random.Random, k: int) -> Job:
    s = rng.choice(TRADES)
    u = rng.random()
    wins: tuple[TimeWindow, ...] = ()
    if u < 0.6:
        wins = (TimeWindow(*rng.choice(SLOTS)),)
    elif u < 0.8:
        a, b = rng.sample(SLOTS[2:], 2)
        wins = tuple(TimeWindow(*w) for w in sorted([a, b]))
    return Job(id=f"Q{k}", location=_pt(rng, *CENTER, 22),
               service_s=rng.choice([30, 45, 60]) * 60,
               required_skills={s: rng.choices([1, 2], [80, 20])[0]}, windows=wins,
               priority="normal")


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------
# Measurements (run in a child)
# --------------------------------------------------------------------------


def m_rank(n_techs: int, queries: int, cold: int) -> dict:
    from crewboard.routing.insertion import DayState, rank_technicians

    problem, plan = make_booked_day(n_techs)
    rss0 = _maxrss_mb()
    t0 = time.perf_counter()
    state = DayState(problem, plan)
    build = time.perf_counter() - t0
    rng = random.Random(99)
    qs = [random_query(rng, k) for k in range(queries)]
    state.rank(qs[0])  # warm-up
    lat, cpu, feas = [], [], 0
    for q in qs:
        t, c0 = time.perf_counter(), time.process_time()
        c = state.rank(q)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        feas += bool(c and c[0].feasible)
    # What the suggestions endpoint pays: every technician's sentence read.
    said = []
    for q in qs:
        t = time.perf_counter()
        for cand in state.rank(q):
            cand.reason  # noqa: B018 - sentences are written on first read
        said.append((time.perf_counter() - t) * 1000)
    cold_ms = []
    for q in qs[:cold]:
        t = time.perf_counter()
        rank_technicians(problem, q, plan)
        cold_ms.append((time.perf_counter() - t) * 1000)
    return {
        "technicians": n_techs, "booked_jobs": len(problem.jobs), "queries": queries,
        "p50_ms": round(_pct(lat, 50), 3), "p99_ms": round(_pct(lat, 99), 3),
        "mean_ms": round(statistics.mean(lat), 3), "max_ms": round(max(lat), 3),
        "cpu_p50_ms": round(_pct(cpu, 50), 3), "cpu_p99_ms": round(_pct(cpu, 99), 3),
        "all_reasons_p50_ms": round(_pct(said, 50), 3),
        "all_reasons_p99_ms": round(_pct(said, 99), 3),
        "queries_with_feasible_tech": feas,
        "state_build_s": round(build, 3),
        "cold_rank_median_ms": round(statistics.median(cold_ms), 1) if cold_ms else None,
        "cold_n": len(cold_ms),
        "rss_growth_mb": round(_maxrss_mb() - rss0, 1),
    }


def midday_problem(n_techs: int = 50, seed: int = 11) -> tuple[Problem, Plan]:
    """The booked day at 12:00 with done/in-progress jobs fixed, new calls and cancellations."""
    problem, plan = make_booked_day(n_techs, seed=seed)
    rng = random.Random(seed + 1)
    now = 12 * H
    stop_of = {s.job_id: (r.technician_id, s) for r in plan.routes for s in r.stops}
    cancel = set(rng.sample([j.id for j in problem.jobs if stop_of[j.id][1].start > now], 5))
    jobs = []
    n_fixed = 0
    for j in problem.jobs:
        if j.id in cancel:
            continue
        tid, s = stop_of[j.id]
        if s.start <= now:  # done or in progress
            jobs.append(Job(**{**j.__dict__, "fixed": Fixed(tid, s.start)}))
            n_fixed += 1
        else:
            jobs.append(j)
    for k in range(10):
        q = random_query(rng, k)
        wins = (TimeWindow(now, 17 * H),) if k == 0 else tuple(
            w for w in q.windows if w.end >= now + q.service_s + H)
        jobs.append(Job(**{**q.__dict__, "id": f"NEW{k}", "windows": wins,
                           "priority": "emergency" if k == 0 else "normal"}))
    routes = tuple(
        r.__class__(**{**r.__dict__, "stops": tuple(s for s in r.stops if s.job_id not in cancel)})
        for r in plan.routes
    )
    p2 = Problem(origin=ORIGIN, technicians=problem.technicians, jobs=jobs, travel=problem.travel)
    info = {"fixed": n_fixed, "cancelled": len(cancel), "new": 10, "jobs": len(jobs)}
    return p2, Plan(routes, (), info, ORIGIN)


def late_crew(problem: Problem) -> Problem:
    """Every third technician free only at 13:30 (their job ran long): the plan is late."""
    techs = [replace(t, available_from=max(t.available_from or 0, 13 * H + 1800))
             if k % 3 == 0 else t for k, t in enumerate(problem.technicians)]
    return replace(problem, technicians=techs)


def m_replan(mode: str) -> dict:
    """``warm``/``cold``: solve in this process; ``late``: warm from a plan the
    day has broken (:func:`late_crew`); ``worker``: warm through the solver
    worker the server uses (a warm worker: its start-up is not timed)."""
    from crewboard.routing.solver import solve

    problem, plan = midday_problem()
    if mode == "late":
        problem = late_crew(problem)
    pool = None
    if mode == "worker":
        from crewboard.routing.worker import SolverPool

        pool = SolverPool(1)
        pool.run(len, ())  # start it
    t0, c0 = time.perf_counter(), time.process_time()
    if pool is not None:
        out = pool.run(solve, problem, initial=plan)
        pool.close()
    else:
        out = solve(problem, initial=None if mode == "cold" else plan)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    fixed_ok = all(
        (s := out.stop_of(j.id)) is not None and s.start == j.fixed.start
        for j in problem.jobs if j.fixed is not None
    )
    emerg = out.stop_of("NEW0") is not None
    return {"mode": mode, "wall_s": round(wall, 3), "cpu_s": round(cpu, 3), **plan.kpis,
            "unassigned": len(out.unassigned), "emergency_assigned": emerg,
            "fixed_kept": fixed_ok, "drive_h": round(out.kpis["total_drive_s"] / 3600, 2)}


def m_growth(n_jobs: int, what: str, cap_s: float | None, exploration: int) -> dict:
    """Time pass without tracemalloc (it slows Python code down several-fold), then a
    memory pass with it. tracemalloc sees Python and numpy allocations only, not
    VROOM's C++ heap (that is in the RSS figure). The solve memory pass uses a
    2 s time limit: the traced allocations (problem, matrix, solution) do not
    depend on how long VROOM searches."""
    from crewboard.routing.insertion import DayState
    from crewboard.routing.solver import solve

    n_techs = max(2, n_jobs // 8)
    problem, plan = make_booked_day(n_techs)
    rng = random.Random(5)
    qs = [random_query(rng, k) for k in range(50)]

    def run(limit: float | None) -> dict:
        if what == "solve":
            unplanned = Problem(origin=ORIGIN, technicians=problem.technicians,
                                jobs=problem.jobs, travel=problem.travel,
                                options=Options(time_limit_s=limit, exploration=exploration))
            res = solve(unplanned)
            return {"unassigned": len(res.unassigned),
                    "drive_h": round(res.kpis["total_drive_s"] / 3600, 1)}
        t0 = time.perf_counter()
        state = DayState(problem, plan)
        t1 = time.perf_counter()
        lat, cpu = [], []
        for q in qs:
            t, c0 = time.perf_counter(), time.process_time()
            state.rank(q)
            lat.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        return {"state_build_s": round(t1 - t0, 3), "query_p50_ms": round(_pct(lat, 50), 3),
                "query_p99_ms": round(_pct(lat, 99), 3),
                "query_cpu_p50_ms": round(_pct(cpu, 50), 3),
                "query_cpu_p99_ms": round(_pct(cpu, 99), 3)}

    rss0 = _maxrss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    extra = run(cap_s)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = _maxrss_mb() - rss0
    tracemalloc.start()
    run(2.0 if what == "solve" else None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"what": what, "jobs": len(problem.jobs), "technicians": n_techs,
            "exploration": exploration if what == "solve" else None,
            "time_cap_s": cap_s if what == "solve" else None,
            "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
            "tracemalloc_peak_mb": round(peak / 2**20, 1),
            "rss_growth_mb": round(rss, 1), **extra}


def _in_child(fn, *args, timeout: float = 900) -> dict:
    load1 = round(os.getloadavg()[0], 2)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)

    def target(conn):
        try:
            conn.send(fn(*args))
        except BaseException as exc:  # noqa: BLE001
            conn.send({"error": f"{type(exc).__name__}: {exc}"})
        conn.close()

    p = ctx.Process(target=target, args=(child,))
    p.start()
    child.close()
    res = parent.recv() if parent.poll(timeout) else {"error": f"timeout {timeout}s"}
    if p.is_alive():
        p.kill()
    p.join()
    return {**res, "load1": load1}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="insertion / re-plan / growth benchmark")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("rank")
    r.add_argument("--techs", default="20,200,1000")
    r.add_argument("--queries", type=int, default=300)
    r.add_argument("--cold", type=int, default=20)
    p = sub.add_parser("replan")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--modes", default="warm,cold,late,worker")
    g = sub.add_parser("growth")
    g.add_argument("--jobs", default="100,250,500,1000,2000,5000")
    g.add_argument("--what", default="rank,solve")
    g.add_argument("--cap", type=float, default=60.0,
                   help="solve time limit in seconds (0 = none: VROOM runs to the end)")
    g.add_argument("--exploration", type=int, default=5, help="VROOM exploration level")
    args = ap.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    rows = []
    if args.cmd == "rank":
        for n in [int(x) for x in args.techs.split(",")]:
            row = _in_child(m_rank, n, args.queries, args.cold)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    elif args.cmd == "replan":
        for _ in range(args.repeat):
            for mode in args.modes.split(","):
                row = _in_child(m_replan, mode)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    else:
        cap = args.cap or None
        for what in args.what.split(","):
            for n in [int(x) for x in args.jobs.split(",")]:
                row = _in_child(m_growth, n, what, cap, args.exploration,
                                timeout=(cap or 600) * 2 + 300)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    out = RESULTS / f"insertion_{args.cmd}_{stamp}.json"
    out.write_text(json.dumps(rows, indent=1))
    print(markdown(args.cmd, rows))
    print(f"\nJSON: {out}")
    return 0


def markdown(cmd: str, rows: list[dict]) -> str:
    if not rows:
        return ""
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
    if cmd == "replan":
        for mode in ("warm", "cold", "late", "worker"):
            ws = [r["wall_s"] for r in rows if r.get("mode") == mode and "wall_s" in r]
            if ws:
                lines.append(f"\n{mode}: median {statistics.median(ws):.3f} s, "
                             f"mean {statistics.mean(ws):.3f} s over {len(ws)} runs")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
