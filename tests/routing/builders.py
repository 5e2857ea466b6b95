"""Tiny named instances for routing tests.

Everything sits on a line: place ``x`` is ``Location(0, x / 100, index=x)`` and
driving one unit takes 10 minutes (``UNIT``), so expected times are easy to
work out by hand. The origin is midnight UTC, so relative seconds read as
clock times (``H * 9`` is 09:00).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from crewboard.routing import (
    Job,
    Location,
    MatrixModel,
    Options,
    Plan,
    Problem,
    Technician,
    check_plan,
    solve,
)

ORIGIN = datetime(2026, 11, 25, tzinfo=UTC)
H = 3600
M = 60
UNIT = 600
N = 30


def place(x: int) -> Location:
    return Location(0.0, x / 100, index=x)


def line_matrix(n: int = N) -> MatrixModel:
    idx = np.arange(n)
    m = np.abs(idx[:, None] - idx[None, :]) * UNIT
    return MatrixModel(m, [place(i) for i in range(n)])


def tech(tid: str, x: int = 0, **kw) -> Technician:
    kw.setdefault("shift_start", 8 * H)
    kw.setdefault("shift_end", 17 * H)
    return Technician(tid, kw.pop("name", tid.capitalize()), place(x), **kw)


def job(jid: str, x: int, service_s: int = 30 * M, **kw) -> Job:
    return Job(jid, place(x), service_s, **kw)


def problem(techs, jobs, **opts) -> Problem:
    opts.setdefault("time_limit_s", None)
    return Problem(ORIGIN, techs, jobs, Options(**opts), line_matrix())


def solve_checked(p: Problem, initial: Plan | None = None) -> Plan:
    """Solve and assert the independent checker finds nothing wrong."""
    plan = solve(p, initial=initial)
    violations = check_plan(p, plan)
    assert violations == [], violations
    return plan


def order(plan: Plan, tech_id: str) -> list[str]:
    r = plan.route_of(tech_id)
    assert r is not None
    return list(r.job_ids)
