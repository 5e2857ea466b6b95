"""Everything the dispatch board draws for one day, in one response."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor, Role
from crewboard.company.clock import day_bounds, local_at
from crewboard.company.queries import get_company
from crewboard.db import utcnow
from crewboard.events.models import Event
from crewboard.jobs.kinds import JobStatus, Priority
from crewboard.jobs.queries import jobs_query
from crewboard.jobs.read import encode_job_rows, read_job_rows
from crewboard.jobs.rows import JobRow, forget_job_rows, job_rows
from crewboard.planning.current import current_plan
from crewboard.planning.live import predictions, statuses
from crewboard.planning.loader import DayContext, DayJob, DayTech, key_id, load_day, tech_key
from crewboard.planning.travel_memo import RememberingModel
from crewboard.routing.plan import Plan
from crewboard.routing.timing import TravelTable
from crewboard.routing.travel import StraightLineModel
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.rows import forget_technician_rows, technician_rows
from crewboard.tracking.queries import customer_exceptions

QUEUE_LIMIT = 500
_TRAVEL = RememberingModel(StraightLineModel())
"""The default travel model, keeping the last matrix between board loads."""


def forget_remembered() -> None:
    """Drop the remembered travel matrix and rows (benchmarks time a first load)."""
    _TRAVEL.forget()
    forget_job_rows()
    forget_technician_rows()


def board_day(session: Session, actor: Actor, day: date, now: datetime | None = None, *,
              read_jobs: Callable[[Sequence[JobRow], Actor], list[Any]] = read_job_rows
              ) -> dict[str, Any]:
    """Technicians with their timed routes, the day's jobs, the queue and the exceptions.

    Read as plain rows with a constant handful of Core queries (``job_rows``,
    ``technician_rows``): ORM entities for 1,600 jobs cost most of a cold load.
    ``read_jobs`` turns the rows into the payload's jobs (``board_json`` passes
    one that reuses the encoded text of every unchanged job).
    """
    only = [actor.technician_id] if actor.role is Role.technician else None
    company = get_company(session)
    tz = ZoneInfo(company.timezone)
    wanted = [jobs_query(actor, tz, day=day)]
    if only is None:
        wanted.append(jobs_query(actor, tz, status=[JobStatus.unscheduled], unassigned=True)
                      .limit(QUEUE_LIMIT))
    jobs = job_rows(session, *wanted)
    start, end = day_bounds(tz, day)
    crew = technician_rows(session, day.weekday(), start, end, ids=only)  # type: ignore[arg-type]
    ctx = load_day(session, day, now=now, technician_ids=only,  # type: ignore[arg-type]
                   include_unassigned=only is None, jobs=jobs, technicians=crew,
                   travel=_TRAVEL)
    table = TravelTable(ctx.problem)  # one matrix for timing and predictions
    plan = current_plan(ctx, table)
    preds = predictions(ctx, plan, table)
    now_status = statuses(ctx)  # once: it reads every job
    return {
        "date": day.isoformat(), "timezone": company.timezone,
        "day_start": company.day_start, "day_end": company.day_end,
        "now": (ctx.now or now or datetime.now(ctx.tz)).isoformat(),
        "technicians": [_technician(ctx, plan, preds, t, now_status)
                        for t in ctx.technicians.values()],
        "jobs": read_jobs(jobs, actor),
        "kpis": dict(plan.kpis),
        "exceptions": (exceptions(ctx, preds, jobs) + customer_exceptions(session, jobs))
        if only is None else [],
    }


TIMES_KEPT = 20_000


@lru_cache(maxsize=4)
def _times(origin: datetime, tz: ZoneInfo) -> dict[int, str]:
    """The text of each time written for a day so far (see ``_iso``; about 3 MB full).
    By zone too: two zones may share a midnight and differ later that day."""
    return {}


def _iso(ctx: DayContext, seconds: int | None) -> str | None:
    """``ctx.to_time(seconds).isoformat()``, remembered: a board writes thousands of
    times per load, most of them written at the last load too."""
    if seconds is None:
        return None
    times = _times(ctx.origin, ctx.tz)
    text = times.get(seconds)
    if text is None:
        if len(times) >= TIMES_KEPT:
            times.clear()
        text = times[seconds] = ctx.to_time(seconds).isoformat()
    return text


@lru_cache(maxsize=256)
def _local_at(tz: ZoneInfo, day: date, hhmm: str) -> datetime:
    return local_at(tz, day, hhmm)


def _local(ctx: DayContext, hhmm: str) -> datetime:
    """``local_at`` for the day; a crew shares a few shift times, so remembered."""
    return _local_at(ctx.tz, ctx.day, hhmm)


def _technician(ctx: DayContext, plan: Plan, preds: dict, tech: DayTech,
                now_status: dict) -> dict[str, Any]:
    key = tech_key(tech.id)
    route = plan.route_of(key)
    pred = preds.get(key)
    eta = {s.job_id: s for s in pred.stops} if pred else {}
    shift = next((s for s in tech.shifts if s.weekday == ctx.day.weekday()), None)
    day_start, day_end = _local(ctx, "00:00"), _local(ctx, "23:59")
    stops = []
    for stop in route.stops if route else ():
        live = eta.get(stop.job_id)
        stops.append({
            "job_id": key_id(stop.job_id), "arrival": _iso(ctx, stop.arrival),
            "start": _iso(ctx, stop.start), "end": _iso(ctx, stop.end),
            "travel_s": stop.travel_s, "late_s": stop.late_s,
            "eta": _iso(ctx, live.arrival) if live else None,
            "predicted_late_s": live.late_s if live else None})
    status = now_status.get(key)
    return {
        "id": tech.id, "name": tech.name, "photo_url": tech.photo_url,
        "skills": tech.skill_levels(), "equipment": list(tech.equipment),
        "region": tech.region, "status": status.kind if status else "planned",
        "shift": ({"start": _local(ctx, shift.start).isoformat(),
                   "end": _local(ctx, shift.end).isoformat()} if shift else None),
        "breaks": [{"name": b.name, "start": _iso(ctx, b.start), "end": _iso(ctx, b.end)}
                   for b in (route.breaks if route else ())],
        "absences": [{"kind": a.kind.value, "start": a.starts_at.isoformat(),
                      "end": a.ends_at.isoformat(), "reason": a.reason}
                     for a in tech.absences if a.starts_at < day_end and a.ends_at > day_start],
        "position": ({"lat": tech.last_lat, "lon": tech.last_lon,
                      "at": tech.last_seen_at.isoformat()} if tech.last_seen_at else None),
        "home": {"lat": tech.home_lat, "lon": tech.home_lon},
        "route": stops, "drive_s": route.drive_s if route else 0,
        "end_time": _iso(ctx, pred.end_time if pred else (route.end_time if route else None)),
    }


def exceptions(ctx: DayContext, preds: dict, jobs: Sequence[DayJob]) -> list[dict[str, Any]]:
    """What needs a dispatcher's attention now, most urgent first."""
    out: list[dict[str, Any]] = []
    names = {k: t.name for k, t in ctx.technicians.items()}
    for key, pred in preds.items():
        for risk in pred.risks:
            out.append({"kind": {"late": "late_risk", "overrun": "running_long",
                                 "behind": "behind_schedule",
                                 "overtime": "overtime"}.get(risk.kind, risk.kind),
                        "message": risk.message,
                        "job_id": key_id(risk.job_id) if risk.job_id else None,
                        "technician_id": key_id(key), "technician": names.get(key),
                        "seconds": risk.seconds})
    for job in jobs:
        if job.technician_id is None and job.priority in (Priority.emergency, Priority.high) \
                and job.status in (JobStatus.unscheduled, JobStatus.scheduled):
            out.append({"kind": "urgent_unassigned", "job_id": job.id, "technician_id": None,
                        "message": f"{job.priority.value.title()} job {job.ref} for "
                                   f"{job.customer.name} has no technician."})
    day_start, day_end = local_at(ctx.tz, ctx.day, "00:00"), local_at(ctx.tz, ctx.day, "23:59")
    for tech in ctx.technicians.values():
        for absence in tech.absences:
            if absence.kind is not AbsenceKind.call_out or not (
                    absence.starts_at < day_end and absence.ends_at > day_start):
                continue
            stuck = [j for j in jobs if j.technician_id == tech.id and j.planned_start
                     and absence.starts_at <= j.planned_start < absence.ends_at
                     and j.status not in (JobStatus.completed, JobStatus.cancelled,
                                          JobStatus.incomplete)]
            if stuck:
                out.append({"kind": "call_out", "technician_id": tech.id, "job_id": None,
                            "job_ids": [j.id for j in stuck],
                            "message": f"{tech.name} called out ({absence.reason or 'no reason'})"
                                       f" with {len(stuck)} job(s) still assigned."})
    order = {"urgent_unassigned": 0, "call_out": 1, "late_risk": 2, "running_long": 3,
             "behind_schedule": 4, "overtime": 5}
    out.sort(key=lambda e: order.get(e["kind"], 9))
    return out




RECENT_EVENTS = 2_000
"""How far back ``data_version`` counts events: a transaction still open after this
many later events were written, then committed, could go unseen for the minute."""


def data_version(session: Session) -> tuple[Any, ...]:
    """The newest audit event (id, time) and how many of the last ``RECENT_EVENTS`` ids
    exist: it changes with every committed change to the data.

    Every change writes an event, but PostgreSQL hands out ids at insert, not at
    commit: a transaction that wrote first may commit after one that wrote later,
    below the newest id already seen. It still adds to the count.
    """
    newest = session.execute(select(Event.id, Event.at).order_by(Event.id.desc())
                             .limit(1)).first()
    if newest is None:
        return ()
    recent = session.scalar(select(func.count()).select_from(Event)
                            .where(Event.id > newest.id - RECENT_EVENTS))
    return (*newest, recent)


_CACHE: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 16


def board_json(session: Session, actor: Actor, day: date) -> bytes:
    """``board_day`` encoded, reused while nothing changed (same last event, same minute).

    Every change writes an audit event, so the newest event id is the day's
    version; ETAs move with the clock, so the minute is part of the key too.
    """
    version = data_version(session)
    minute = utcnow().replace(second=0, microsecond=0)
    key = (str(session.get_bind().url), day, actor.role, actor.technician_id, version, minute)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    data = board_day(session, actor, day, read_jobs=encode_job_rows)
    # json.dumps(data) with the jobs' text spliced in: the same bytes, the jobs reused
    body = ("{" + ", ".join(
        f"{json.dumps(k)}: " + ("[" + ", ".join(v) + "]" if k == "jobs"
                                else json.dumps(v, default=str))
        for k, v in data.items()) + "}").encode()
    with _CACHE_LOCK:
        _CACHE[key] = body
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return body
