"""ETA prediction for the rest of a technician's route, and the risks it shows.

Given where a technician is and what they are doing now (driving to a job, on
site since some time, idle), the remaining stops are re-timed with the same
rules as planning (travel from the matrix, waiting for windows, breaks in
their windows). Risks are what a dispatcher wants to hear about before the
customer calls: a job predicted to miss its window (and by how much), a job
running past its estimate, a technician behind schedule, a day running past
the shift end. :func:`eta_changes` lists which customers need a new ETA.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from crewboard.routing.plan import Plan, Route
from crewboard.routing.problem import Break, Location, Problem, fmt_duration
from crewboard.routing.timing import TravelTable, break_start, visit_window

StatusKind = Literal["idle", "en_route", "on_site"]


@dataclass(frozen=True)
class TechStatus:
    """What a technician is doing at ``now``.

    * ``en_route``: driving to ``job_id`` from ``location`` (their last ping);
      ``eta`` overrides the travel-time estimate when a road engine gave one.
    * ``on_site``: working on ``job_id`` since ``since``; ``expected_s``
      overrides the job's planned duration.
    * ``idle``: at ``location``; ``job_id`` is the next job (default: the first
      planned stop that has not ended by ``now``).
    """

    kind: StatusKind
    now: int
    job_id: str | None = None
    location: Location | None = None
    since: int | None = None
    expected_s: int | None = None
    eta: int | None = None


@dataclass(frozen=True)
class StopEta:
    """Predicted times of one remaining stop; ``delay_s`` is start minus planned start."""

    job_id: str
    arrival: int
    start: int
    end: int
    late_s: int
    delay_s: int


@dataclass(frozen=True)
class Risk:
    """``kind`` is ``late``, ``overrun``, ``behind`` or ``overtime``; ``seconds`` how much."""

    kind: str
    job_id: str | None
    seconds: int
    message: str


@dataclass(frozen=True)
class Prediction:
    """Remaining stops with predicted times, the end of the day, and risks."""

    technician_id: str
    stops: tuple[StopEta, ...]
    end_time: int
    risks: tuple[Risk, ...]

    def eta_of(self, job_id: str) -> int | None:
        for s in self.stops:
            if s.job_id == job_id:
                return s.arrival
        return None


def predict(
    problem: Problem,
    route: Route,
    status: TechStatus,
    *,
    behind_threshold_s: int = 900,
    table: TravelTable | None = None,
) -> Prediction:
    """Predict arrival, start and end of every remaining stop of ``route``.

    Parameters
    ----------
    problem:
        Supplies jobs, the technician and the travel model.
    route:
        The planned route (its stop order and break positions are kept).
    status:
        The technician's live status.
    behind_threshold_s:
        A ``behind`` risk is raised when the next stop starts this much later
        than planned.

    Returns
    -------
    Prediction
        Stops from the current one on, and risks in route order.
    """
    table = table or TravelTable(problem, [status.location] if status.location else [])
    jobs = {j.id: j for j in problem.jobs}
    tech = problem.technician(route.technician_id)
    who = tech.name or tech.id
    clock = problem.clock
    stops = list(route.stops)
    ids = [s.job_id for s in stops]
    risks: list[Risk] = []
    now = status.now

    if status.job_id is not None and status.job_id in ids:
        i = ids.index(status.job_id)
    else:
        i = next((k for k, s in enumerate(stops) if s.end > now and not s.fixed), len(stops))
    out: list[StopEta] = []
    loc = status.location or tech.current_location or tech.start
    t = now
    start_at = i
    if status.kind == "on_site" and i < len(stops):
        s0 = stops[i]
        job = jobs[s0.job_id]
        since = status.since if status.since is not None else s0.start
        expected = status.expected_s if status.expected_s is not None else job.service_s
        end = max(since + expected, now)
        if now > since + expected:
            over = now - (since + expected)
            risks.append(
                Risk(
                    "overrun",
                    job.id,
                    over,
                    f"{job.name} is running {fmt_duration(over)} past its estimate",
                )
            )
        out.append(_stop_eta(s0.job_id, since, since, end, job, s0))
        t = end
        loc = job.location or loc
        start_at = i + 1
    breaks_by_name = {b.name: b for b in tech.breaks}
    slots = {}
    for b in route.breaks:
        slots.setdefault(b.after_stops, []).append(b)
    end_time = t
    for k in range(start_at, len(stops) + 1):
        dest = jobs[stops[k].job_id].location if k < len(stops) else tech.end_location
        assert dest is not None
        left = table.t(loc, dest)  # breaks may be taken during this drive
        for slot in slots.get(k, []):
            if slot.end <= now and k <= i:
                continue  # already taken
            b = breaks_by_name.get(slot.name)
            if b is None:
                b = Break((), slot.end - slot.start, slot.name)
                bs = max(t, slot.start)
            else:
                bs, _late = break_start(b, t)
            left -= min(left, max(0, bs - t))
            t = bs + b.duration_s
        if k == len(stops):
            end_time = t + left
            break
        s = stops[k]
        job = jobs[s.job_id]
        if k == i and status.kind == "en_route" and status.eta is not None:
            arrival = status.eta
        else:
            arrival = t + left
        start, _w, late = visit_window(job, arrival)
        out.append(
            StopEta(job.id, arrival, start, start + job.service_s, max(0, late), start - s.start)
        )
        t = start + job.service_s
        loc = dest

    for e in out:
        if e.late_s > 0:
            job = jobs[e.job_id]
            risks.append(
                Risk(
                    "late",
                    e.job_id,
                    e.late_s,
                    f"{job.name} is predicted to miss its window by {fmt_duration(e.late_s)}"
                    f" (arrives {clock(e.arrival)})",
                )
            )
    nxt = next((e for e in out if e.start >= now and e.arrival >= now), None)
    if nxt is not None and nxt.delay_s >= behind_threshold_s:
        risks.append(
            Risk(
                "behind", None, nxt.delay_s, f"{who} is {fmt_duration(nxt.delay_s)} behind schedule"
            )
        )
    if end_time > tech.shift_end:
        over = end_time - tech.shift_end
        risks.append(
            Risk(
                "overtime",
                None,
                over,
                f"{who} would finish at {clock(end_time)},"
                f" {fmt_duration(over)} after the shift ends",
            )
        )
    return Prediction(route.technician_id, tuple(out), end_time, tuple(risks))


def _stop_eta(job_id: str, arrival: int, start: int, end: int, job, planned) -> StopEta:
    late = min((max(0, end - w.end) for w in job.windows), default=0)
    return StopEta(job_id, arrival, start, end, late, start - planned.start)


def predict_plan(
    problem: Problem, plan: Plan, statuses: Mapping[str, TechStatus]
) -> dict[str, Prediction]:
    """:func:`predict` for every route that has a status."""
    table = TravelTable(problem, [s.location for s in statuses.values() if s.location])
    return {
        r.technician_id: predict(problem, r, statuses[r.technician_id], table=table)
        for r in plan.routes
        if r.technician_id in statuses
    }


@dataclass(frozen=True)
class EtaChange:
    """A job whose ETA moved by at least the threshold (``delta_s`` > 0 is later)."""

    job_id: str
    before: int | None
    after: int | None
    delta_s: int


def _etas(x: Plan | Prediction | Sequence[Prediction] | Mapping[str, int]) -> dict[str, int]:
    if isinstance(x, Plan):
        return {s.job_id: s.arrival for r in x.routes for s in r.stops}
    if isinstance(x, Prediction):
        return {s.job_id: s.arrival for s in x.stops}
    if isinstance(x, Mapping):
        return dict(x)
    return {s.job_id: s.arrival for p in x for s in p.stops}


def eta_changes(
    before: Plan | Prediction | Sequence[Prediction] | Mapping[str, int],
    after: Plan | Prediction | Sequence[Prediction] | Mapping[str, int],
    threshold_s: int = 300,
) -> list[EtaChange]:
    """Jobs whose arrival moved by ``threshold_s`` or more, largest move first.

    Jobs present on one side only are reported with ``None`` on the other and
    ``delta_s = 0`` (they were added or dropped, which always matters).
    """
    b, a = _etas(before), _etas(after)
    out: list[EtaChange] = []
    for jid in b.keys() | a.keys():
        tb, ta = b.get(jid), a.get(jid)
        if tb is None or ta is None:
            out.append(EtaChange(jid, tb, ta, 0))
        elif abs(ta - tb) >= threshold_s:
            out.append(EtaChange(jid, tb, ta, ta - tb))
    out.sort(
        key=lambda c: (
            -(abs(c.delta_s) if c.before is not None and c.after is not None else 10**12),
            c.job_id,
        )
    )
    return out
