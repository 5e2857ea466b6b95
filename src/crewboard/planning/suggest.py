""""Who should take this job?": the insertion evaluator over the day's current routes.

Building the day's slack arrays is the expensive part, so the state is cached
per day and invalidated by any new audit event (every change writes one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from crewboard.company.clock import local_day
from crewboard.company.queries import company_tz
from crewboard.db import utcnow
from crewboard.jobs.models import Job
from crewboard.planning.board import data_version
from crewboard.planning.current import current_plan
from crewboard.planning.loader import DayContext, key_id, load_day, routing_job
from crewboard.routing.insertion import Candidate, DayState

_CACHE: OrderedDict[tuple[Any, ...], tuple[DayContext, DayState]] = OrderedDict()
_LOCK = threading.Lock()
CACHE_SIZE = 8


def job_day(session: Session, job: Job) -> date:
    """The day a job belongs to: its planned start, first window, or today."""
    tz = company_tz(session)
    if job.planned_start is not None:
        return local_day(tz, job.planned_start)
    if job.windows:
        return local_day(tz, job.windows[0].starts_at)
    return local_day(tz, utcnow())


def day_state(session: Session, day: date, exclude: int,
              now: datetime | None = None) -> tuple[DayContext, DayState]:
    """The day's routes without job ``exclude``, reused until anything changes."""
    version = data_version(session)
    minute = (now or utcnow()).replace(second=0, microsecond=0)
    key = (str(session.get_bind().url), day, exclude, version, minute)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    ctx = load_day(session, day, now=now, exclude_job_ids=[exclude])
    state = DayState(ctx.problem, current_plan(ctx).routes)
    with _LOCK:
        _CACHE[key] = (ctx, state)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return ctx, state


def suggest(session: Session, job: Job, day: date | None = None,
            limit: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Every technician ranked for ``job``, best first, each with a sentence."""
    day = day or job_day(session, job)
    ctx, state = day_state(session, day, job.id, now)
    secs = ctx.to_seconds
    rjob = routing_job(job, secs, set(ctx.technicians))
    rjob = type(rjob)(**{**rjob.__dict__, "pinned_to": None, "fixed": None})
    return {"job_id": job.id, "ref": job.ref, "date": day.isoformat(),
            "candidates": [_candidate(ctx, c) for c in state.rank(rjob, limit)]}


def _candidate(ctx: DayContext, c: Candidate) -> dict[str, Any]:
    return {"technician_id": key_id(c.technician_id), "technician_name": c.technician_name,
            "feasible": c.feasible, "position": c.position,
            "eta": ctx.to_time(c.eta).isoformat() if c.feasible else None,
            "start": ctx.to_time(c.start).isoformat() if c.feasible else None,
            "extra_drive_min": round(c.extra_drive_s / 60, 1) if c.feasible else None,
            "window_fit": c.window_fit, "skill_fit": c.skill_fit, "jobs": c.jobs,
            "work_min": round(c.work_s / 60), "score": round(c.score, 1) if c.feasible else None,
            "reason": c.reason}
