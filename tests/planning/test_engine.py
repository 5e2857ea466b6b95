"""Optimize runs in the solver workers; a stuck engine is a clear 503, not a hang."""

from __future__ import annotations

import os

import pytest

from crewboard.auth.actor import Role
from crewboard.planning import engine
from crewboard.planning.engine import configure_engine, run_engine
from crewboard.routing.worker import SolverPool
from tests.conftest import DAY, World


def test_the_engine_runs_outside_the_calling_process() -> None:
    assert run_engine(os.getpid) != os.getpid()


def test_zero_processes_solves_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_pool", None)
    monkeypatch.setattr(engine, "_size", 2)
    configure_engine(0)
    assert run_engine(os.getpid) == os.getpid()


def test_optimize_answers_503_when_the_engine_is_stuck(world: World,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    world.tech("Dana Kim")
    world.job(windows=[("09:00", "11:00")])
    stuck = SolverPool(1, cap_s=0.01)  # every solve "runs too long"
    monkeypatch.setattr(engine, "_pool", stuck)
    try:
        r = world.api(Role.dispatcher).post("/planning/optimize",
                                            json={"date": DAY.isoformat(), "time_limit_s": 1})
    finally:
        stuck.close()
    assert r.status_code == 503, r.text
    err = r.json()["error"]
    assert err["code"] == "solver_stalled" and "try again" in err["message"]
