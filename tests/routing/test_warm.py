"""The warm start VROOM is given: stops that break a rule are taken off first."""

from __future__ import annotations

from dataclasses import replace

from crewboard.routing import Break, Plan, TimeWindow, check_plan, solve
from crewboard.routing.plan import Route, Stop
from crewboard.routing.timing import TravelTable, tech_days
from crewboard.routing.warm import feasible_warm_start
from tests.routing.builders import H, M, job, problem, random_problem, tech


def _plan(p, routes: dict[str, list[str]]) -> Plan:  # type: ignore[no-untyped-def]
    return Plan(tuple(Route(t, tuple(Stop(j, 0, 0, 0, 0, 0) for j in ids), 0, 0, 0, 0)
                      for t, ids in routes.items()), (), {}, p.origin)


def _warm(p, plan: Plan) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    days = tech_days(p)
    movable = {j.id: j for j in p.jobs if j.fixed is None}
    out = feasible_warm_start(plan, movable, days, TravelTable(p))
    return {r.technician_id: list(r.job_ids) for r in out.routes}


def test_a_stop_made_late_by_a_slipping_day_is_taken_off_the_rest_kept_in_order() -> None:
    # "a" is only free from 10:00 (a job ran long): b's 08:00-10:30 window can't be met
    p = problem([tech("a", 0, available_from=10 * H)],
                [job("early", 2, 30 * M, windows=[TimeWindow(8 * H, 10 * H + 30 * M)]),
                 job("x", 1), job("y", 3)])
    assert _warm(p, _plan(p, {"a": ["x", "early", "y"]})) == {"a": ["x", "y"]}


def test_stops_a_technician_cannot_do_are_taken_off() -> None:
    p = problem([tech("a", 0), tech("b", 5, skills={"gas": 2})],
                [job("gas", 3, required_skills={"gas": 1}), job("pin", 4, pinned_to="b"),
                 job("ok", 2)])
    assert _warm(p, _plan(p, {"a": ["gas", "pin", "ok"]})) == {"a": ["ok"]}


def test_unknown_and_repeated_jobs_are_dropped_and_empty_routes_left_out() -> None:
    p = problem([tech("a", 0), tech("b", 5)], [job("j1", 2), job("j2", 6)])
    plan = _plan(p, {"a": ["gone", "j1"], "b": ["j1", "j2"], "c": ["j2"]})
    assert _warm(p, plan) == {"a": ["j1"], "b": ["j2"]}


def test_a_feasible_plan_passes_unchanged() -> None:
    for seed in range(20):
        p = replace(random_problem(seed), options=replace(random_problem(seed).options,
                                                          engine="vroom"))
        plan = solve(p)
        warm = _warm(p, plan)
        assert warm == {r.technician_id: [j for j in r.job_ids
                                          if p.job(j).fixed is None]
                        for r in plan.routes if any(p.job(j).fixed is None for j in r.job_ids)}


def test_solving_from_a_broken_plan_gives_a_valid_plan() -> None:
    p = problem([tech("a", 0, available_from=10 * H), tech("b", 8)],
                [job("early", 2, 30 * M, windows=[TimeWindow(8 * H, 10 * H + 30 * M)]),
                 job("x", 1), job("y", 3), job("z", 9)], engine="vroom")
    out = solve(p, initial=_plan(p, {"a": ["x", "early", "y", "z"]}))
    assert check_plan(p, out) == []
    assert out.stop_of("early") is not None and out.route_of("b") is not None
    assert "early" in out.route_of("b").job_ids


def test_a_start_vroom_refuses_loses_only_the_refused_route() -> None:
    """VROOM refuses two visits whose lunch can only follow the last, early-closing one."""
    from crewboard.routing.solver import SolverRejected, _build, _run_vroom, _solve_vroom

    lunch = Break((TimeWindow(11 * H, 14 * H),), 30 * M, "lunch")
    p = problem([tech("a", 0, breaks=(lunch,)), tech("b", 20)],
                [job("j1", 1, 45 * M), job("j2", 2, 45 * M, windows=[TimeWindow(8 * H, 10 * H)]),
                 job("j3", 19), job("j4", 18)],
                engine="vroom", time_limit_s=1.0)
    start = _plan(p, {"a": ["j1", "j2"], "b": ["j3", "j4"]})
    assert _warm(p, start) == {"a": ["j1", "j2"], "b": ["j3", "j4"]}  # keeps every rule
    inp, model = _build(p, start)
    try:
        _run_vroom(inp, p, model)
        refused = False
    except SolverRejected as err:
        refused = True
        assert err.code == "solver_rejected" and err.technician_id == "a"
    _sol, _model, used = _solve_vroom(p, start)
    assert used is not None
    if refused:  # pyvroom 1.15: the refused route is dropped, the other kept
        assert [r.technician_id for r in used.routes] == ["b"]
    out = solve(p, initial=start)
    assert check_plan(p, out) == [] and out.unassigned == ()
