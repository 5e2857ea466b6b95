from __future__ import annotations

from dataclasses import replace

import pytest

from crewboard.routing import Break, Fixed, TimeWindow
from crewboard.routing.solver import skill_ids, technician_skill_ids
from tests.routing.builders import (
    UNIT,
    H,
    M,
    job,
    order,
    place,
    problem,
    random_problem,
    solve_checked,
    tech,
)


def test_one_technician_three_jobs_on_a_line_in_order():
    p = problem([tech("a", 0, end=place(4))], [job("j3", 3), job("j1", 1), job("j2", 2)])
    plan = solve_checked(p)
    assert order(plan, "a") == ["j1", "j2", "j3"]
    r = plan.route_of("a")
    assert r is not None
    assert r.drive_s == 4 * UNIT
    assert r.work_s == 4 * UNIT + 3 * 30 * M
    assert plan.kpis["jobs_assigned"] == 3
    assert plan.kpis["total_drive_s"] == 4 * UNIT
    assert plan.unassigned == ()


def test_exclusive_skills_split_jobs_between_technicians():
    p = problem(
        [tech("a", 0, skills={"gas": 1}), tech("b", 0, skills={"elec": 1})],
        [job("g", 5, required_skills={"gas": 1}), job("e", 1, required_skills={"elec": 1})],
    )
    plan = solve_checked(p)
    assert order(plan, "a") == ["g"]
    assert order(plan, "b") == ["e"]


def test_skill_levels_at_least_required_level():
    ids = skill_ids(problem([], [job("x", 1, required_skills={"gas": 2})]))
    assert technician_skill_ids({"gas": 3}, ids) == {ids[("gas", 2)]}
    assert technician_skill_ids({"gas": 1}, ids) == set()
    p = problem(
        [tech("low", 1, skills={"gas": 1}), tech("high", 9, skills={"gas": 3})],
        [job("x", 1, required_skills={"gas": 2})],
    )
    plan = solve_checked(p)
    assert order(plan, "high") == ["x"]
    assert order(plan, "low") == []


def test_windows_force_the_longer_order():
    p = problem(
        [tech("a", 0, end=place(4))],
        [
            job("a1", 1, windows=[TimeWindow(10 * H, 11 * H)]),
            job("b3", 3, windows=[TimeWindow(8 * H, 9 * H)]),
        ],
    )
    plan = solve_checked(p)
    assert order(plan, "a") == ["b3", "a1"]
    stops = plan.route_of("a").stops  # type: ignore[union-attr]
    assert stops[1].start == 10 * H and stops[1].wait_s > 0


def test_second_window_used_when_first_cannot_be_reached():
    p = problem(
        [tech("a", 0)],
        [job("x", 5, windows=[TimeWindow(8 * H, 8 * H + 40 * M), TimeWindow(14 * H, 15 * H)])],
    )
    plan = solve_checked(p)
    assert plan.route_of("a").stops[0].start == 14 * H  # type: ignore[union-attr]


def test_lunch_break_is_taken_inside_its_window():
    lunch = Break([TimeWindow(12 * H, 13 * H)], 30 * M, "lunch")
    p = problem([tech("a", 0, breaks=[lunch])], [job(f"j{i}", i, 90 * M) for i in range(1, 5)])
    plan = solve_checked(p)
    r = plan.route_of("a")
    assert r is not None and len(r.stops) == 4
    assert [b.name for b in r.breaks] == ["lunch"]
    b = r.breaks[0]
    assert 12 * H <= b.start <= 13 * H and b.end - b.start == 30 * M
    for s in r.stops:  # no visit overlaps the break
        assert s.end <= b.start or s.start >= b.end


def test_emergency_wins_over_two_normal_jobs_when_only_one_fits():
    # Shift of 3 h: the emergency alone takes 2 h 40 min; both normal jobs
    # fit together, but never together with the emergency.
    p = problem(
        [tech("a", 0, shift_end=11 * H)],
        [job("n1", 1), job("n2", 1), job("em", 5, 60 * M, priority="emergency")],
    )
    plan = solve_checked(p)
    assert "em" in order(plan, "a")
    assert {u.job_id for u in plan.unassigned} == {"n1", "n2"}


def test_emergency_assigned_among_many_normal_jobs():
    jobs = [job(f"n{i}", 1 + i % 3, 45 * M) for i in range(24)]
    jobs.append(job("em", 8, 60 * M, priority="emergency"))
    p = problem([tech("a", 0), tech("b", 2)], jobs)
    plan = solve_checked(p)
    assert "em" in plan.assignment()
    assert plan.kpis["jobs_unassigned"] > 0  # the day really is overbooked


def test_pinned_job_stays_with_its_technician():
    p = problem([tech("a", 0), tech("b", 10)], [job("x", 9, pinned_to="a")])
    plan = solve_checked(p)
    assert plan.assignment() == {"x": "a"}


def test_fixed_job_in_progress_stays_and_route_continues_after_it():
    p = problem(
        [tech("a", 0), tech("b", 3)],
        [
            job("f", 2, 60 * M, fixed=Fixed("a", 8 * H)),
            job("j", 3),
            job("k", 2),
        ],
    )
    plan = solve_checked(p)
    r = plan.route_of("a")
    assert r is not None
    assert r.stops[0].job_id == "f" and r.stops[0].fixed and r.stops[0].start == 8 * H
    for s in r.stops[1:]:
        assert s.arrival >= 9 * H


def test_same_day_start_from_current_position():
    p = problem(
        [tech("a", 0, current_location=place(5), available_from=12 * H)],
        [job("x", 6)],
    )
    plan = solve_checked(p)
    s = plan.route_of("a").stops[0]  # type: ignore[union-attr]
    assert s.arrival == 12 * H + UNIT


def test_max_working_time_is_enforced_after_solving():
    p = problem([tech("a", 0, max_work_s=90 * M)], [job(f"j{i}", 1) for i in range(3)])
    plan = solve_checked(p)
    assert len(order(plan, "a")) == 2
    (u,) = plan.unassigned
    assert u.reason_code == "no_room"
    assert u.reason == (
        "No capable technician has room in their day (closest: A, would exceed the"
        " 1 h 30 min max working time by 20 min)"
    )


def test_capacity_limits_the_load():
    p = problem([tech("a", 0, capacity=5)], [job("x", 1, amount=3), job("y", 2, amount=3)])
    plan = solve_checked(p)
    assert len(order(plan, "a")) == 1
    assert "van full: load 3 + 3 is over capacity 5" in plan.unassigned[0].reason


def test_time_off_in_the_middle_of_the_day_is_respected():
    p = problem(
        [tech("a", 0, time_off=[TimeWindow(10 * H, 12 * H)])],
        [job(f"j{i}", i, 60 * M) for i in range(1, 6)],
    )
    plan = solve_checked(p)
    for s in plan.route_of("a").stops:  # type: ignore[union-attr]
        assert s.end <= 10 * H or s.start >= 12 * H


def test_unassigned_reasons_are_sentences():
    off = tech("c", 0, name="Cleo", skills={"roof": 1}, time_off=[TimeWindow(0, 24 * H)])
    p = problem(
        [tech("a", 0, name="Dana Kim", skills={"gas-cert": 1}), off],
        [
            job("g", 1, required_skills={"gas-cert": 2}, label="J-1"),
            job("w", 1, windows=[TimeWindow(6 * H, 7 * H)], label="J-2"),
            job("r", 1, required_skills={"roof": 1}, label="J-3"),
            job("p", 1, pinned_to="c", label="J-4"),
        ],
    )
    plan = solve_checked(p)
    got = {u.job_id: (u.reason_code, u.reason) for u in plan.unassigned}
    assert got == {
        "g": ("skill_missing", "No technician has the skill 'gas-cert' at level 2"),
        "w": ("window_unreachable", "Window 06:00-07:00 cannot be reached by any technician"),
        "r": ("technician_off", "Every technician with the required skills is off today"),
        "p": ("pinned_unavailable", "Pinned to Cleo, who is off today (time off)"),
    }


def test_repeatable_for_fixed_settings():
    # VROOM may break ties between equal-cost routes differently from call to
    # call inside one process, so compare what the plan achieves.
    jobs = [job(f"j{i}", (i * 7) % 20, 20 * M + i * M) for i in range(15)]
    p = problem([tech("a", 0), tech("b", 10), tech("c", 20)], jobs)
    kpis = [solve_checked(p).kpis for _ in range(3)]
    assert kpis[0] == kpis[1] == kpis[2]
    assert kpis[0]["total_drive_s"] == 16800


def test_warm_start_keeps_quality_and_tolerates_cancelled_jobs():
    jobs = [job(f"j{i}", (i * 7) % 20, 20 * M) for i in range(12)]
    p = problem([tech("a", 0), tech("b", 10)], jobs)
    cold = solve_checked(p)
    warm = solve_checked(p, initial=cold)
    assert warm.kpis["total_drive_s"] <= cold.kpis["total_drive_s"]
    fewer = replace(p, jobs=jobs[2:])
    again = solve_checked(fewer, initial=cold)
    assert again.kpis["jobs_assigned"] == 10


def test_every_technician_gets_a_route_even_when_idle():
    p = problem([tech("a", 0), tech("b", 10)], [])
    plan = solve_checked(p)
    assert [r.technician_id for r in plan.routes] == ["a", "b"]
    assert all(r.stops == () for r in plan.routes)


@pytest.mark.parametrize("seed", range(0, 400, 16))
def test_random_days_are_feasible_and_every_drop_is_explained(seed):
    p = random_problem(seed)
    plan = solve_checked(p)
    assert all(u.reason and u.reason_code for u in plan.unassigned)
    assert plan.kpis["jobs_assigned"] + plan.kpis["jobs_unassigned"] == len(p.jobs)
    solve_checked(p, initial=plan)


def test_time_limit_keeps_the_level_when_construction_fits():
    from crewboard.routing.solver import construction_s, search_settings

    assert search_settings(1600, None, 5) == (5, None)
    level, timeout = search_settings(400, 10.0, 5, elapsed_s=0.2)
    assert level == 5
    assert timeout == pytest.approx(10.0 - 0.2 - construction_s(400, 5))
    level, timeout = search_settings(1600, 30.0, 5)
    assert level == 5 and timeout == pytest.approx(30.0 - construction_s(1600, 5))


def test_time_limit_lowers_the_level_on_big_days_and_leaves_the_search_some_time():
    from crewboard.routing.solver import CONSTRUCTION_SHARE, construction_s, search_settings

    level, timeout = search_settings(1600, 10.0, 5)
    assert 1 < level < 5
    assert construction_s(1600, level) <= CONSTRUCTION_SHARE * 10.0
    assert construction_s(1600, level + 1) > CONSTRUCTION_SHARE * 10.0
    assert timeout == pytest.approx(10.0 - construction_s(1600, level))
    level, timeout = search_settings(1600, 1.0, 5)
    assert level == 1 and timeout == pytest.approx(0.05)  # the floor: 5% of the limit
    assert search_settings(1600, 1.0, 5, threads=4)[0] == 1
    assert search_settings(20, 0.1, 3) == (3, pytest.approx(0.1 - construction_s(20, 3)))


def test_solve_passes_vroom_the_chosen_level_and_timeout(monkeypatch):
    from crewboard.routing import solver

    seen = {}
    run = solver._run_vroom

    def spy(inp, problem, model):
        out = run(inp, problem, model)
        seen["settings"] = (model.exploration, model.timeout_s)
        return out

    monkeypatch.setattr(solver, "_run_vroom", spy)
    p = problem([tech("a", 0)], [job("x", 3), job("y", 5)], time_limit_s=2.0, engine="vroom")
    solver.solve(p)
    level, timeout = seen["settings"]
    assert level == 5 and 0 < timeout < 2.0


def test_only_technicians_with_pinned_jobs_get_a_private_skill(monkeypatch):
    from crewboard.routing import solver

    seen: dict[int, set[int]] = {}
    real = solver.vroom.Vehicle

    def spy(vid, **kw):
        seen[vid] = set(kw["skills"])
        return real(vid, **kw)

    monkeypatch.setattr(solver.vroom, "Vehicle", spy)
    p = problem(
        [tech("a", 0), tech("b", 1), tech("c", 2)],
        [job("x", 3, pinned_to="b"), job("y", 4)],
    )
    solver._build(p, None)
    assert seen[1] == seen[3] == set()  # a and c are interchangeable for VROOM
    assert len(seen[2]) == 1
    plan = solve_checked(p)
    assert "x" in order(plan, "b")
