from __future__ import annotations

from crewboard.routing.repair import (
    enforce_max_work,
    insert_unassigned,
    make_room_for_emergencies,
)
from crewboard.routing.solver import empty_route
from crewboard.routing.timing import TravelTable, schedule, tech_days
from tests.routing.builders import H, M, job, problem, tech


def test_max_work_drops_lowest_priority_first():
    p = problem(
        [tech("a", max_work_s=100 * M)],
        [job("e", 1, priority="emergency"), job("l", 1, priority="low"), job("n", 1)],
    )
    days, table = tech_days(p), TravelTable(p)
    full = schedule(days["a"], list(p.jobs), table).route
    (fixed,) = enforce_max_work(p, days, table, [full])
    assert fixed.job_ids == ("e", "n") and fixed.work_s <= 100 * M


def test_insert_unassigned_places_urgent_jobs_first():
    p = problem(
        [tech("a", shift_end=10 * H)],
        [job("n", 1, 60 * M), job("e", 2, 60 * M, priority="emergency")],
    )
    days, table = tech_days(p), TravelTable(p)
    routes = insert_unassigned(p, days, table, [empty_route(days["a"])], list(p.jobs))
    assert routes[0].job_ids == ("e",)


def test_emergency_bumps_the_least_urgent_job():
    p = problem(
        [tech("a", 0, shift_end=11 * H)],
        [
            job("n", 1, 100 * M),
            job("low", 1, 40 * M, priority="low"),
            job("em", 1, 60 * M, priority="emergency"),
        ],
    )
    days, table = tech_days(p), TravelTable(p)
    full = schedule(days["a"], [p.job("n"), p.job("low")], table).route
    routes, bumped = make_room_for_emergencies(p, days, table, [full], [p.job("em")])
    assert [j.id for j in bumped] == ["low"]
    assert set(routes[0].job_ids) == {"n", "em"}
