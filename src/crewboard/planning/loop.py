"""The closed loop: a late technician is noticed, re-planned and announced.

After a status change, a location report, or simply time passing while a job
runs long, the technician's remaining day is re-predicted. Predictions are
stored per job; a late plan gets the best repair (re-sequence, or hand the
late job to another technician), applied when the company allows it; and
exactly the customers whose promised start really moved hear about it, through
a ``job.delay_predicted`` audit event that notification rules turn into a
message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor, Role
from crewboard.company.clock import local_day
from crewboard.company.queries import company_tz, get_company
from crewboard.db import utcnow
from crewboard.events import bus
from crewboard.events.actions import record_event
from crewboard.jobs.kinds import JobStatus
from crewboard.notifications.rules import queue_delay_alert
from crewboard.planning.current import current_plan
from crewboard.planning.live import predictions
from crewboard.planning.loader import DayContext, key_id, load_day, tech_key
from crewboard.planning.models import JobEta
from crewboard.routing.eta import Prediction

LOOP = Actor(user_id=None, role=Role.admin, name="crewboard (live ETA)")


@dataclass(frozen=True)
class EtaUpdate:
    job_id: int
    ref: str
    customer: str
    announced: datetime | None
    predicted: datetime
    late_s: int
    notified: bool


@dataclass
class LoopResult:
    technician_id: int
    updates: list[EtaUpdate] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    repair: dict[str, Any] | None = None
    repaired: bool = False

    @property
    def notified(self) -> list[EtaUpdate]:
        return [u for u in self.updates if u.notified]


def refresh_technician(session: Session, technician_id: int,
                       now: datetime | None = None) -> LoopResult:
    """Re-predict one technician's day now; repair and announce what moved."""
    now = now or utcnow()
    company = get_company(session)
    result = LoopResult(technician_id)
    ctx, pred = _predict(session, technician_id, now)
    if pred is None:
        return result
    if any(r.kind == "late" for r in pred.risks):
        from crewboard.planning.repair import best_repair

        result.repair = best_repair(session, ctx, technician_id, pred, now)
        if result.repair and company.auto_repair and result.repair["allowed"]:
            from crewboard.planning.repair import apply_repair

            apply_repair(session, LOOP, result.repair)
            result.repaired = True
            ctx, pred = _predict(session, technician_id, now)
            if pred is None:
                return result
    result.risks = [{"kind": r.kind, "job_id": key_id(r.job_id) if r.job_id else None,
                     "seconds": r.seconds, "message": r.message} for r in pred.risks]
    threshold = timedelta(minutes=company.delay_threshold_min)
    for stop in pred.stops:
        result.updates.append(_record(session, ctx, stop, threshold))
    bus.queue(session, {"type": "eta.updated", "technician_id": technician_id,
                        "job_ids": [u.job_id for u in result.updates],
                        "at": now.isoformat()})
    return result


def _predict(session: Session, technician_id: int,
             now: datetime) -> tuple[DayContext, Prediction | None]:
    day = local_day(company_tz(session), now)
    ctx = load_day(session, day, now=now, technician_ids=[technician_id],
                   include_unassigned=False)
    plan = current_plan(ctx)
    return ctx, predictions(ctx, plan).get(tech_key(technician_id))


def _record(session: Session, ctx: DayContext, stop: Any, threshold: timedelta) -> EtaUpdate:
    job = ctx.jobs[stop.job_id]
    start, arrival = ctx.to_time(stop.start), ctx.to_time(stop.arrival)
    row = session.get(JobEta, job.id)
    if row is None:
        row = JobEta(job_id=job.id, announced_start=job.planned_start, arrival=arrival,
                     start=start)
        session.add(row)
    announced = row.announced_start or job.planned_start
    row.technician_id, row.arrival, row.start = job.technician_id, arrival, start
    row.late_s, row.updated_at = stop.late_s, utcnow()
    moved = announced is not None and start - announced >= threshold
    past_window = stop.late_s > 0 and (announced is None or start > announced)
    notify = (moved or past_window) and job.status is not JobStatus.on_site
    if notify:
        delay_min = round((start - announced).total_seconds() / 60) if announced else None
        why = (f"now expected to start at {start.astimezone(ctx.tz):%H:%M}"
               + (f", {delay_min} min later than announced" if delay_min else "")
               + (", after the appointment window" if stop.late_s > 0 else ""))
        record_event(session, LOOP, "job.delay_predicted", "job", job.id, job_id=job.id,
                     technician_id=job.technician_id, reason=why,
                     data={"announced_start": announced, "predicted_start": start,
                           "predicted_arrival": arrival, "delay_min": delay_min,
                           "late_past_window_min": round(stop.late_s / 60)})
        queue_delay_alert(session, job, announced, start, why)
        row.announced_start = start
    session.flush()
    return EtaUpdate(job.id, job.ref, job.customer.name, announced, start, stop.late_s, notify)
