from __future__ import annotations

from crewboard.routing import Fixed, TimeWindow
from crewboard.routing.sequence import plan_from_sequences
from tests.routing.builders import H, M, job, problem, tech


def test_people_made_order_is_timed_and_lateness_shown():
    p = problem(
        [tech("a", 0)],
        [
            job("far", 9),
            job("early", 1, windows=[TimeWindow(8 * H, 9 * H)]),
            job("loose", 2),
            job("done", 1, fixed=Fixed("a", 8 * H)),
        ],
    )
    plan = plan_from_sequences(p, {"a": ["far", "early", "done"]})
    r = plan.route_of("a")
    assert r is not None and r.job_ids == ("done", "far", "early")
    late = plan.stop_of("early")
    assert late is not None and late.late_s == late.end - 9 * H > 0
    assert plan.kpis["late_count"] == 1
    assert [(u.job_id, u.reason_code) for u in plan.unassigned] == [("loose", "not_planned")]
    assert r.stops[1].arrival == 8 * H + 30 * M + 80 * M
