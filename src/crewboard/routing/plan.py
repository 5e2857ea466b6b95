"""The answer: frozen routes per technician, unassigned jobs with reasons, KPIs.

A :class:`Plan` is a proposal; nothing here knows whether it was applied.
All times are ``int`` seconds relative to the problem's origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Stop:
    """One visit on a route.

    ``arrival`` is when the van arrives, ``start``/``end`` the service,
    ``travel_s`` the drive from the previous place and ``wait_s`` the idle time
    before ``start``. ``late_s`` > 0 only in predictions (ETA) or checked
    manual plans: how far ``end`` is past the window.
    """

    job_id: str
    arrival: int
    start: int
    end: int
    travel_s: int
    wait_s: int
    late_s: int = 0
    fixed: bool = False


@dataclass(frozen=True)
class BreakSlot:
    """A break (or time-off block) placed on a route, after ``after_stops`` visits."""

    name: str
    start: int
    end: int
    after_stops: int


@dataclass(frozen=True)
class Route:
    """A technician's day.

    ``drive_s`` is total driving, ``work_s`` driving plus service (what
    ``max_work_s`` caps), ``start_time``/``end_time`` leaving the start and
    reaching the end location.
    """

    technician_id: str
    stops: tuple[Stop, ...]
    start_time: int
    end_time: int
    drive_s: int
    work_s: int
    breaks: tuple[BreakSlot, ...] = ()

    @property
    def job_ids(self) -> tuple[str, ...]:
        return tuple(s.job_id for s in self.stops)

    @property
    def wait_s(self) -> int:
        return sum(s.wait_s for s in self.stops)


@dataclass(frozen=True)
class Unassigned:
    """A job left out, with a stable ``reason_code`` and a sentence for people."""

    job_id: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """Routes, unassigned jobs and KPIs (see :func:`compute_kpis`).

    ``origin`` is the problem's origin, so a plan can be written out with
    real timestamps on its own. ``engine`` names the search that produced it
    (``"vroom"`` or ``"pyvrp"``; empty for plans people made), so the board,
    the CLI and the benchmarks can show which one ran.
    """

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...] = ()
    kpis: Mapping[str, Any] = field(default_factory=dict)
    origin: datetime | None = None
    engine: str = ""

    def route_of(self, technician_id: str) -> Route | None:
        for r in self.routes:
            if r.technician_id == technician_id:
                return r
        return None

    def assignment(self) -> dict[str, str]:
        """Job id to technician id for every assigned job."""
        return {s.job_id: r.technician_id for r in self.routes for s in r.stops}

    def stop_of(self, job_id: str) -> Stop | None:
        for r in self.routes:
            for s in r.stops:
                if s.job_id == job_id:
                    return s
        return None


def compute_kpis(
    routes: Sequence[Route],
    unassigned: Sequence[Unassigned],
    available_s: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The numbers a dispatcher compares between two plans.

    Parameters
    ----------
    routes, unassigned:
        The plan's content.
    available_s:
        Technician id to seconds available (shift minus time off); used for
        utilization = work / available. Missing ids get utilization 0.

    Returns
    -------
    dict
        ``total_drive_s``, ``total_work_s``, ``total_wait_s``, ``jobs_assigned``,
        ``jobs_unassigned``, ``late_count``, ``technicians_used`` and
        ``utilization`` (technician id to a 0..1 float, 3 decimals).
    """
    available_s = available_s or {}
    util = {}
    for r in routes:
        avail = available_s.get(r.technician_id, 0)
        util[r.technician_id] = round(r.work_s / avail, 3) if avail > 0 else 0.0
    return {
        "total_drive_s": sum(r.drive_s for r in routes),
        "total_work_s": sum(r.work_s for r in routes),
        "total_wait_s": sum(r.wait_s for r in routes),
        "jobs_assigned": sum(len(r.stops) for r in routes),
        "jobs_unassigned": len(unassigned),
        "late_count": sum(1 for r in routes for s in r.stops if s.late_s > 0),
        "technicians_used": sum(1 for r in routes if r.stops),
        "utilization": util,
    }
