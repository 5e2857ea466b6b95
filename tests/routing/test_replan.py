from __future__ import annotations

from dataclasses import replace

from crewboard.routing import Fixed, Plan, TimeWindow, check_plan, diff_plans, replan
from crewboard.routing.timing import TravelTable, schedule, tech_days
from tests.routing.builders import UNIT, H, M, job, place, problem, solve_checked, tech


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


def test_a_booked_job_whose_window_passed_stays_planned_and_late() -> None:
    """Nobody can start 'late' inside 08:00-10:00 once the crew is free at 10:30."""
    jobs = [job("late", 2, 30 * M, windows=[TimeWindow(8 * H, 10 * H)]),
            job("ok", 3, 30 * M, windows=[TimeWindow(8 * H, 17 * H)]),
            job("queue", 4, 30 * M, windows=[TimeWindow(8 * H, 9 * H)])]  # never booked
    morning = problem([tech("a", 0)], jobs)
    current = solve_checked(replace(morning, jobs=jobs[:2]))
    now = 10 * H + 30 * M
    p = replace(morning, technicians=[tech("a", 0, available_from=now)])
    out = replan(p, current)
    stop = out.stop_of("late")
    assert stop is not None and stop.start >= now
    assert stop.late_s == stop.end - 10 * H  # its lateness against the real window
    assert out.stop_of("ok") is not None and out.stop_of("ok").late_s == 0
    assert [u.job_id for u in out.unassigned] == ["queue"]
    assert out.kpis["late_count"] == 1
    # the independent checker sees exactly that lateness, nothing else
    assert check_plan(p, out) and all("late" in v for v in check_plan(p, out))


def test_resequencing_one_technician_still_drops_an_overdue_job() -> None:
    """A one-technician re-sequence keeps the rules: the repair then says it cannot help."""
    jobs = [job("late", 2, 30 * M, windows=[TimeWindow(8 * H, 10 * H)]), job("ok", 3)]
    current = solve_checked(problem([tech("a", 0), tech("b", 9)], jobs))
    p = problem([tech("a", 0, available_from=11 * H), tech("b", 9, available_from=11 * H)], jobs)
    out = replan(p, current, technician_id=current.assignment()["late"])
    assert [u.job_id for u in out.unassigned] == ["late"]


def test_an_overdue_job_never_pushes_out_work_that_can_be_on_time() -> None:
    """Room for one more visit: the queued on-time job gets it, the overdue one waits."""
    jobs = [job("overdue", 1, 3 * H, windows=[TimeWindow(8 * H, 11 * H + 30 * M)]),
            job("queued", 1, 3 * H, windows=[TimeWindow(13 * H, 17 * H)])]
    current = solve_checked(problem([tech("a", 0)], jobs[:1]))
    p = problem([tech("a", 0, available_from=13 * H)], jobs)
    out = replan(p, current)
    assert out.stop_of("queued") is not None and out.stop_of("queued").late_s == 0
    assert [u.job_id for u in out.unassigned] == ["overdue"]


def test_a_booked_job_nobody_can_reach_in_its_window_is_kept_late_never_early() -> None:
    """Window 12:00-12:30 still open at 11:50, but 'a' is busy until 12:40."""
    jobs = [job("tight", 5, 30 * M, windows=[TimeWindow(12 * H, 13 * H)]),
            job("afternoon", 6, 30 * M, windows=[TimeWindow(15 * H, 17 * H)])]
    current = solve_checked(problem([tech("a", 0)], jobs))
    p = problem([tech("a", 4, available_from=12 * H + 40 * M)], jobs)
    out = replan(p, current)
    tight, later = out.stop_of("tight"), out.stop_of("afternoon")
    assert tight is not None and tight.late_s > 0 and out.unassigned == ()
    assert later is not None and later.start >= 15 * H and later.late_s == 0


def test_a_booked_job_the_search_drops_for_its_window_is_kept_late() -> None:
    """Still open at 12:00 (start by 12:30), but 100 min away: kept, late, not dropped."""
    jobs = [job("far", 10, 30 * M, windows=[TimeWindow(12 * H, 13 * H)])]
    current = solve_checked(problem([tech("a", 9)], jobs))
    p = problem([tech("a", 0, available_from=12 * H)], jobs)
    out = replan(p, current)
    far = out.stop_of("far")
    assert far is not None and far.start == 12 * H + 10 * UNIT and far.late_s > 0
    assert out.kpis["late_count"] == 1 and out.unassigned == ()
