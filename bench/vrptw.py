"""Route quality on Solomon and Gehring & Homberger (200) VRPTW instances.

Runs crewboard's planner path side by side with raw pyvroom, OR-Tools routing
and PyVRP at equal time budgets, checks every plan with the independent
checker in ``bench/checker.py`` and reports vehicles, distance (recomputed in
double precision from the coordinates) and the gap to the best-known
solutions.

Examples
--------
    .venv/bin/python bench/vrptw.py --set solomon --budgets 1 --solvers all
    .venv/bin/python bench/vrptw.py --set gh200 --budgets 1,10 --limit 12
    .venv/bin/python bench/vrptw.py --set solomon --budgets 1 --dimacs
    .venv/bin/python bench/vrptw.py --summarize bench/results/vrptw_....csv

Objectives
----------
* default (hierarchical, compared with ``bks.csv``): every solver gets a fixed
  cost per used vehicle large enough to make "fewer vehicles" dominate, then
  distance. Travel times given to the solvers are rounded *up* after scaling
  so their plans stay feasible in exact arithmetic.
* ``--dimacs`` (compared with ``bks_dimacs_distance_only.csv``): arcs
  truncated to one decimal, no vehicle cost, distance only.
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing as mp
import os
import statistics
import sys
import time
import traceback
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from checker import Instance, check_routes, load_instance  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CREWBOARD_SHARED", REPO.parent / "shared"))
VRPTW_DIR = SHARED / "bench" / "vrptw"
RESULTS = REPO / "bench" / "results"
SCALE = 1000  # instance units -> solver integers
SOLVERS = ("crewboard", "vroom", "ortools", "pyvrp")
SEED = 1


# --------------------------------------------------------------------------
# Instance helpers
# --------------------------------------------------------------------------


def instance_paths(which: str) -> list[Path]:
    sol = sorted((VRPTW_DIR / "solomon").glob("*.txt"))
    gh = sorted((VRPTW_DIR / "homberger" / "200").glob("*.txt"), key=_gh_key)
    if which == "solomon":
        return sol
    if which == "gh200":
        return gh
    if which == "all":
        return sol + gh
    raise SystemExit(f"unknown --set {which!r}")


def _gh_key(p: Path) -> tuple[str, int]:
    stem = p.stem.upper()
    head, _, num = stem.rpartition("_")
    return head, int(num)


def load_bks(dimacs: bool) -> dict[str, tuple[int, float]]:
    name = "bks_dimacs_distance_only.csv" if dimacs else "bks.csv"
    out = {}
    with open(VRPTW_DIR / name, newline="") as fh:
        for row in csv.DictReader(fh):
            out[row["instance"].upper()] = (int(row["vehicles"]), float(row["distance"]))
    return out


@dataclass
class IntData:
    """Integer data handed to the solvers (all times/distances scaled)."""

    dist: np.ndarray  # cost matrix (int64)
    time: np.ndarray  # travel time matrix (int64), >= exact * SCALE
    service: np.ndarray
    tw: np.ndarray
    demand: np.ndarray
    capacity: int
    vehicles: int
    fixed_cost: int  # per used vehicle; 0 in dimacs mode


def int_data(inst: Instance, dimacs: bool) -> IntData:
    if dimacs:
        # floor(10 d) is exact in integers; scale to SCALE units (multiple of 100).
        diff = inst.coords[:, None, :] - inst.coords[None, :, :]
        d10 = np.floor(10.0 * np.sqrt((diff**2).sum(axis=2))).astype(np.int64)
        dist = d10 * (SCALE // 10)
        time_m = dist.copy()
        fixed = 0
    else:
        d = inst.distances(dimacs=False)
        dist = np.rint(d * SCALE).astype(np.int64)
        time_m = np.ceil(d * SCALE - 1e-9).astype(np.int64)
        # Upper bound on any sensible plan: every customer on its own route.
        fixed = int(math.ceil(2.0 * d[0, 1:].sum())) * SCALE
    return IntData(
        dist=dist,
        time=time_m,
        service=np.rint(inst.service * SCALE).astype(np.int64),
        tw=np.rint(inst.tw * SCALE).astype(np.int64),
        demand=inst.demand.astype(np.int64),
        capacity=inst.capacity,
        vehicles=inst.vehicles,
        fixed_cost=fixed,
    )


# --------------------------------------------------------------------------
# Solvers: each returns a list of routes (lists of customer node indices)
# --------------------------------------------------------------------------


def solve_vroom(inst: Instance, data: IntData, budget: float) -> list[list[int]]:
    import vroom

    n = inst.n_customers
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=data.time.tolist())
    if data.fixed_cost == 0:
        # dimacs: time == distance, so the default duration cost is the distance.
        pass
    for k in range(data.vehicles):
        problem.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=0,
                end=0,
                capacity=[data.capacity],
                time_window=vroom.TimeWindow(int(data.tw[0][0]), int(data.tw[0][1])),
                costs=vroom.VehicleCosts(fixed=data.fixed_cost),
            )
        )
    for i in range(1, n + 1):
        problem.add_job(
            vroom.Job(
                id=i,
                location=i,
                default_service=int(data.service[i]),
                delivery=[int(data.demand[i])],
                time_windows=[vroom.TimeWindow(int(data.tw[i][0]), int(data.tw[i][1]))],
            )
        )
    sol = problem.solve(
        exploration_level=5, nb_threads=1, timeout=timedelta(seconds=budget)
    )
    routes: dict[int, list[int]] = {}
    for r in sol.to_dict()["routes"]:
        routes[r["vehicle"]] = [s["id"] for s in r["steps"] if s["type"] == "job"]
    return list(routes.values())


def solve_ortools(inst: Instance, data: IntData, budget: float) -> list[list[int]]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = inst.n_customers
    V = data.vehicles
    manager = pywrapcp.RoutingIndexManager(n + 1, V, 0)
    routing = pywrapcp.RoutingModel(manager)
    dist = data.dist.tolist()
    tm = (data.time + data.service[:, None]).tolist()  # service at origin + travel
    demand = data.demand.tolist()

    def dist_cb(a: int, b: int) -> int:
        return dist[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def time_cb(a: int, b: int) -> int:
        return tm[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def demand_cb(a: int) -> int:
        return demand[manager.IndexToNode(a)]

    dist_i = routing.RegisterTransitCallback(dist_cb)
    time_i = routing.RegisterTransitCallback(time_cb)
    dem_i = routing.RegisterUnaryTransitCallback(demand_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(dist_i)
    if data.fixed_cost:
        routing.SetFixedCostOfAllVehicles(int(data.fixed_cost))
    horizon = int(data.tw[0][1])
    routing.AddDimension(time_i, horizon, horizon, False, "Time")
    tdim = routing.GetDimensionOrDie("Time")
    for i in range(1, n + 1):
        tdim.CumulVar(manager.NodeToIndex(i)).SetRange(int(data.tw[i][0]), int(data.tw[i][1]))
    for v in range(V):
        tdim.CumulVar(routing.Start(v)).SetRange(int(data.tw[0][0]), horizon)
        tdim.CumulVar(routing.End(v)).SetRange(int(data.tw[0][0]), horizon)
    routing.AddDimensionWithVehicleCapacity(dem_i, 0, [data.capacity] * V, True, "Capacity")
    # Allow dropping customers at a prohibitive price so a plan is always
    # returned; any dropped customer makes the plan fail the checker.
    penalty = max(int(data.fixed_cost), int(data.dist.max()) * (n + 1)) * 100
    for i in range(1, n + 1):
        routing.AddDisjunction([manager.NodeToIndex(i)], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(budget * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        raise RuntimeError("OR-Tools found no solution")
    routes = []
    for v in range(V):
        idx = routing.Start(v)
        route = []
        idx = sol.Value(routing.NextVar(idx))
        while not routing.IsEnd(idx):
            route.append(manager.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        routes.append(route)
    return routes


def solve_pyvrp(inst: Instance, data: IntData, budget: float) -> list[list[int]]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    n = inst.n_customers
    locs = [pyvrp.Location(float(x), float(y)) for x, y in inst.coords]
    depot = pyvrp.Depot(0, tw_early=int(data.tw[0][0]), tw_late=int(data.tw[0][1]))
    clients = [
        pyvrp.Client(
            i,
            delivery=[int(data.demand[i])],
            service_duration=int(data.service[i]),
            tw_early=int(data.tw[i][0]),
            tw_late=int(data.tw[i][1]),
        )
        for i in range(1, n + 1)
    ]
    vt = pyvrp.VehicleType(
        num_available=data.vehicles,
        capacity=[data.capacity],
        fixed_cost=int(data.fixed_cost),
        tw_early=int(data.tw[0][0]),
        tw_late=int(data.tw[0][1]),
    )
    pdata = pyvrp.ProblemData(
        locs, clients, [depot], [vt], [data.dist.astype(np.int64)], [data.time.astype(np.int64)]
    )
    res = pyvrp.solve(pdata, stop=MaxRuntime(budget), seed=SEED, display=False)
    routes = []
    for r in res.best.routes():
        routes.append(
            [a.idx + 1 for a in r.schedule() if a.type == pyvrp.ActivityType.CLIENT]
        )
    return routes


def solve_crewboard(inst: Instance, data: IntData, budget: float) -> list[list[int]]:
    """Instance -> crewboard.routing Problem -> crewboard solve -> Plan -> routes."""
    import crewboard_adapter

    return crewboard_adapter.solve_vrptw(inst, data, budget)


RUNNERS = {
    "crewboard": solve_crewboard,
    "vroom": solve_vroom,
    "ortools": solve_ortools,
    "pyvrp": solve_pyvrp,
}


# --------------------------------------------------------------------------
# Task execution (one fork per solve, hard wall-clock cap)
# --------------------------------------------------------------------------


@dataclass
class Row:
    instance: str
    set: str
    klass: str
    solver: str
    budget: float
    mode: str
    status: str  # ok | infeasible | error | timeout
    vehicles: int | None
    distance: float | None
    bks_vehicles: int
    bks_distance: float
    vehicle_diff: int | None
    dist_gap_pct: float | None
    wall_s: float
    detail: str
    cpu_s: float | None = None  # CPU time the solve actually got (the machine is shared)
    load1: float | None = None  # 1-minute load average when the solve started


def _child(conn, path: str, solver: str, budget: float, dimacs: bool) -> None:
    try:
        inst = load_instance(path)
        data = int_data(inst, dimacs)
        t0, c0 = time.perf_counter(), time.process_time()
        routes = RUNNERS[solver](inst, data, budget)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        conn.send(("ok", routes, wall, cpu))
    except BaseException as exc:  # noqa: BLE001 - report everything
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", 0.0, 0.0))
    finally:
        conn.close()


def run_one(path: Path, solver: str, budget: float, dimacs: bool, bks) -> Row:
    inst = load_instance(path)
    set_name = "gh200" if "_" in inst.name else "solomon"
    bks_v, bks_d = bks[inst.name]
    cap = budget * 3 + 60
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, str(path), solver, budget, dimacs))
    load1 = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc.start()
    child.close()
    msg = None
    if parent.poll(cap):
        try:
            msg = parent.recv()
        except EOFError:
            msg = None
    elapsed = time.perf_counter() - t0
    if proc.is_alive():
        proc.kill()
    proc.join()
    base = dict(
        instance=inst.name, set=set_name, klass=inst.klass, solver=solver, budget=budget,
        mode="dimacs" if dimacs else "exact", bks_vehicles=bks_v, bks_distance=bks_d,
        load1=round(load1, 2),
    )
    if msg is None:
        status = "timeout" if elapsed >= cap else "error"
        detail = f"no result after {elapsed:.1f}s (exit code {proc.exitcode})"
        return Row(**base, status=status, vehicles=None, distance=None, vehicle_diff=None,
                   dist_gap_pct=None, wall_s=round(elapsed, 3), detail=detail)
    kind, payload, wall, cpu = msg
    if kind == "error":
        return Row(**base, status="error", vehicles=None, distance=None, vehicle_diff=None,
                   dist_gap_pct=None, wall_s=round(elapsed, 3),
                   detail=payload.splitlines()[0][:300])
    res = check_routes(inst, payload, dimacs=dimacs)
    return Row(
        **base,
        status="ok" if res.feasible else "infeasible",
        vehicles=res.vehicles,
        distance=round(res.distance, 4),
        vehicle_diff=res.vehicles - bks_v,
        dist_gap_pct=round(100.0 * (res.distance - bks_d) / bks_d, 4),
        wall_s=round(wall, 3),
        detail=res.summary(),
        cpu_s=round(cpu, 3),
    )


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------

FIELDS = list(Row.__dataclass_fields__)


def read_rows(paths: list[Path]) -> list[dict]:
    """Rows of several CSVs; ``file.csv:ortools+pyvrp`` keeps only those solvers."""
    rows = []
    for p in paths:
        name, _, keep = str(p).partition(":")
        wanted = set(keep.split("+")) if keep else None
        with open(name, newline="") as fh:
            rows.extend(r for r in csv.DictReader(fh) if wanted is None or r["solver"] in wanted)
    return rows


def _f(x: str | None) -> float | None:
    return None if x in (None, "", "None") else float(x)


def per_instance(rows: list[dict]) -> str:
    """One line per instance: BKS, then vehicles/distance (gap %) per solver and budget."""
    keys = sorted({(r["solver"], float(r["budget"])) for r in rows},
                  key=lambda k: (SOLVERS.index(k[0]) if k[0] in SOLVERS else 9, k[1]))
    head = "| instance | BKS | " + " | ".join(f"{s} {b:g}s" for s, b in keys) + " |"
    out = [head, "|---|---|" + "---|" * len(keys)]
    by = {(r["instance"], r["solver"], float(r["budget"])): r for r in rows}
    for inst in sorted({r["instance"] for r in rows}, key=_inst_key):
        any_r = next(r for r in rows if r["instance"] == inst)
        cells = []
        for s, b in keys:
            r = by.get((inst, s, b))
            if r is None:
                cells.append("")
            elif r["status"] != "ok":
                cells.append(f"**{r['status']}**")
            else:
                cells.append(f"{r['vehicles']} / {float(r['distance']):.1f} "
                             f"({float(r['dist_gap_pct']):+.1f}%)")
        out.append(f"| {inst} | {any_r['bks_vehicles']} / {float(any_r['bks_distance']):.1f} | "
                   + " | ".join(cells) + " |")
    return "\n".join(out)


def _inst_key(name: str) -> tuple:
    if "_" in name:
        head, _, num = name.rpartition("_")
        return (1, head, int(num))
    return (0, name[:-2], int(name[-2:]))


def summarize(rows: list[dict]) -> str:
    """Markdown tables: per (set, mode, budget) x solver, per class and overall."""
    out = []
    groups = sorted({(r["set"], r["mode"], float(r["budget"])) for r in rows})
    for set_name, mode, budget in groups:
        sub = [r for r in rows if r["set"] == set_name and r["mode"] == mode
               and float(r["budget"]) == budget]
        solvers = [s for s in SOLVERS if any(r["solver"] == s for r in sub)]
        classes = sorted({r["klass"] for r in sub}, key=lambda c: (c.rstrip("12"), c))
        out.append(f"\n### {set_name}, {mode} arcs, budget {budget:g} s\n")
        if mode == "exact":
            out.append("Hierarchical objective vs `bks.csv`. Cells: mean vehicles / mean "
                       "distance gap % (feasible plans only); `!k` = k plans failed the "
                       "checker or errored.\n")
        else:
            out.append("Distance-only objective, truncated arcs, vs "
                       "`bks_dimacs_distance_only.csv`. Cells: mean vehicles / mean "
                       "distance gap %; `!k` = k failed plans.\n")
        out.append("| class | n | BKS veh | " + " | ".join(solvers) + " |")
        out.append("|---|---|---|" + "---|" * len(solvers))
        for klass in classes + ["all"]:
            cells = []
            ksub = [r for r in sub if klass == "all" or r["klass"] == klass]
            insts = sorted({r["instance"] for r in ksub})
            bks_v = statistics.mean(
                int(next(r for r in ksub if r["instance"] == i)["bks_vehicles"]) for i in insts)
            for s in solvers:
                ss = [r for r in ksub if r["solver"] == s]
                ok = [r for r in ss if r["status"] == "ok"]
                bad = len(ss) - len(ok)
                if ok:
                    v = statistics.mean(int(r["vehicles"]) for r in ok)
                    g = statistics.mean(float(r["dist_gap_pct"]) for r in ok)
                    cell = f"{v:.2f} / {g:+.2f}%"
                else:
                    cell = "-"
                if bad:
                    cell += f" !{bad}"
                cells.append(cell)
            label = f"**{klass}**" if klass == "all" else klass
            out.append(f"| {label} | {len(insts)} | {bks_v:.2f} | " + " | ".join(cells) + " |")
        # Extra lines: CNV/CTD, BKS-vehicle matches, median gap, wall time.
        out.append("")
        out.append("| solver | feasible | CNV | CTD | veh = BKS | median gap % | "
                   "mean gap % where veh = BKS | mean wall s | mean CPU s | mean load |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for s in solvers:
            ss = [r for r in sub if r["solver"] == s]
            ok = [r for r in ss if r["status"] == "ok"]
            if not ok:
                out.append(f"| {s} | 0/{len(ss)} | - | - | - | - | - | - | - | - |")
                continue
            cnv = sum(int(r["vehicles"]) for r in ok)
            ctd = sum(float(r["distance"]) for r in ok)
            same = [r for r in ok if int(r["vehicle_diff"]) == 0]
            med = statistics.median(float(r["dist_gap_pct"]) for r in ok)
            gsame = (f"{statistics.mean(float(r['dist_gap_pct']) for r in same):+.2f}"
                     if same else "-")
            wall = statistics.mean(float(r["wall_s"]) for r in ss)
            cpus = [float(r["cpu_s"]) for r in ok if _f(r.get("cpu_s")) is not None]
            loads = [float(r["load1"]) for r in ss if _f(r.get("load1")) is not None]
            cpu = f"{statistics.mean(cpus):.2f}" if cpus else "-"
            load = f"{statistics.mean(loads):.1f}" if loads else "-"
            out.append(f"| {s} | {len(ok)}/{len(ss)} | {cnv} | {ctd:.1f} | {len(same)} | "
                       f"{med:+.2f} | {gsame} | {wall:.2f} | {cpu} | {load} |")
        failures = [r for r in sub if r["status"] != "ok"]
        if failures:
            out.append("\nFailed plans:\n")
            for r in failures:
                out.append(f"- {r['solver']} {r['instance']}: {r['status']}: {r['detail'][:200]}")
    return "\n".join(out)


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default="solomon", choices=["solomon", "gh200", "all"])
    ap.add_argument("--budgets", default="1", help="comma-separated seconds, e.g. 1,10")
    ap.add_argument("--solvers", default="all", help="comma list of " + ",".join(SOLVERS))
    ap.add_argument("--limit", type=int, default=0, help="first N instances per set")
    ap.add_argument("--instances", default="", help="comma list of instance names")
    ap.add_argument("--jobs", type=int, default=1, help="parallel solves (default 1)")
    ap.add_argument("--dimacs", action="store_true", help="truncated arcs, distance only")
    ap.add_argument("--out", default="", help="CSV path (default bench/results/...)")
    ap.add_argument("--resume", action="store_true", help="skip rows already in --out")
    ap.add_argument("--summarize", nargs="*",
                    help="only print the summary of CSV files (file.csv:solverA+solverB "
                    "keeps only those solvers of that file)")
    ap.add_argument("--per-instance", action="store_true",
                    help="with --summarize: one table row per instance")
    args = ap.parse_args(argv)

    if args.summarize is not None:
        rows = read_rows([Path(p) for p in args.summarize])
        print(per_instance(rows) if args.per_instance else summarize(rows))
        return 0

    budgets = [float(b) for b in args.budgets.split(",") if b]
    solvers = list(SOLVERS) if args.solvers == "all" else args.solvers.split(",")
    for s in solvers:
        if s not in RUNNERS:
            raise SystemExit(f"unknown solver {s!r}")
    paths = instance_paths(args.set)
    if args.instances:
        wanted = {x.strip().upper() for x in args.instances.split(",")}
        paths = [p for p in paths if p.stem.upper() in wanted]
    if args.limit:
        by_set: dict[bool, list[Path]] = {}
        for p in paths:
            by_set.setdefault("_" in p.stem, []).append(p)
        paths = [p for ps in by_set.values() for p in _spread(ps, args.limit)]
    bks = load_bks(args.dimacs)

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    mode = "dimacs" if args.dimacs else "exact"
    out = Path(args.out) if args.out else RESULTS / f"vrptw_{args.set}_{mode}_{stamp}.csv"
    done = set()
    if args.resume and out.exists():
        for r in read_rows([out]):
            done.add((r["instance"], r["solver"], float(r["budget"])))
    new_file = not out.exists()
    tasks = [(p, s, b) for b in budgets for p in paths for s in solvers
             if (p.stem.upper(), s, b) not in done]
    print(f"# {len(tasks)} solves -> {out}", file=sys.stderr)

    with open(out, "a", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS)
        if new_file:
            writer.writeheader()
        if args.jobs <= 1:
            results = (run_one(p, s, b, args.dimacs, bks) for p, s, b in tasks)
        else:
            pool = _ThreadPool(args.jobs)
            results = pool.imap(lambda t: run_one(t[0], t[1], t[2], args.dimacs, bks), tasks)
        for k, row in enumerate(results, 1):
            writer.writerow(asdict(row))
            fh.flush()
            print(f"[{k}/{len(tasks)}] {row.instance:9s} {row.solver:9s} {row.budget:g}s "
                  f"{row.status:10s} veh={row.vehicles} dist={row.distance} "
                  f"gap={row.dist_gap_pct} wall={row.wall_s} {row.detail[:80]}",
                  file=sys.stderr, flush=True)
    print(summarize(read_rows([out])))
    print(f"\nCSV: {out}")
    return 0


def _spread(paths: list[Path], k: int) -> list[Path]:
    """k instances spread evenly over the (class-sorted) list, so every class shows up."""
    if k >= len(paths):
        return paths
    idx = sorted({round(i * (len(paths) - 1) / max(k - 1, 1)) for i in range(k)})
    return [paths[i] for i in idx]


class _ThreadPool:
    """Threads only wait on forked children, so a thread pool is enough."""

    def __init__(self, n: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._ex = ThreadPoolExecutor(max_workers=n)

    def imap(self, fn, items):
        return self._ex.map(fn, items)


if __name__ == "__main__":
    raise SystemExit(main())
