"""Creating and revoking tracking links, and what a customer does through one."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor, Role
from crewboard.db import utcnow
from crewboard.errors import DomainError, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.events.models import Event
from crewboard.jobs.kinds import TERMINAL, JobStatus
from crewboard.jobs.models import Job
from crewboard.tracking.models import TrackingLink

MAX_NOTE = 1000
MAX_REQUESTS = 20
"""Customer actions one link may take (a link in the wild must not flood the board)."""
REQUEST_KINDS = {"reschedule": "job.customer_requested_reschedule",
                 "cancel": "job.customer_requested_cancel"}
CUSTOMER_EVENTS = ("job.customer_confirmed", *REQUEST_KINDS.values())


def closed_at(session: Session, job: Job) -> datetime | None:
    """When the job reached its final state (None while it is open)."""
    if job.status not in TERMINAL:
        return None
    at = session.scalar(select(Event.at).where(
        Event.job_id == job.id, Event.to_state == job.status.value)
        .order_by(Event.id.desc()).limit(1))
    return at or job.completed_at or job.updated_at


def expires_at(session: Session, link: TrackingLink, days_after_close: int) -> datetime | None:
    closed = closed_at(session, link.job)
    return closed + timedelta(days=days_after_close) if closed else None


def is_live(session: Session, link: TrackingLink, days_after_close: int,
            now: datetime | None = None) -> bool:
    if link.revoked_at is not None:
        return False
    expiry = expires_at(session, link, days_after_close)
    return expiry is None or (now or utcnow()) < expiry


def do_create_tracking_link(session: Session, actor: Actor, job: Job,
                            days_after_close: int) -> tuple[TrackingLink, bool]:
    """The job's live link, or a new one; returns (link, created)."""
    for link in session.scalars(select(TrackingLink).where(TrackingLink.job_id == job.id,
                                                           TrackingLink.revoked_at.is_(None))
                                .order_by(TrackingLink.id.desc())):
        if is_live(session, link, days_after_close):
            return link, False
    closed = closed_at(session, job)
    if closed is not None and utcnow() >= closed + timedelta(days=days_after_close):
        raise ValidationFailed("job_closed", f"Job {job.ref} closed more than "
                               f"{days_after_close} days ago; no tracking link is offered.",
                               field="job_id")
    link = TrackingLink(job_id=job.id, token=secrets.token_urlsafe(32),
                        created_by_user_id=actor.user_id)
    session.add(link)
    session.flush()
    session.refresh(link, ["job"])
    record_event(session, actor, "job.tracking_link_created", "job", job.id, job_id=job.id,
                 data={"link_id": link.id})
    return link, True


def do_revoke_tracking_links(session: Session, actor: Actor, job: Job) -> int:
    """Revoke every link of the job; the page then answers 'expired'."""
    result = session.execute(update(TrackingLink)
                             .where(TrackingLink.job_id == job.id,
                                    TrackingLink.revoked_at.is_(None))
                             .values(revoked_at=utcnow()))
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    record_event(session, actor, "job.tracking_link_revoked", "job", job.id, job_id=job.id,
                 data={"revoked": count})
    return count


def customer_actor(job: Job) -> Actor:
    return Actor(user_id=None, role=Role.viewer, name=f"{job.customer.name} (customer)")


def _check_budget(session: Session, job: Job) -> None:
    from sqlalchemy import func

    used = session.scalar(select(func.count()).select_from(Event).where(
        Event.job_id == job.id, Event.action.in_(CUSTOMER_EVENTS))) or 0
    if used >= MAX_REQUESTS:
        raise DomainError("too_many_requests", "This link has sent too many requests; please "
                          "call the office.", status=429)


def _check_open(job: Job, what: str) -> None:
    if job.status in TERMINAL or job.status is JobStatus.on_site:
        state = job.status.value.replace("_", " ")
        raise DomainError("job_not_open", f"The visit is already {state}; "
                          f"it can no longer be {what} here. Please call the office.",
                          status=409)


def do_customer_confirm(session: Session, job: Job) -> Job:
    """The customer confirms the appointment; the board shows it."""
    _check_open(job, "confirmed")
    _check_budget(session, job)
    if not job.customer_confirmed:
        job.customer_confirmed = True
        job.updated_at = utcnow()
        session.flush()
    record_event(session, customer_actor(job), "job.customer_confirmed", "job", job.id,
                 job_id=job.id, technician_id=job.technician_id)
    return job


def do_customer_request(session: Session, job: Job, kind: str, note: str | None) -> Job:
    """A reschedule or cancel request: an exception for the dispatcher, not a change."""
    if kind not in REQUEST_KINDS:
        raise ValidationFailed("bad_request_kind", "Ask to reschedule or to cancel.",
                               field="kind")
    _check_open(job, "rescheduled" if kind == "reschedule" else "cancelled")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed("note_too_long", f"The note has at most {MAX_NOTE} characters.",
                               field="note")
    _check_budget(session, job)
    record_event(session, customer_actor(job), REQUEST_KINDS[kind], "job", job.id,
                 job_id=job.id, technician_id=job.technician_id, reason=note or None,
                 data={"note": note, "exception": True})
    return job
