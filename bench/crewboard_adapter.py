"""VRPTW instance -> crewboard.routing Problem -> crewboard ``solve`` -> routes.

This is the planner path the product uses, with the benchmark's data mapped
onto field-service terms:

* one technician per vehicle, all starting and ending at the depot, shift =
  the depot's time window, van capacity = vehicle capacity;
* one job per customer, ``service_s`` = service time, ``amount`` = demand;
* a Solomon window bounds the *start* of service, a crewboard window bounds
  the *whole visit*, so the job window is ``[ready, due + service]``;
* an explicit travel matrix (``MatrixModel``), the same integer matrix the raw
  libraries get (instance units x SCALE, rounded up).

* ``Options.technician_cost_s`` = the per-vehicle fixed cost the raw
  libraries get in ``vrptw.py`` (0 in DIMACS mode), so all minimise the same
  hierarchical objective; the budget is ``time_limit_s`` and the engine is
  the default (``auto``: PyVRP, since these days have no breaks, one skill
  profile and one window per customer).
"""

from __future__ import annotations

from datetime import UTC, datetime

ORIGIN = datetime(2026, 1, 5, tzinfo=UTC)


def _solve_fn():
    try:
        from crewboard.routing import solve  # public name
    except ImportError:
        from crewboard.routing.solver import solve  # before __init__ re-exports it
    return solve


def build_problem(inst, data, budget: float):
    from crewboard.routing.problem import Job, Location, Options, Problem, Technician, TimeWindow
    from crewboard.routing.travel import MatrixModel

    n = inst.n_customers
    locs = [Location(lat=float(y), lon=float(x), index=i)
            for i, (x, y) in enumerate(inst.coords)]
    depot = locs[0]
    techs = [
        Technician(
            id=f"V{k:02d}",
            name=f"Vehicle {k}",
            start=depot,
            shift_start=int(data.tw[0][0]),
            shift_end=int(data.tw[0][1]),
            capacity=int(data.capacity),
        )
        for k in range(data.vehicles)
    ]
    jobs = [
        Job(
            id=str(i),
            location=locs[i],
            service_s=int(data.service[i]),
            windows=(TimeWindow(int(data.tw[i][0]), int(data.tw[i][1] + data.service[i])),),
            amount=int(data.demand[i]),
        )
        for i in range(1, n + 1)
    ]
    return Problem(
        origin=ORIGIN,
        technicians=techs,
        jobs=jobs,
        options=Options(
            time_limit_s=budget,
            exploration=5,
            threads=1,
            repair=True,
            technician_cost_s=int(data.fixed_cost),
        ),
        travel=MatrixModel(data.time),
    )


def solve_vrptw(inst, data, budget: float) -> list[list[int]]:
    solve = _solve_fn()
    plan = solve(build_problem(inst, data, budget))
    return [[int(j) for j in r.job_ids] for r in plan.routes if r.stops]
