"""The PyVRP engine: tiny days with known answers, and when ``auto`` picks which engine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crewboard.routing import Break, Fixed, ProblemError, TimeWindow, pyvrp_engine, solve
from crewboard.routing.io import dump_plan, dump_problem, load_plan, load_problem
from crewboard.routing.pyvrp_engine import pyvrp_fits
from tests.routing.builders import (
    UNIT,
    H,
    M,
    job,
    order,
    problem,
    random_problem,
    solve_checked,
    tech,
)


def test_two_technicians_each_take_their_side():
    # a at 0, b at 10; best: a does 1, 2 (4 units), b does 9, 11 (1 + 2 + 1 units).
    p = problem([tech("a", 0), tech("b", 10)], [job("j1", 1), job("j2", 2), job("j9", 9),
                                                job("j11", 11)])
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert set(order(plan, "a")) == {"j1", "j2"}
    assert set(order(plan, "b")) == {"j9", "j11"}
    assert plan.kpis["total_drive_s"] == 8 * UNIT
    assert plan.unassigned == ()


def test_windows_decide_the_order():
    # The far job must be done early, the near one late: 0 -> 5 -> 3 -> 0.
    p = problem(
        [tech("a", 0)],
        [
            job("near", 3, windows=(TimeWindow(14 * H, 15 * H),)),
            job("far", 5, windows=(TimeWindow(9 * H, 10 * H),)),
        ],
    )
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert order(plan, "a") == ["far", "near"]
    assert plan.stop_of("near").start == 14 * H


def test_skill_levels_and_pins():
    junior = tech("junior", 0, skills={"elec": 1})
    senior = tech("senior", 20, skills={"elec": 2})
    p = problem(
        [junior, senior],
        [
            job("needs-2", 1, required_skills={"elec": 2}),  # next to junior, only senior may
            job("pinned", 19, pinned_to="junior"),  # next to senior, promised to junior
        ],
        engine="pyvrp",  # auto gives days whose technicians differ to VROOM
    )
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert plan.assignment() == {"needs-2": "senior", "pinned": "junior"}


def test_skill_nobody_has_is_unassigned_with_a_reason():
    p = problem([tech("a", 0)], [job("roof", 2, required_skills={"roofing": 1}), job("ok", 1)])
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert [u.job_id for u in plan.unassigned] == ["roof"]
    assert plan.unassigned[0].reason_code == "skill_missing"


def test_two_window_job_lands_in_one_window():
    # Window 1 (08:00-08:30 at 10 units = 100 min away) cannot be reached.
    early, late = TimeWindow(8 * H, 8 * H + 30 * M), TimeWindow(14 * H, 15 * H)
    p = problem([tech("a", 0)], [job("two", 10, windows=(early, late))], engine="pyvrp")
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    stop = plan.stop_of("two")
    assert stop is not None
    assert late.start <= stop.start and stop.end <= late.end


def test_emergency_kept_over_normal_when_capacity_forces_a_drop():
    p = problem(
        [tech("a", 0, capacity=1)],
        [job("normal", 1, amount=1), job("urgent", 8, amount=1, priority="emergency")],
    )
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert order(plan, "a") == ["urgent"]
    assert [u.job_id for u in plan.unassigned] == ["normal"]


def test_fixed_job_in_progress_stays_first():
    p = problem(
        [tech("a", 0)],
        [
            job("doing", 5, service_s=H, fixed=Fixed("a", 8 * H)),
            job("next", 6),
            job("home", 1),
        ],
    )
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    route = plan.route_of("a")
    assert route is not None
    assert route.stops[0].job_id == "doing" and route.stops[0].fixed
    assert route.stops[0].start == 8 * H
    assert order(plan, "a")[1:] in (["next", "home"], ["home", "next"])
    assert route.stops[1].arrival >= 9 * H


@pytest.mark.parametrize("engine", ["pyvrp", "vroom"])
def test_technician_cost_consolidates_routes(engine):
    # Two routes drive 4 units; one route 18 units (10 800 s). A technician
    # cost of 10 000 s makes one route cheaper (20 800 < 22 400).
    techs = [tech("a", 0), tech("b", 10)]
    jobs = [job("j1", 1), job("j9", 9)]
    free = solve_checked(problem(techs, jobs, engine=engine))
    assert free.engine == engine and free.kpis["technicians_used"] == 2
    costly = solve_checked(problem(techs, jobs, engine=engine, technician_cost_s=10_000))
    assert costly.kpis["technicians_used"] == 1
    assert costly.kpis["total_drive_s"] == 18 * UNIT


def test_auto_uses_vroom_for_breaks_and_warm_starts():
    lunch = Break((TimeWindow(12 * H, 13 * H),), 30 * M, "lunch")
    with_break = problem([tech("a", 0, breaks=(lunch,))], [job("j1", 2)])
    assert pyvrp_fits(with_break, None) is None  # engine="pyvrp" plans around it
    assert "break" in (pyvrp_fits(with_break, None, breaks=False) or "")
    assert solve_checked(with_break).engine == "vroom"

    plain = problem([tech("a", 0)], [job("j1", 2), job("j2", 3)])
    assert pyvrp_fits(plain, None) is None
    first = solve_checked(plain)
    assert first.engine == "pyvrp"
    assert "warm start" in (pyvrp_fits(plain, first) or "")
    assert solve_checked(plain, initial=first).engine == "vroom"


def test_auto_uses_vroom_for_field_days_with_skills_pins_or_two_windows():
    """Measured: on such days PyVRP left more jobs out, even without breaks."""
    same = problem([tech("a", 0, skills={"gas": 2}), tech("b", 9, skills={"gas": 2})],
                   [job("j1", 2, required_skills={"gas": 1}), job("j2", 7)])
    assert pyvrp_fits(same, None, field_days=False) is None
    assert solve_checked(same).engine == "pyvrp"
    skills = problem([tech("a", 0, skills={"gas": 2}), tech("b", 9)],
                     [job("j1", 2, required_skills={"gas": 1}), job("j2", 7)])
    pinned = problem([tech("a", 0), tech("b", 9)], [job("j1", 2, pinned_to="b"), job("j2", 7)])
    two = problem([tech("a", 0)], [job("j1", 2, windows=(TimeWindow(8 * H, 10 * H),
                                                         TimeWindow(14 * H, 16 * H)))])
    for p, words in ((skills, "different jobs"), (pinned, "different jobs"),
                     (two, "two appointment windows")):
        assert pyvrp_fits(p, None) is None  # engine="pyvrp" still plans it
        assert words in (pyvrp_fits(p, None, field_days=False) or "")
        assert solve_checked(p).engine == "vroom"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"time_off": (TimeWindow(12 * H, 13 * H),)}, "time off"),
        ({"max_work_s": 4 * H}, "maximum working time"),
    ],
)
def test_auto_uses_vroom_for_time_off_and_max_work(change, words):
    p = problem([tech("a", 0, **change)], [job("j1", 2)])
    assert words in (pyvrp_fits(p, None, breaks=False) or "")
    assert solve_checked(p).engine == "vroom"


@pytest.mark.parametrize("engine", ["auto", "pyvrp"])
def test_a_day_with_nothing_to_plan_is_an_empty_plan(engine):
    no_jobs = problem([tech("a", 0)], [], engine=engine)
    no_techs = problem([], [job("j1", 2)], engine=engine)
    gone = problem([tech("a", 0, shift_start=8 * H, shift_end=9 * H, available_from=10 * H)],
                   [job("j1", 2)], engine=engine)
    assert solve_checked(no_jobs).routes[0].stops == ()
    for p in (no_techs, gone):
        plan = solve_checked(p)
        assert [u.job_id for u in plan.unassigned] == ["j1"]


def test_forced_pyvrp_on_an_unfit_day_is_a_clear_error():
    p = problem([tech("a", 0, name="Dana", max_work_s=4 * H)], [job("j1", 2)], engine="pyvrp")
    with pytest.raises(ProblemError) as err:
        solve(p)
    assert err.value.code == "engine_unfit"
    assert "Dana has a maximum working time" in err.value.message


def test_forced_vroom_and_unknown_engine():
    p = problem([tech("a", 0)], [job("j1", 2)], engine="vroom")
    assert solve_checked(p).engine == "vroom"
    with pytest.raises(ProblemError) as err:
        solve(replace(p, options=replace(p.options, engine="gurobi")))
    assert err.value.code == "bad_option"


def test_engine_options_and_plan_engine_round_trip():
    p = problem([tech("a", 0)], [job("j1", 2)], engine="vroom", technician_cost_s=600)
    raw = dump_problem(replace(p, travel=_straight()))
    assert raw["options"]["engine"] == "vroom"
    back = load_problem(raw)
    assert back.options.engine == "vroom" and back.options.technician_cost_s == 600
    plan = solve(p)
    assert load_plan(dump_plan(plan)).engine == "vroom"


def _straight():
    from crewboard.routing import StraightLineModel

    return StraightLineModel()


@pytest.mark.parametrize("seed", range(40))
def test_random_days_without_breaks_are_feasible_with_pyvrp(seed):
    # random_problem uses every feature; drop what PyVRP cannot model.
    p = random_problem(seed)
    techs = [replace(t, breaks=(), time_off=(), max_work_s=None) for t in p.technicians]
    p = replace(p, technicians=techs, options=replace(p.options, engine="pyvrp"))
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    vroom = solve_checked(replace(p, options=replace(p.options, engine="vroom")))
    # Same priorities first: PyVRP serves at least as much priority weight.
    weight = {"emergency": 100, "high": 3, "normal": 2, "low": 1}

    def served(x):
        return sum(weight[p.job(j).priority] for j in x.assignment() if p.job(j).fixed is None)

    assert served(plan) >= served(vroom)


def test_auto_uses_vroom_when_profile_matrices_are_too_big(monkeypatch):
    monkeypatch.setattr(pyvrp_engine, "MATRIX_BUDGET_BYTES", 100)
    p = problem([tech("a", 0)], [job("j1", 2), job("j2", 3)])
    assert "memory" in (pyvrp_fits(p, None) or "")
    assert solve_checked(p).engine == "vroom"


def test_a_plan_failing_the_checker_goes_to_vroom(monkeypatch, caplog):
    import crewboard.routing.check as check

    real = check.check_plan
    calls = []

    def first_call_fails(problem, plan, **kw):
        calls.append(plan.engine)
        return ["made-up violation"] if len(calls) == 1 else real(problem, plan, **kw)

    monkeypatch.setattr(check, "check_plan", first_call_fails)
    p = problem([tech("a", 0)], [job("j1", 2), job("j2", 3)])
    plan = solve(p)
    assert calls == ["pyvrp"] and plan.engine == "vroom"
    assert real(p, plan) == []
    assert "made-up violation" in caplog.text


def test_no_feasible_pyvrp_solution_goes_to_vroom(monkeypatch):
    monkeypatch.setattr(pyvrp_engine, "search", lambda *a: None)
    p = problem([tech("a", 0)], [job("j1", 2)])
    assert solve_checked(p).engine == "vroom"


def test_same_seed_same_plan():
    p = random_problem(11)  # 4 technicians, 13 jobs
    techs = [replace(t, breaks=(), time_off=(), max_work_s=None) for t in p.technicians]
    p = replace(p, technicians=techs, options=replace(p.options, engine="pyvrp"))
    a, b = solve_checked(p), solve_checked(p)
    assert a.engine == b.engine == "pyvrp"
    assert a.routes == b.routes


def test_negative_technician_cost_is_rejected():
    p = problem([tech("a", 0)], [job("j1", 2)], technician_cost_s=-1)
    with pytest.raises(ProblemError) as err:
        solve(p)
    assert err.value.code == "bad_option"
