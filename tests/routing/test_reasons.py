from __future__ import annotations

from crewboard.routing import Plan, TimeWindow
from crewboard.routing.reasons import explain_unassigned
from crewboard.routing.solver import empty_route
from crewboard.routing.timing import TravelTable, tech_days
from tests.routing.builders import H, M, job, problem, tech


def _why(techs, j):
    p = problem(techs, [j])
    days = tech_days(p)
    routes = tuple(empty_route(days[t.id]) for t in p.technicians)
    (u,) = explain_unassigned(p, days, TravelTable(p), Plan(routes).routes, [j])
    return u.reason_code, u.reason


def test_reasons_name_the_obstacle():
    assert _why([tech("a", skills={"gas": 1})], job("x", 1, required_skills={"gas": 2})) == (
        "skill_missing",
        "No technician has the skill 'gas' at level 2",
    )
    assert _why(
        [tech("a", skills={"gas": 1}), tech("b", skills={"elec": 1})],
        job("x", 1, required_skills={"gas": 1, "elec": 1}),
    ) == ("skill_missing", "No technician has all of the skills 'elec' level 1, 'gas' level 1")
    assert _why([tech("a", capacity=2)], job("x", 1, amount=3)) == (
        "capacity",
        "The job's amount 3 exceeds every capable van's capacity",
    )
    assert _why([tech("a", max_work_s=30 * M)], job("x", 1, 60 * M)) == (
        "max_work",
        "The job would exceed every capable technician's max working time",
    )
    assert _why([tech("a", shift_end=9 * H)], job("x", 5, 60 * M)) == (
        "shift_too_short",
        "The job does not fit in any capable technician's shift",
    )
    assert _why([tech("a")], job("x", 5, windows=[TimeWindow(6 * H, 8 * H + 30 * M)])) == (
        "window_unreachable",
        "Window 06:00-08:30 cannot be reached by any technician",
    )


def test_full_day_quotes_the_closest_technician():
    code, why = _why([tech("a", name="Ann")], job("x", 1))
    assert code == "no_room"
    assert why.startswith("No capable technician has room in their day (closest: Ann, adds")
