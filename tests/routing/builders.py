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


def random_problem(seed: int) -> Problem:
    """A small random day using every feature (for fuzz-style tests)."""
    import random

    from crewboard.routing import Break, Fixed, TimeWindow

    r = random.Random(seed)
    nt, nj = r.randint(1, 4), r.randint(0, 14)
    techs = []
    for i in range(nt):
        kw: dict = {}
        if r.random() < 0.5:
            kw["breaks"] = [Break([TimeWindow(r.randint(11, 12) * H, 13 * H)], 30 * M, "lunch")]
        if r.random() < 0.3:
            s = r.randint(9, 15) * H
            kw["time_off"] = [TimeWindow(s, s + r.randint(1, 3) * H)]
        if r.random() < 0.3:
            kw["max_work_s"] = r.randint(2, 7) * H
        if r.random() < 0.3:
            kw["capacity"] = r.randint(2, 10)
        if r.random() < 0.3:
            kw["end"] = place(r.randint(0, 20))
        if r.random() < 0.2:
            kw["current_location"] = place(r.randint(0, 20))
            kw["available_from"] = r.randint(8, 13) * H
        kw["skills"] = {"gas": r.randint(0, 3)} if r.random() < 0.6 else {}
        techs.append(
            tech(
                f"t{i}",
                r.randint(0, 20),
                shift_start=r.choice([7, 8, 9]) * H,
                shift_end=r.choice([15, 16, 17, 18]) * H,
                **kw,
            )
        )
    jobs = []
    for i in range(nj):
        kw = {}
        svc = r.choice([15, 30, 45, 60, 90]) * M
        if r.random() < 0.5:
            s = r.randint(7, 15) * H
            wins = [TimeWindow(s, s + r.randint(2, 3) * H)]
            if r.random() < 0.3:
                s2 = wins[-1].end + r.randint(0, 2) * H
                wins.append(TimeWindow(s2, s2 + 2 * H))
            kw["windows"] = wins
        if r.random() < 0.3:
            kw["required_skills"] = {"gas": r.randint(1, 3)}
        kw["priority"] = r.choice(["low", "normal", "normal", "high", "emergency"])
        if r.random() < 0.1:
            kw["pinned_to"] = f"t{r.randrange(nt)}"
        if r.random() < 0.1:
            kw["fixed"] = Fixed(f"t{r.randrange(nt)}", r.randint(8, 12) * H)
        if r.random() < 0.3:
            kw["amount"] = r.randint(0, 4)
        jobs.append(job(f"j{i}", r.randint(0, 20), svc, **kw))
    return problem(techs, jobs, exploration=r.choice([1, 3, 5]))
