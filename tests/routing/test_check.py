from __future__ import annotations

from dataclasses import replace

from crewboard.routing import Break, Fixed, Plan, TimeWindow, Unassigned, check_plan
from crewboard.routing.check import assert_feasible
from crewboard.routing.timing import TravelTable, place_breaks, schedule, tech_days
from tests.routing.builders import H, M, job, problem, solve_checked, tech

LUNCH = Break([TimeWindow(12 * H, 13 * H)], 30 * M, "lunch")


def _manual(p, routes: dict[str, list[str]], unassigned=()) -> Plan:
    days, table = tech_days(p), TravelTable(p)
    rs = []
    for t in p.technicians:
        els = place_breaks([p.job(j) for j in routes.get(t.id, [])], days[t.id].breaks, ())
        rs.append(schedule(days[t.id], els, table).route)
    return Plan(tuple(rs), tuple(Unassigned(j, "x", "x") for j in unassigned))


def _one(violations: list[str], needle: str) -> None:
    assert any(needle in v for v in violations), violations


def test_solver_plan_is_clean():
    p = problem(
        [tech("a", 0, breaks=[LUNCH], capacity=10), tech("b", 5, skills={"gas": 2})],
        [job(f"j{i}", i, 60 * M, amount=2) for i in range(1, 8)]
        + [job("g", 4, required_skills={"gas": 1})],
    )
    plan = solve_checked(p)
    assert_feasible(p, plan)


def test_window_missed_and_time_arithmetic():
    p = problem([tech("a")], [job("x", 2, windows=[TimeWindow(8 * H, 9 * H)], label="J-1")])
    plan = _manual(p, {"a": ["x"]})
    assert check_plan(p, plan) == []
    r = plan.routes[0]
    s = r.stops[0]
    late = replace(s, arrival=9 * H, start=9 * H, end=9 * H + 30 * M)
    v = check_plan(p, replace(plan, routes=(replace(r, stops=(late,)),)))
    _one(v, "job J-1 at 32400-34200 is outside its windows")
    early = replace(s, arrival=8 * H, start=8 * H, end=8 * H + 30 * M)
    v = check_plan(p, replace(plan, routes=(replace(r, stops=(early,)),)))
    _one(v, "arrival 28800 is before 30000 (previous end + travel + breaks)")


def test_shift_exceeded():
    p = problem([tech("a", 0, shift_end=9 * H)], [job("x", 5, 60 * M)])
    v = check_plan(p, _manual(p, {"a": ["x"]}))
    _one(v, "back at end location at 38400, after shift end 32400")


def test_skill_pin_capacity_and_max_work():
    p = problem(
        [tech("a", 0, name="Ann", capacity=3, max_work_s=60 * M), tech("b", 1)],
        [
            job("g", 1, required_skills={"gas": 2}, label="J-G", amount=2),
            job("p", 1, pinned_to="b", label="J-P", amount=2),
        ],
    )
    v = check_plan(p, _manual(p, {"a": ["g", "p"]}))
    _one(v, "Ann: job J-G needs 'gas' level 2")
    _one(v, "job J-P is pinned to b but on a")
    _one(v, "Ann: load 4 is over capacity 3")
    _one(v, "Ann: works 4800s, over max_work_s 3600")


def test_break_not_taken_and_outside_window():
    p = problem([tech("a", name="Ann", breaks=[LUNCH])], [job("x", 1)])
    plan = _manual(p, {"a": ["x"]})
    assert check_plan(p, plan) == []
    r = plan.routes[0]
    v = check_plan(p, replace(plan, routes=(replace(r, breaks=()),)))
    _one(v, "Ann: break 'lunch' not taken")
    moved = replace(r.breaks[0], start=14 * H, end=14 * H + 30 * M)
    v = check_plan(p, replace(plan, routes=(replace(r, breaks=(moved,)),)))
    _one(v, "break 'lunch' at 50400 is outside its window")


def test_served_twice_missing_and_fixed_moved():
    p = problem(
        [tech("a"), tech("b")],
        [job("x", 1, label="J-X"), job("y", 2, label="J-Y"), job("f", 3, fixed=Fixed("a", 9 * H))],
    )
    plan = _manual(p, {"a": ["x"], "b": ["x"]})
    v = check_plan(p, plan)
    _one(v, "job J-X is served twice")
    _one(v, "job J-Y is missing from the plan")
    a, b = plan.routes
    stolen = replace(plan, routes=(replace(a, stops=a.stops[1:]), replace(b, stops=a.stops[:1])))
    _one(check_plan(p, stolen), "fixed job f is not on technician a")
    both = _manual(p, {"a": ["y"]}, unassigned=["y", "x"])
    _one(check_plan(p, both), "job J-Y is both assigned and unassigned")
    assert "job J-X is unassigned" in check_plan(p, both, require_all=True)


def test_time_off_overlap():
    p = problem([tech("a", name="Ann", time_off=[TimeWindow(8 * H, 12 * H)])], [job("x", 1)])
    days = tech_days(p)
    no_off = replace(days["a"], start_time=8 * H)
    plan = Plan((schedule(no_off, [p.job("x")], TravelTable(p)).route,))
    _one(check_plan(p, plan), "Ann: job x overlaps time off 28800-43200")
