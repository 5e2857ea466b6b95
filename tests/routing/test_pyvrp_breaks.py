"""The PyVRP engine on days with breaks: PyVRP plans a day shortened by the
breaks, our own timing puts them back, and what no longer fits is repaired."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crewboard.routing import Break, TimeWindow, pyvrp_engine, solve
from crewboard.routing.pyvrp_engine import pyvrp_fits, with_breaks
from crewboard.routing.timing import TravelTable, tech_days
from tests.routing.builders import H, M, job, problem, random_problem, solve_checked, tech

LUNCH = Break((TimeWindow(11 * H + 30 * M, 13 * H + 30 * M),), 30 * M, "lunch")


def _day_with_lunch(**opts):
    jobs = [
        job("a1", 2, 60 * M, windows=(TimeWindow(8 * H, 12 * H),)),
        job("a2", 4, 60 * M, windows=(TimeWindow(10 * H, 13 * H),)),
        job("a3", 5, 60 * M, windows=(TimeWindow(12 * H, 15 * H),)),
        job("a4", 3, 90 * M),
        job("b1", 12, 45 * M, windows=(TimeWindow(9 * H, 12 * H),)),
        job("b2", 14, 45 * M, windows=(TimeWindow(12 * H, 16 * H),)),
        job("b3", 11, 60 * M),
    ]
    return problem([tech("a", 0, breaks=(LUNCH,)), tech("b", 12, breaks=(LUNCH,))], jobs, **opts)


def test_lunch_day_solved_by_pyvrp_places_the_break_in_its_window():
    p = _day_with_lunch(engine="pyvrp")
    assert pyvrp_fits(p, None) is None
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert plan.unassigned == ()
    for r in plan.routes:
        assert len(r.breaks) == 1
        b = r.breaks[0]
        assert 11 * H + 30 * M <= b.start <= 13 * H + 30 * M
        assert b.end - b.start == 30 * M
        for s in r.stops:  # no visit overlaps the break
            assert s.end <= b.start or s.start >= b.end


def test_mid_day_time_off_is_respected():
    off = TimeWindow(12 * H, 14 * H)
    jobs = [
        job("early", 3, 60 * M, windows=(TimeWindow(9 * H, 12 * H),)),
        job("late", 4, 60 * M, windows=(TimeWindow(14 * H, 16 * H),)),
        job("any1", 2, 90 * M),
        job("any2", 5, 90 * M),
    ]
    p = problem([tech("a", 0, time_off=(off,))], jobs, engine="pyvrp")
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    (r,) = plan.routes
    assert len(r.stops) >= 3
    for s in r.stops:
        assert s.end <= off.start or s.start >= off.end
    assert any(b.name == "time off" and b.start == off.start for b in r.breaks)


def test_a_job_straddling_the_break_is_dropped_and_the_plan_stays_valid():
    # The lunch must start at 12:00 sharp; "across" must run through noon.
    noon = Break((TimeWindow(12 * H, 12 * H),), 30 * M, "lunch")
    jobs = [job("across", 1, 60 * M, windows=(TimeWindow(11 * H + 15 * M, 12 * H + 30 * M),)),
            job("other", 2, 30 * M)]
    p = problem([tech("a", 0, breaks=(noon,))], jobs, engine="pyvrp")
    days = tech_days(p)
    table = TravelTable(p)
    timed, dropped = with_breaks(days["a"], [p.jobs[0], p.jobs[1]], table)
    assert timed.feasible
    assert [j.id for j in dropped] == ["across"]
    plan = solve_checked(p)
    assert plan.engine == "pyvrp"
    assert [u.job_id for u in plan.unassigned] == ["across"]
    assert plan.routes[0].breaks[0].start == 12 * H


def test_pyvrp_without_a_solution_falls_back_to_a_valid_vroom_plan(monkeypatch):
    monkeypatch.setattr(pyvrp_engine, "search", lambda *a: None)
    plan = solve_checked(_day_with_lunch(engine="pyvrp"))
    assert plan.engine == "vroom"


def test_a_plan_failing_the_checker_falls_back_to_vroom(monkeypatch):
    import crewboard.routing.check as check

    real = check.check_plan
    calls = []

    def once_bad(problem, plan, **kw):
        calls.append(plan.engine)
        return ["made up"] if plan.engine == "pyvrp" else real(problem, plan, **kw)

    monkeypatch.setattr(check, "check_plan", once_bad)
    plan = solve(_day_with_lunch(engine="pyvrp"))
    assert calls == ["pyvrp"]
    assert plan.engine == "vroom"
    assert real(_day_with_lunch(), plan) == []


def test_auto_keeps_days_with_breaks_on_vroom():
    # Measured on the field days (bench/README.md, "PyVRP with lunch breaks"):
    # PyVRP then leaves more jobs out than VROOM, so auto does not choose it.
    assert pyvrp_engine.AUTO_WITH_BREAKS is False
    p = _day_with_lunch()
    assert "break" in (pyvrp_fits(p, None, breaks=False) or "")
    assert solve_checked(p).engine == "vroom"
    assert solve_checked(replace(p, options=replace(p.options, engine="pyvrp"))).engine == "pyvrp"


@pytest.mark.parametrize("seed", range(30))
def test_random_days_with_breaks_and_time_off_are_valid_with_pyvrp(seed):
    p = random_problem(seed)
    techs = [replace(t, max_work_s=None) for t in p.technicians]
    p = replace(p, technicians=techs, options=replace(p.options, engine="pyvrp"))
    solve_checked(p)
