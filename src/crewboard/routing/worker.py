"""Run a solve in a worker process that can be watched and, if stuck, replaced.

Why not in the caller's process:

- pyvroom holds the GIL for the whole search, so a 30 s Optimize in the
  server froze every other request, live stream and background job of that
  process for 30 s;
- a native solver thread can wedge (a VROOM solve was once seen asleep in a
  ``std::thread::join`` with every thread idle) and nothing in-process can
  stop it.

Workers are fresh interpreters (``python -m crewboard.routing.worker``,
never a fork of a threaded web process, and never a re-run of the caller's
main script), keep running between solves (no start-up per call), and take
one task at a time over a socket pair. While a task runs, the caller polls
for the answer and checks the worker's CPU time: a search always burns CPU,
so a worker whose CPU clock has not moved for :data:`STALL_S` is stuck; it
is killed and the task is run once more in a fresh worker. :data:`HARD_CAP_S`
bounds a task that spins.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import psutil

from crewboard.routing.problem import ProblemError

log = logging.getLogger(__name__)

T = TypeVar("T")

STALL_S = 10.0
"""A worker whose CPU time has not moved for this long is stuck."""
POLL_S = 0.5
"""How often the caller looks at a running task's CPU time."""
HARD_CAP_S = 600.0
"""No task may run longer than this (a 5,000-job day with a 60 s limit took ~113 s)."""
RECYCLE_RSS_BYTES = 1 << 30
"""A worker that has grown past this (a 5,000-job day peaks near 1.4 GB) is
replaced after its task, so one big day does not keep its memory for good."""
PRELOAD = ("crewboard.routing", "crewboard.routing.solver", "crewboard.routing.pyvrp_engine",
           "crewboard.routing.replan")
"""Imported by a new worker before it says it is ready."""


class SolverStalled(ProblemError):
    """The engine stopped making progress twice in a row; the day was not planned."""

    def __init__(self, message: str) -> None:
        super().__init__("solver_stalled", message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (SolverStalled, (self.message,))


def _serve(conn: Connection) -> None:
    """Worker loop: run each task received, send back ``(ok, value)``."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    conn.send((True, "ready"))
    while True:
        try:
            fn, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            reply = (False, exc)
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - an unpicklable result or error
            conn.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


class _Stuck(Exception):
    """A worker stopped making progress, ran past the cap, or died."""


class _Worker:
    """One child process and its pipe."""

    def __init__(self) -> None:
        mine, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crewboard.routing.worker", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(mine.detach())
        self.ps = psutil.Process(self.proc.pid)
        self.ready = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def cpu_s(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(5)
        self.conn.close()

    def _reply(self, started: float, stall_s: float, cap_s: float) -> tuple[bool, Any]:
        last_move, last_cpu = started, self.cpu_s()
        try:
            while not self.conn.poll(min(POLL_S, max(0.0, started + cap_s - time.monotonic()))):
                now = time.monotonic()
                if not self.alive():
                    raise _Stuck(f"the solver process died (exit code {self.proc.returncode})")
                cpu = self.cpu_s()
                if cpu > last_cpu:
                    last_cpu, last_move = cpu, now
                elif now - last_move >= stall_s:
                    raise _Stuck(f"no progress for {now - last_move:.0f} s")
                if now - started >= cap_s:
                    raise _Stuck(f"still running after {cap_s:.0f} s")
            reply: tuple[bool, Any] = self.conn.recv()
        except (EOFError, OSError, psutil.Error) as exc:
            raise _Stuck(f"the solver process went away ({exc})") from None
        return reply

    def wait_ready(self, stall_s: float, cap_s: float) -> None:
        """Wait for the first answer, which says the imports are done."""
        if not self.ready:
            self._reply(time.monotonic(), stall_s, cap_s)
            self.ready = True

    def run(self, fn: Callable[..., Any], args: tuple, kwargs: dict, stall_s: float,
            cap_s: float) -> tuple[bool, Any]:
        """Run one task: ``(True, result)`` or ``(False, error raised by fn)``.

        Raises :class:`_Stuck` if the task stalls, passes ``cap_s`` or kills
        the worker.
        """
        self.wait_ready(stall_s, cap_s)
        try:
            self.conn.send((fn, args, kwargs))
        except OSError as exc:
            raise _Stuck(f"the solver process went away ({exc})") from None
        return self._reply(time.monotonic(), stall_s, cap_s)


class SolverPool:
    """Up to ``size`` warm worker processes; a task waits for a free one."""

    def __init__(self, size: int = 2, *, stall_s: float = STALL_S,
                 cap_s: float = HARD_CAP_S, recycle_rss: int = RECYCLE_RSS_BYTES) -> None:
        self.size, self.stall_s, self.cap_s = max(1, size), stall_s, cap_s
        self.recycle_rss = recycle_rss
        self._idle: list[_Worker] = []
        self._free = threading.BoundedSemaphore(self.size)
        self._lock = threading.Lock()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                w = self._idle.pop()
                if w.alive():
                    return w
            return _Worker()

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a worker; retried once in a new worker if it stalls.

        ``fn`` and its arguments must be picklable (module-level routing
        functions and routing dataclasses are). Errors raised by ``fn`` come
        back as they are; two stalls in a row raise :class:`SolverStalled`.
        """
        reason = ""
        with self._free:
            for attempt in (1, 2):
                w = self._take()
                try:
                    ok, value = w.run(fn, args, kwargs, self.stall_s, self.cap_s)
                except _Stuck as exc:
                    w.stop()
                    log.error("solver worker %s replaced (attempt %d): %s",
                              w.pid, attempt, exc)
                    reason = str(exc)
                    continue
                except BaseException:
                    w.stop()  # interrupted mid-task: its answer would reach the next caller
                    raise
                self._give_back(w)
                if not ok:
                    raise value
                return value  # type: ignore[no-any-return]
        raise SolverStalled(f"The planning engine stopped twice ({reason}); try again.")

    def _give_back(self, w: _Worker) -> None:
        try:
            big = w.ps.memory_info().rss > self.recycle_rss
        except psutil.Error:
            big = True
        if big:
            w.stop()
            return
        with self._lock:
            self._idle.append(w)

    def warm(self) -> None:
        """Start a worker and wait until its imports are done (if none is idle)."""
        with self._free:
            w = self._take()
            try:
                w.wait_ready(self.stall_s, self.cap_s)
            except _Stuck:
                w.stop()
                return
            self._give_back(w)

    def close(self) -> None:
        """Stop every idle worker (busy ones stop when their task ends)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for w in idle:
            w.stop()


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))
