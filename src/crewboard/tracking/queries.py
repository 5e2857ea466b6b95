"""What a tracking link may show: this one visit, nothing about anyone else.

Every field the customer sees is built here from an allow-list; nothing is
passed through from the job or technician rows wholesale.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.company.queries import get_company
from crewboard.db import utcnow
from crewboard.errors import DomainError, NotFound
from crewboard.events.models import Event
from crewboard.jobs.kinds import JobStatus
from crewboard.jobs.models import Job
from crewboard.tracking.actions import CUSTOMER_EVENTS, REQUEST_KINDS, closed_at, expires_at
from crewboard.tracking.models import TrackingLink

FRESH_POSITION = timedelta(minutes=30)
"""An en-route position older than this is not shown (the phone lost signal)."""

LABELS = {
    JobStatus.unscheduled: "Booked",
    JobStatus.scheduled: "Booked",
    JobStatus.assigned: "Scheduled",
    JobStatus.dispatched: "Scheduled",
    JobStatus.accepted: "Confirmed by the technician",
    JobStatus.en_route: "On the way",
    JobStatus.on_site: "Technician on site",
    JobStatus.completed: "Completed",
    JobStatus.incomplete: "Visit ended unfinished",
    JobStatus.cancelled: "Cancelled",
}
INCOMPLETE_LABELS = {
    "parts_needed": "Parts are needed; we will book a return visit.",
    "customer_not_home": "We could not reach you at the address.",
    "second_visit": "The work needs a second visit; we will book it.",
    "no_access": "The technician could not get access.",
    "other": "The work could not be finished this time; we will be in touch.",
}
SHOWS_TECHNICIAN = {JobStatus.dispatched, JobStatus.accepted, JobStatus.en_route,
                    JobStatus.on_site, JobStatus.completed, JobStatus.incomplete}


def resolve_link(session: Session, token: str, days_after_close: int,
                 now: datetime | None = None) -> TrackingLink:
    """The link for ``token``: 404 when unknown, 410 when revoked or expired."""
    if not token or len(token) > 80:
        raise NotFound("Tracking link", "")
    link = session.scalar(select(TrackingLink).where(TrackingLink.token == token))
    if link is None:
        raise DomainError("link_not_found", "This tracking link is not valid. Check the "
                          "link in your message, or call us.", status=404)
    expiry = expires_at(session, link, days_after_close)
    if link.revoked_at is not None or (expiry is not None and (now or utcnow()) >= expiry):
        raise DomainError("link_expired", "This tracking link has expired. Call us if you "
                          "need anything about this visit.", status=410)
    return link


def first_name(name: str) -> str:
    return (name or "").strip().split(" ")[0] if name else ""


def _photo(url: str | None) -> str | None:
    if url and (url.startswith("https://") or url.startswith("http://")
                or url.startswith("/static/")):
        return url
    return None


def _eta(session: Session, job: Job, now: datetime) -> tuple[datetime | None, dict | None]:
    """ETA and position while the technician drives to this job (straight-line model)."""
    tech = job.technician
    if tech is None:
        return None, None
    position = None
    fresh = (tech.last_seen_at is not None and tech.last_lat is not None
             and tech.last_lon is not None and now - tech.last_seen_at <= FRESH_POSITION)
    started = session.scalar(select(Event.at).where(Event.job_id == job.id,
                                                    Event.action == "job.en_route")
                             .order_by(Event.id.desc()).limit(1))
    predicted = _predicted(session, job, now)
    if fresh and (started is None or tech.last_seen_at >= started - FRESH_POSITION):  # type: ignore[operator]
        from crewboard.routing.problem import Location
        from crewboard.routing.travel import StraightLineModel

        secs = int(StraightLineModel().table(
            [Location(tech.last_lat, tech.last_lon)],  # type: ignore[arg-type]
            [Location(job.location.lat, job.location.lon)])[0][0])
        eta = predicted or max(now, tech.last_seen_at + timedelta(seconds=secs))  # type: ignore[operator]
        position = {"lat": round(tech.last_lat, 5), "lon": round(tech.last_lon, 5),  # type: ignore[arg-type]
                    "at": tech.last_seen_at}
        return eta, position
    if predicted is not None:
        return predicted, None
    if job.planned_start is not None and job.planned_start > now:
        return job.planned_start, None
    return None, None


def _predicted(session: Session, job: Job, now: datetime) -> datetime | None:
    """The planning loop's live arrival for this job, when it is fresh."""
    from crewboard.planning.models import JobEta

    row = session.get(JobEta, job.id)
    if (row is None or row.technician_id != job.technician_id
            or now - row.updated_at > FRESH_POSITION):
        return None
    return max(now, row.arrival)


def tracking_status(session: Session, link: TrackingLink, days_after_close: int,
                    now: datetime | None = None) -> dict[str, Any]:
    """The whole customer view, as plain JSON-able values."""
    now = now or utcnow()
    job = link.job
    company = get_company(session)
    status = job.status
    out: dict[str, Any] = {
        "company": {"name": company.name, "timezone": company.timezone},
        "job": {"ref": job.ref, "status": status.value, "status_label": LABELS[status],
                "address": job.location.address,
                "windows": [{"start": w.starts_at, "end": w.ends_at} for w in job.windows],
                "customer_confirmed": job.customer_confirmed},
        "technician": None, "eta": None, "position": None, "completion": None,
        "can_confirm": False, "can_request": False, "last_request": None,
        "expires_at": expires_at(session, link, days_after_close),
        "updated_at": now,
    }
    if job.technician is not None and status in SHOWS_TECHNICIAN:
        out["technician"] = {"first_name": first_name(job.technician.name),
                             "photo_url": _photo(job.technician.photo_url)}
    if status is JobStatus.en_route:
        out["eta"], out["position"] = _eta(session, job, now)
    if status is JobStatus.completed:
        minutes = (int((job.completed_at - job.arrived_at).total_seconds() // 60)
                   if job.completed_at and job.arrived_at else None)
        out["completion"] = {"outcome": "completed", "arrived_at": job.arrived_at,
                             "completed_at": job.completed_at, "minutes_on_site": minutes,
                             "notes": job.proof_notes, "signed_by": job.signed_by}
    elif status is JobStatus.incomplete:
        code = (job.outcome_reason or "other").split(":")[0]
        out["completion"] = {"outcome": "incomplete", "arrived_at": job.arrived_at,
                             "closed_at": closed_at(session, job),
                             "message": INCOMPLETE_LABELS.get(code, INCOMPLETE_LABELS["other"])}
    elif status is JobStatus.cancelled:
        out["completion"] = {"outcome": "cancelled", "closed_at": closed_at(session, job)}
    open_ = status not in (JobStatus.completed, JobStatus.incomplete, JobStatus.cancelled,
                           JobStatus.on_site)
    out["can_confirm"] = open_ and not job.customer_confirmed
    out["can_request"] = open_
    last = session.scalar(select(Event).where(Event.job_id == job.id,
                                              Event.action.in_(CUSTOMER_EVENTS))
                          .order_by(Event.id.desc()).limit(1))
    if last is not None:
        out["last_request"] = {"kind": last.action.removeprefix("job.customer_")
                               .removeprefix("requested_"), "at": last.at}
    return out


HANDLED_BY = ("job.rescheduled", "job.reassigned", "job.cancelled", "job.note", "job.updated",
              "job.unassigned", "job.scheduled")
"""Office actions on a job that count as an answer to a customer's request."""


def customer_exceptions(session: Session, jobs: list[Job]) -> list[dict[str, Any]]:
    """Open customer requests (reschedule / cancel via the tracking page) on ``jobs``,
    in the board's exception shape; a request is open until the office next acts on
    the job (reschedule, reassign, cancel, edit or note) or the job closes.

    The day's requests first (rare), then office actions on just those jobs: the
    board reads this on every load, and a day's notes and edits are many.
    """
    open_jobs = {j.id: j for j in jobs if j.status not in (
        JobStatus.completed, JobStatus.incomplete, JobStatus.cancelled)}
    if not open_jobs:
        return []
    last: dict[int, Any] = {}
    for e in session.execute(select(Event.id, Event.job_id, Event.action, Event.reason, Event.at)
                             .where(Event.job_id.in_(open_jobs),
                                    Event.action.in_(REQUEST_KINDS.values()))
                             .order_by(Event.id)):
        last[e.job_id] = e
    if last:
        for job_id, event_id, user_id, name in session.execute(
                select(Event.job_id, Event.id, Event.actor_user_id, Event.actor_name)
                .where(Event.job_id.in_(last), Event.action.in_(HANDLED_BY))):
            if event_id > last[job_id].id and (user_id is not None
                                                or not name.endswith("(customer)")):
                last.pop(job_id, None)
    out = []
    for job_id, e in last.items():
        job = open_jobs[job_id]
        kind = "reschedule" if e.action.endswith("reschedule") else "cancel"
        note = f": \"{e.reason}\"" if e.reason else ""
        out.append({"kind": f"customer_{kind}", "job_id": job_id,
                    "technician_id": job.technician_id, "at": e.at.isoformat(),
                    "message": f"{job.customer.name} asks to {kind} {job.ref}{note}"})
    return out
