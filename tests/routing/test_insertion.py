from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crewboard.routing import Break, DayState, Job, Plan, Route, TimeWindow, rank_technicians
from crewboard.routing.timing import TravelTable, schedule, tech_days
from tests.routing.builders import H, M, job, place, problem, tech


def _route(p, tech_id: str, job_ids: list[str]) -> Route:
    days = tech_days(p)
    timed = schedule(days[tech_id], [p.job(j) for j in job_ids], TravelTable(p))
    return timed.route


def _plan(p, routes: dict[str, list[str]]) -> Plan:
    return Plan(tuple(_route(p, t, ids) for t, ids in routes.items()))


def _by_tech(cands):
    return {c.technician_id: c for c in cands}


J1031 = job("b", 2, 30 * M, windows=[TimeWindow(8 * H, 9 * H)], label="J-1031")


def test_feasible_candidate_explains_drive_eta_and_window():
    p = problem([tech("d", 0, name="Dana Kim")], [job("r", 2)])
    plan = _plan(p, {"d": ["r"]})
    new = job("n", 3, windows=[TimeWindow(10 * H, 12 * H)])
    (c,) = rank_technicians(p, new, plan)
    assert c.feasible and c.position == 1
    assert c.extra_drive_s == 20 * M
    assert c.reason == "adds 20 min drive, arrives 09:00, waits 1 h 00 min for window 10:00-12:00"
    assert c.window_fit == "waits" and c.skill_fit == "ok" and c.jobs == 1

    inside = job("n", 3, windows=[TimeWindow(8 * H, 12 * H)])
    (c,) = rank_technicians(p, inside, plan)
    assert c.reason == "adds 20 min drive, arrives 08:30, inside window 08:00-12:00"
    assert c.position == 0 and c.eta == 8 * H + 30 * M


def test_skill_and_time_off_explanations():
    p = problem(
        [
            tech("a", 0, name="Ann", skills={}),
            tech("b", 0, name="Bo", skills={"gas-cert": 1}),
            tech("c", 0, name="Cy", skills={"gas-cert": 2}, time_off=[TimeWindow(0, 24 * H)]),
            tech("e", 5, name="Eve", skills={"gas-cert": 3}),
        ],
        [],
    )
    new = job("n", 4, required_skills={"gas-cert": 2})
    cands = rank_technicians(p, new)
    by = _by_tech(cands)
    assert by["a"].reason == "no gas-cert" and by["a"].skill_fit == "missing"
    assert by["b"].reason == "gas-cert level 1, needs 2"
    assert by["b"].skill_fit == "level too low"
    assert by["c"].reason == "off today (time off)"
    assert cands[0].technician_id == "e" and cands[0].feasible
    assert [c.feasible for c in cands] == [True, False, False, False]


def test_would_make_another_job_late():
    p = problem([tech("d", 0)], [J1031])
    plan = _plan(p, {"d": ["b"]})
    new = job("n", 1, 35 * M, windows=[TimeWindow(8 * H, 8 * H + 45 * M)])
    (c,) = rank_technicians(p, new, plan)
    assert not c.feasible
    assert c.reason == "would make J-1031 late by 25 min"


def test_ends_shift_before_the_job_could_finish():
    p = problem([tech("d", 0)], [])
    new = job("n", 5, 60 * M, windows=[TimeWindow(16 * H, 18 * H)])
    (c,) = rank_technicians(p, new)
    assert c.reason == "ends shift at 17:00 before the job could finish"


def test_window_cannot_be_reached():
    p = problem([tech("d", 0)], [])
    new = job("n", 5, 30 * M, windows=[TimeWindow(7 * H, 8 * H + 30 * M)])
    (c,) = rank_technicians(p, new)
    assert c.reason == (
        "cannot reach window 07:00-08:30 (earliest arrival 08:50, would finish 50 min late)"
    )


def test_pinned_elsewhere_and_nearest_first():
    p = problem([tech("a", 0, name="Ann"), tech("b", 9, name="Bo")], [])
    cands = rank_technicians(p, job("n", 8))
    assert [c.technician_id for c in cands] == ["b", "a"]
    cands = rank_technicians(p, job("n", 8, pinned_to="a"))
    assert _by_tech(cands)["b"].reason == "job is pinned to Ann"
    assert cands[0].technician_id == "a"


def test_same_day_queries_start_from_current_position():
    p = problem([tech("a", 0, current_location=place(6), available_from=13 * H)], [])
    (c,) = rank_technicians(p, job("n", 7))
    assert c.eta == 13 * H + 10 * M


def test_day_state_is_reused_and_updated_per_technician():
    p = problem([tech("a", 0), tech("b", 10)], [job("x", 1), job("y", 9), job("big", 1, 8 * H)])
    state = DayState(p, _plan(p, {"a": ["x"], "b": ["y"]}))
    first = state.rank(job("n", 2))
    assert first[0].technician_id == "a"
    state.update(_route(p, "a", ["x", "big"]))
    assert state.rank(job("n", 2))[0].technician_id == "b"


def test_limit_returns_best_only():
    p = problem([tech(f"t{i}", i) for i in range(6)], [])
    assert [c.technician_id for c in rank_technicians(p, job("n", 5), limit=2)] == ["t5", "t4"]


@st.composite
def _routes(draw):
    n = draw(st.integers(0, 5))
    jobs = []
    for i in range(n):
        x = draw(st.integers(0, 12))
        svc = draw(st.sampled_from([15, 30, 60])) * M
        if draw(st.booleans()):
            s = draw(st.integers(8, 15)) * H
            jobs.append(job(f"j{i}", x, svc, windows=[TimeWindow(s, s + 2 * H)]))
        else:
            jobs.append(job(f"j{i}", x, svc))
    x = draw(st.integers(0, 12))
    s = draw(st.integers(7, 16)) * H
    new = job(
        "new",
        x,
        draw(st.sampled_from([15, 45, 90])) * M,
        windows=[TimeWindow(s, s + draw(st.sampled_from([2, 3])) * H)],
    )
    return jobs, new


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_routes())
def test_constant_time_check_agrees_with_full_retiming(data):
    jobs, new = data
    p = problem([tech("a", 0, end=place(3))], [*jobs, new])
    days = tech_days(p)
    table = TravelTable(p)
    base = schedule(days["a"], jobs, table)
    assume(base.feasible)
    (c,) = rank_technicians(p, new, Plan((base.route,)))
    brute = [schedule(days["a"], [*jobs[:i], new, *jobs[i:]], table) for i in range(len(jobs) + 1)]
    assert c.feasible == any(t.feasible for t in brute)
    if c.feasible:
        t = brute[c.position]
        assert t.feasible
        assert t.route.stops[c.position].arrival == c.eta
        assert t.route.drive_s - base.route.drive_s == c.extra_drive_s


def test_jobs_not_in_problem_can_be_ranked():
    p = problem([tech("a", 0)], [])
    extra = Job("walk-in", place(2), 600)
    (c,) = rank_technicians(p, extra)
    assert c.feasible and c.eta == 8 * H + 20 * M


def test_limited_ranking_matches_the_full_ranking():
    techs = [tech(f"t{i}", i, skills={"gas": i % 3}) for i in range(12)]
    p = problem(techs, [job(f"b{i}", i, 3 * H) for i in range(0, 12, 2)])
    plan = _plan(p, {f"t{i}": [f"b{i}"] for i in range(0, 12, 2)})
    new = job("n", 5, required_skills={"gas": 1})
    full = rank_technicians(p, new, plan)
    for k in (1, 3, 12):
        assert rank_technicians(p, new, plan, limit=k) == full[:k]


@settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_routes(), st.integers(0, 5), st.integers(10, 14), st.sampled_from([0, 1, 2]))
def test_breaks_during_the_drive_are_evaluated_exactly(data, at, lunch_h, span_h):
    jobs, new = data
    lunch = Break([TimeWindow(lunch_h * H, (lunch_h + span_h) * H)], 30 * M, "lunch")
    p = problem([tech("a", 0, end=place(3), breaks=[lunch])], [*jobs, new])
    days = tech_days(p)
    table = TravelTable(p)
    elements = [*jobs[:at], lunch, *jobs[at:]]
    base = schedule(days["a"], elements, table)
    assume(base.feasible)
    (c,) = rank_technicians(p, new, Plan((base.route,)))
    brute = [
        schedule(days["a"], [*elements[:i], new, *elements[i:]], table)
        for i in range(len(elements) + 1)
    ]
    assert c.feasible == any(t.feasible for t in brute)
    if c.feasible:
        etas = {
            t.route.stops[c.position].arrival
            for t in brute
            if t.feasible and t.route.stops[c.position].job_id == "new"
        }
        assert c.eta in etas


def test_routes_that_are_already_late_do_not_break_ranking():
    lunch = Break([TimeWindow(12 * H, 13 * H)], 30 * M, "lunch")
    p = problem(
        [tech("a", 0, breaks=[lunch]), tech("b", 5)],
        [job("x", 9, windows=[TimeWindow(8 * H, 8 * H + 40 * M)], label="J-X"), job("y", 1)],
    )
    days, table = tech_days(p), TravelTable(p)
    late = schedule(days["a"], [p.job("y"), p.job("x"), lunch], table)
    assert not late.feasible
    cands = _by_tech(rank_technicians(p, job("n", 2), Plan((late.route,))))
    assert cands["b"].feasible
    # Before the late visit nothing fits; after it the insertion adds no new lateness.
    assert cands["a"].position == 2


def test_limited_ranking_matches_the_full_ranking_on_random_days():
    from dataclasses import replace

    from tests.routing.builders import random_problem, solve_checked

    for seed in range(12):
        p = random_problem(seed)
        state = DayState(p, solve_checked(p))
        for j in p.jobs:
            q = replace(j, id=f"q-{j.id}", fixed=None)
            full = state.rank(q)
            keys = [(not c.feasible, c.score) for c in full]
            assert keys == sorted(keys)
            for k in range(1, len(full) + 1):
                assert state.rank(q, k) == full[:k]


def test_sentences_are_written_on_read_and_describe_the_query():
    p = problem(
        [tech("a", 0, name="Ann"), tech("b", 9, name="Bo")],
        [job("x", 1), job("y", 8), job("big", 2, 8 * H)],
    )
    state = DayState(p, _plan(p, {"a": ["x"], "b": ["y"]}))
    new = job("n", 2)
    cands = state.rank(new)
    assert not any(isinstance(c._why, str) for c in cands)  # nothing formatted yet
    expected = [c.reason for c in DayState(p, _plan(p, {"a": ["x"], "b": ["y"]})).rank(new)]
    state.update(_route(p, "a", ["x", "big"]))  # later changes do not leak into old answers
    assert [c.reason for c in cands] == expected
    assert isinstance(cands[0]._why, str)
    assert cands[0].reason.startswith("adds ")
    assert "reason='adds " in repr(cands[0])
    assert cands == DayState(p, _plan(p, {"a": ["x"], "b": ["y"]})).rank(new)
    assert len({*cands, *cands}) == len(cands)
