from __future__ import annotations

from dataclasses import replace

from crewboard.routing import Fixed, Plan, TimeWindow, check_plan, diff_plans, replan
from crewboard.routing.timing import TravelTable, schedule, tech_days
from tests.routing.builders import H, M, job, place, problem, solve_checked, tech


def _manual(p, routes: dict[str, list[str]]) -> Plan:
    days, table = tech_days(p), TravelTable(p)
    rs = tuple(
        schedule(days[t.id], [p.job(j) for j in routes.get(t.id, [])], table).route
        for t in p.technicians
    )
    return Plan(rs, ())


def test_one_technician_is_resequenced_and_others_untouched():
    p = problem(
        [tech("a", 0, end=place(5)), tech("b", 10)],
        [job("x", 3), job("y", 1), job("z", 2), job("w", 11)],
    )
    current = _manual(p, {"a": ["x", "y", "z"], "b": ["w"]})
    new = replan(p, current, technician_id="a")
    assert check_plan(p, new) == []
    assert new.route_of("a").job_ids == ("y", "z", "x")  # type: ignore[union-attr]
    assert new.route_of("b") == current.route_of("b")
    d = diff_plans(current, new)
    assert d.resequenced == ("a",) and d.moves == () and d.added == () and d.dropped == ()
    assert d.kpis_after["total_drive_s"] < d.kpis_before["total_drive_s"]


def test_everyone_replan_keeps_done_and_in_progress_work():
    techs = [tech("a", 0), tech("b", 10)]
    jobs = [job(f"j{i}", i, 40 * M) for i in range(1, 10)]
    p = problem(techs, jobs)
    morning = solve_checked(p)
    # 10:00: b is sick; a finished j1 and is on j2 since 9:30.
    done = {"j1": Fixed("a", 8 * H + 10 * M), "j2": Fixed("a", 9 * H + 30 * M)}
    jobs2 = [replace(j, fixed=done.get(j.id)) for j in jobs]
    techs2 = [
        replace(techs[0], available_from=10 * H, current_location=None),
        replace(techs[1], time_off=[TimeWindow(10 * H, 24 * H)], shift_start=10 * H),
    ]
    now = replace(p, technicians=techs2, jobs=jobs2)
    new = replan(now, morning)
    assert check_plan(now, new) == []
    a = new.route_of("a")
    assert a is not None and a.job_ids[:2] == ("j1", "j2")
    assert a.stops[1].start == 9 * H + 30 * M and a.stops[1].fixed
    d = diff_plans(morning, new)
    assert not d.empty
    assert {m.to_technician for m in d.moves} <= {"a"}
    assert set(d.dropped) == {u.job_id for u in new.unassigned} & set(morning.assignment())


def test_diff_reports_moves_added_dropped():
    p = problem([tech("a", 0), tech("b", 10)], [job("x", 1), job("y", 2), job("z", 3)])
    before = _manual(p, {"a": ["x", "y"]})
    after = _manual(p, {"a": ["y"], "b": ["x", "z"]})
    d = diff_plans(before, after)
    assert [(m.job_id, m.from_technician, m.to_technician) for m in d.moves] == [("x", "a", "b")]
    assert d.added == ("z",) and d.dropped == () and d.resequenced == ()
    assert diff_plans(after, before).dropped == ("z",)
    assert diff_plans(before, before).empty
