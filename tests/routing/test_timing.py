from __future__ import annotations

from crewboard.routing import Break, Fixed, TimeWindow
from crewboard.routing.timing import TravelTable, schedule, tech_day, tech_days, visit_window
from tests.routing.builders import UNIT, H, M, job, place, problem, tech

LUNCH = Break([TimeWindow(12 * H, 13 * H)], 30 * M, "lunch")


def test_time_off_trims_the_day_or_becomes_a_fixed_break():
    d = tech_day(tech("a", time_off=[TimeWindow(6 * H, 9 * H), TimeWindow(16 * H, 20 * H)]))
    assert (d.start_time, d.end_time, d.breaks) == (9 * H, 16 * H, ())
    d = tech_day(tech("a", time_off=[TimeWindow(10 * H, 11 * H)]))
    assert [(b.name, b.windows[0].start, b.duration_s) for b in d.breaks] == [
        ("time off", 10 * H, H)
    ]
    d = tech_day(tech("a", time_off=[TimeWindow(0, 24 * H)]))
    assert not d.available and d.why == "off today (time off)"


def test_break_windows_avoid_time_off_and_the_past():
    d = tech_day(tech("a", breaks=[LUNCH], time_off=[TimeWindow(11 * H, 12 * H + 45 * M)]))
    lunch = next(b for b in d.breaks if b.name == "lunch")
    assert lunch.windows == (TimeWindow(12 * H + 45 * M, 13 * H),)
    d = tech_day(tech("a", breaks=[LUNCH], available_from=14 * H))
    assert d.breaks == ()
    d = tech_day(tech("a", breaks=[LUNCH], available_from=12 * H + 30 * M))
    assert d.breaks[0].windows == (TimeWindow(12 * H + 30 * M, 13 * H),)


def test_fixed_jobs_move_the_start():
    f = job("f", 3, 60 * M, fixed=Fixed("a", 9 * H))
    d = tech_day(tech("a"), [f])
    assert d.start_location == place(3) and d.start_time == 10 * H
    assert d.fixed_work_s == 60 * M


def test_visit_window_picks_first_fitting_window():
    j = job("x", 1, 30 * M, windows=[TimeWindow(8 * H, 9 * H), TimeWindow(13 * H, 14 * H)])
    assert visit_window(j, 8 * H + 10 * M)[0] == 8 * H + 10 * M
    assert visit_window(j, 8 * H + 40 * M)[0] == 13 * H
    start, w, late = visit_window(j, 13 * H + 50 * M)
    assert (start, late) == (13 * H + 50 * M, 20 * M) and w == TimeWindow(13 * H, 14 * H)


def test_break_can_be_taken_during_the_drive():
    p = problem([tech("a", breaks=[LUNCH])], [job("x", 1, 4 * H - 10 * M), job("y", 7)])
    days, table = tech_days(p), TravelTable(p)
    # x ends 11:10+... = 12:00 - 10 min + 10 min drive: ends at 12:00 exactly
    timed = schedule(days["a"], [p.job("x"), LUNCH, p.job("y")], table)
    assert timed.feasible
    x, y = timed.route.stops
    assert x.end == 12 * H
    (b,) = timed.route.breaks
    assert b.start == 12 * H and b.after_stops == 1
    assert y.arrival == 12 * H + 30 * M + 6 * UNIT


def test_schedule_reports_problems_instead_of_failing():
    p = problem([tech("a", shift_end=9 * H, max_work_s=H)], [job("x", 5, 60 * M)])
    timed = schedule(tech_days(p)["a"], [p.job("x")], TravelTable(p))
    assert not timed.feasible
    assert any("after shift end" in s for s in timed.problems)
    assert any("over max working time" in s for s in timed.problems)
