from __future__ import annotations

from crewboard.routing import (
    Break,
    Plan,
    TechStatus,
    TimeWindow,
    eta_changes,
    predict,
    predict_plan,
)
from crewboard.routing.timing import TravelTable, schedule, tech_days
from tests.routing.builders import H, M, job, place, problem, tech

X = job("x", 2, label="J-X")
Y = job("y", 4, windows=[TimeWindow(10 * H, 11 * H)], label="J-Y")


def _setup():
    p = problem([tech("a", 0, name="Ann")], [X, Y])
    route = schedule(tech_days(p)["a"], [X, Y], TravelTable(p)).route
    return p, route


def test_plan_times_are_what_we_expect():
    _, r = _setup()
    assert [(s.arrival, s.start) for s in r.stops] == [
        (8 * H + 20 * M, 8 * H + 20 * M),
        (9 * H + 10 * M, 10 * H),
    ]


def test_idle_at_start_predicts_the_plan():
    p, r = _setup()
    pred = predict(p, r, TechStatus("idle", now=8 * H, location=place(0)))
    assert [(e.arrival, e.start, e.delay_s) for e in pred.stops] == [
        (s.arrival, s.start, 0) for s in r.stops
    ]
    assert pred.risks == ()


def test_job_running_long_is_an_overrun_and_absorbed_by_waiting():
    p, r = _setup()
    pred = predict(
        p, r, TechStatus("on_site", now=9 * H + 30 * M, job_id="x", since=8 * H + 20 * M)
    )
    assert pred.stops[0].end == 9 * H + 30 * M
    assert pred.stops[1].arrival == 9 * H + 50 * M and pred.stops[1].start == 10 * H
    assert [(k.kind, k.message) for k in pred.risks] == [
        ("overrun", "J-X is running 40 min past its estimate")
    ]


def test_late_and_behind_schedule():
    p, r = _setup()
    pred = predict(
        p, r, TechStatus("on_site", now=10 * H + 20 * M, job_id="x", since=8 * H + 20 * M)
    )
    msgs = {k.kind: k.message for k in pred.risks}
    assert msgs["late"] == "J-Y is predicted to miss its window by 10 min (arrives 10:40)"
    assert msgs["behind"] == "Ann is 40 min behind schedule"
    late = next(k for k in pred.risks if k.kind == "late")
    assert late.job_id == "y" and late.seconds == 10 * M


def test_en_route_uses_current_position_or_given_eta():
    p, r = _setup()
    pred = predict(p, r, TechStatus("en_route", now=9 * H, job_id="y", location=place(3)))
    assert [e.job_id for e in pred.stops] == ["y"]
    assert pred.stops[0].arrival == 9 * H + 10 * M
    pred = predict(p, r, TechStatus("en_route", now=9 * H, job_id="y", eta=10 * H + 5 * M))
    assert pred.stops[0].start == 10 * H + 5 * M and pred.eta_of("y") == 10 * H + 5 * M


def test_overtime_risk():
    p, r = _setup()
    pred = predict(p, r, TechStatus("on_site", now=16 * H + 50 * M, job_id="y", since=10 * H))
    assert any(k.kind == "overtime" and "after the shift ends" in k.message for k in pred.risks)


def test_eta_changes_between_plan_and_prediction():
    p, r = _setup()
    plan = Plan((r,))
    pred = predict_plan(
        p, plan, {"a": TechStatus("on_site", now=10 * H + 20 * M, job_id="x", since=8 * H + 20 * M)}
    )["a"]
    changes = eta_changes(plan, pred, threshold_s=5 * M)
    assert [(c.job_id, c.delta_s) for c in changes] == [("y", 90 * M)]
    assert eta_changes(plan, plan) == []
    gone = eta_changes({"a": 100}, {"b": 200})
    assert {(c.job_id, c.before, c.after) for c in gone} == {("a", 100, None), ("b", None, 200)}


def test_prediction_matches_plan_timing_with_a_break_during_the_drive():
    lunch = Break([TimeWindow(12 * H, 13 * H)], 30 * M, "lunch")
    p = problem([tech("a", 0, breaks=[lunch])], [job("x", 1, 4 * H - 10 * M), job("y", 7)])
    route = schedule(tech_days(p)["a"], [p.job("x"), lunch, p.job("y")], TravelTable(p)).route
    pred = predict(p, route, TechStatus("idle", now=8 * H, location=place(0)))
    assert [(e.arrival, e.start) for e in pred.stops] == [(s.arrival, s.start) for s in route.stops]
    assert pred.end_time == route.end_time and pred.risks == ()
