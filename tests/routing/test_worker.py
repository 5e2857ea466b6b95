"""Solves in a worker process: same answers, errors intact, stuck workers replaced."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from crewboard.routing import ProblemError, solve
from crewboard.routing.worker import SolverPool, SolverStalled
from tests.routing.builders import job, problem, random_problem, tech


@pytest.fixture
def pool() -> Iterator[SolverPool]:
    p = SolverPool(1, stall_s=1.0)
    yield p
    p.close()


def test_a_worker_plans_exactly_what_the_caller_would(pool: SolverPool) -> None:
    for seed in range(12):
        p = random_problem(seed)
        assert pool.run(solve, p) == solve(p)


def test_the_solve_runs_in_another_process_that_is_reused(pool: SolverPool) -> None:
    first = pool.run(os.getpid)
    assert first != os.getpid()
    assert pool.run(os.getpid) == first


def test_a_problem_error_comes_back_with_its_code_and_record(pool: SolverPool) -> None:
    bad = problem([tech("a", 0), tech("a", 1)], [job("j", 3)])  # duplicate_id
    with pytest.raises(ProblemError) as err:
        solve(bad)
    with pytest.raises(ProblemError) as remote:
        pool.run(solve, bad)
    assert (remote.value.code, remote.value.record, remote.value.field, str(remote.value)) == (
        err.value.code, err.value.record, err.value.field, str(err.value))


def test_a_worker_that_stops_using_cpu_is_replaced_and_the_task_retried_once(
        pool: SolverPool) -> None:
    stuck = pool.run(os.getpid)
    t0 = time.monotonic()
    with pytest.raises(SolverStalled) as err:
        pool.run(time.sleep, 60)  # asleep like a deadlocked solver thread
    assert time.monotonic() - t0 < 30
    assert err.value.code == "solver_stalled" and "no progress" in err.value.message
    after = pool.run(os.getpid)
    assert after != stuck
    p = random_problem(4)
    assert pool.run(solve, p) == solve(p)


def test_a_worker_that_dies_is_replaced(pool: SolverPool) -> None:
    with pytest.raises(SolverStalled) as err:
        pool.run(os._exit, 3)
    assert "exit code 3" in err.value.message or "went away" in err.value.message
    assert pool.run(sum, [1, 2, 3]) == 6


def test_a_task_that_spins_past_the_cap_is_stopped() -> None:
    pool = SolverPool(1, cap_s=1.0)
    try:
        with pytest.raises(SolverStalled) as err:
            pool.run(sum, range(10**12))
        assert "still running after 1 s" in err.value.message
    finally:
        pool.close()


def test_an_error_crosses_intact_and_the_worker_stays(pool: SolverPool) -> None:
    pid = pool.run(os.getpid)
    with pytest.raises(ZeroDivisionError):
        pool.run(divmod, 1, 0)
    assert pool.run(os.getpid) == pid


def test_a_worker_grown_past_the_memory_bound_is_replaced_after_its_task() -> None:
    pool = SolverPool(1, recycle_rss=1)  # every worker is "too big"
    try:
        first = pool.run(os.getpid)
        assert pool.run(os.getpid) != first
    finally:
        pool.close()
