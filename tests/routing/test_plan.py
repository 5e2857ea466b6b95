from __future__ import annotations

from crewboard.routing import Plan, Route, Stop, Unassigned, compute_kpis


def _plan() -> Plan:
    r1 = Route(
        "a",
        (Stop("x", 100, 150, 250, 100, 50), Stop("y", 300, 300, 400, 50, 0, 20)),
        0,
        500,
        250,
        450,
    )
    r2 = Route("b", (), 0, 0, 0, 0)
    un = (Unassigned("z", "skill_missing", "No technician has the skill 'gas' at level 1"),)
    return Plan((r1, r2), un, compute_kpis((r1, r2), un, {"a": 900, "b": 900}))


def test_kpis():
    k = _plan().kpis
    assert k == {
        "total_drive_s": 250,
        "total_work_s": 450,
        "total_wait_s": 50,
        "jobs_assigned": 2,
        "jobs_unassigned": 1,
        "late_count": 1,
        "technicians_used": 1,
        "utilization": {"a": 0.5, "b": 0.0},
    }


def test_lookups():
    p = _plan()
    assert p.assignment() == {"x": "a", "y": "a"}
    assert p.route_of("b") is not None and p.route_of("c") is None
    assert p.stop_of("y") is not None and p.stop_of("y").late_s == 20  # type: ignore[union-attr]
    assert p.routes[0].job_ids == ("x", "y") and p.routes[0].wait_s == 50
