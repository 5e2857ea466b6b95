"""Where day optimization runs: warm worker processes, not the caller's process.

A solve holds the GIL for its whole search and a native solver can wedge, so
``planning`` hands every solve and re-plan to :class:`~crewboard.routing.worker.SolverPool`
(see that module for the stall watchdog). ``solver_processes = 0`` in the
settings runs them in the calling process instead (debugging, profiling).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from crewboard.routing.worker import SolverPool

T = TypeVar("T")

DEFAULT_PROCESSES = 2
_lock = threading.Lock()
_size = DEFAULT_PROCESSES
_pool: SolverPool | None = None


def configure_engine(processes: int) -> None:
    """Use ``processes`` worker processes from now on (0: solve in-process).

    The workers belong to the process, not to one app: they outlive an app's
    shutdown (tests start many apps) and exit when this process does.
    """
    global _size, _pool
    processes = max(0, processes)
    with _lock:
        if processes == _size:
            return
        old, _pool, _size = _pool, None, processes
    if old is not None:
        old.close()


def _current() -> SolverPool | None:
    global _pool
    with _lock:
        if _pool is None and _size > 0:
            _pool = SolverPool(_size)
        return _pool


def run_engine(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` for a pure ``routing`` function, in a solver worker."""
    pool = _current()
    if pool is None:
        return fn(*args, **kwargs)
    return pool.run(fn, *args, **kwargs)


def warm_engine() -> None:
    """Start one worker now, so the first Optimize does not wait for its imports."""
    pool = _current()
    if pool is not None:
        pool.warm()


@atexit.register
def stop_engine() -> None:
    """Stop the idle workers (a busy one ends with its task: its pipe closes)."""
    with _lock:
        pool = _pool
    if pool is not None:
        pool.close()


class SolverWorkers:
    """Server service: the configured workers, one started at once so the first
    Optimize does not wait for its imports. They end with the process, not the app."""

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def start(self) -> None:
        configure_engine(self.processes)
        threading.Thread(target=warm_engine, name="crewboard-engine-warm", daemon=True).start()

    def stop(self) -> None:
        """Nothing to stop here: tests start many apps in one process (see configure_engine)."""
