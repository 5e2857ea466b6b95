"""What a customer message may say about a job: plain values, company-local times."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.company.queries import get_company
from crewboard.db import utcnow
from crewboard.jobs.models import Job
from crewboard.notifications import runtime


def first_name(name: str | None) -> str:
    return (name or "").strip().split(" ")[0] if name else ""


def day_text(tz: ZoneInfo, instant: datetime) -> str:
    local = instant.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}"


def time_text(tz: ZoneInfo, instant: datetime | None) -> str | None:
    return instant.astimezone(tz).strftime("%H:%M") if instant else None


def appointment_text(job: Job, tz: ZoneInfo) -> str:
    """The promise in words: the first window, else the planned start."""
    if job.windows:
        w = job.windows[0]
        same_day = w.starts_at.astimezone(tz).date() == w.ends_at.astimezone(tz).date()
        end = time_text(tz, w.ends_at) if same_day else (
            f"{day_text(tz, w.ends_at)} {time_text(tz, w.ends_at)}")
        return f"{day_text(tz, w.starts_at)}, {time_text(tz, w.starts_at)}-{end}"
    if job.planned_start is not None:
        return f"{day_text(tz, job.planned_start)}, about {time_text(tz, job.planned_start)}"
    return "a time we will confirm"


def absolute(url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith(("https://", "http://")):
        return url
    if url.startswith("/"):
        return runtime.current().public_url.rstrip("/") + url
    return None


def tracking_url(session: Session, job: Job) -> str | None:
    """The job's customer tracking link, created on first use; None when unavailable.

    Reuses the job's live link. A new one is written without an audit row of its
    own: the message that carries it is the record (the outbox row).
    """
    try:
        from crewboard.tracking.actions import closed_at, is_live
        from crewboard.tracking.models import TrackingLink
    except ImportError:  # pragma: no cover - tracking is an optional package
        return None
    settings = runtime.current()
    days = settings.tracking_days_after_close
    base = settings.public_url.rstrip("/")
    for link in session.scalars(select(TrackingLink).where(
            TrackingLink.job_id == job.id, TrackingLink.revoked_at.is_(None))
            .order_by(TrackingLink.id.desc())):
        if is_live(session, link, days):
            return f"{base}/track/{link.token}"
    closed = closed_at(session, job)
    if closed is not None and utcnow() >= closed + timedelta(days=days):
        return None
    link = TrackingLink(job_id=job.id, token=secrets.token_urlsafe(32))
    session.add(link)
    session.flush()
    return f"{base}/track/{link.token}"


def job_context(session: Session, job: Job, tz: ZoneInfo, *,
                link: bool = True) -> dict[str, Any]:
    company = get_company(session)
    customer = job.customer
    name = job.contact_name or customer.name
    tech = job.technician
    window = None
    if job.windows:
        w = job.windows[0]
        window = {"start": time_text(tz, w.starts_at), "end": time_text(tz, w.ends_at),
                  "date": day_text(tz, w.starts_at), "starts_at": w.starts_at.isoformat(),
                  "ends_at": w.ends_at.isoformat()}
    photos = list(job.proof_photos or [])
    minutes = (int((job.completed_at - job.arrived_at).total_seconds() // 60)
               if job.completed_at and job.arrived_at else None)
    return {
        "company": {"name": company.name},
        "customer": {"name": name, "first_name": first_name(name)},
        "job": {"ref": job.ref, "address": job.location.address,
                "description": job.description or "",
                "job_type": job.job_type.name if job.job_type else "",
                "status": job.status.value, "billing_ref": job.billing_ref or ""},
        "appointment": appointment_text(job, tz),
        "window": window,
        "planned_start": time_text(tz, job.planned_start),
        "technician": ({"first_name": first_name(tech.name),
                        "photo_url": absolute(tech.photo_url)} if tech else None),
        "proof": {"notes": job.proof_notes or "", "signed_by": job.signed_by or "",
                  "arrived": time_text(tz, job.arrived_at),
                  "completed": time_text(tz, job.completed_at),
                  "minutes_on_site": minutes, "photos": len(photos)},
        "tracking_url": tracking_url(session, job) if link else None,
        "unsubscribe_url": None,
        "eta": None, "eta_at": None, "old_eta": None, "new_eta": None, "reason": None,
    }


def sample_context(company_name: str, tz: ZoneInfo) -> dict[str, Any]:
    """Made-up data for template previews."""
    start = (utcnow() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=3)
    eta = start + timedelta(minutes=25)
    return {
        "company": {"name": company_name},
        "customer": {"name": "Pat Doe", "first_name": "Pat"},
        "job": {"ref": "J-1042", "address": "1 Main St", "description": "Boiler service",
                "job_type": "repair", "status": "scheduled", "billing_ref": "INV-77"},
        "appointment": f"{day_text(tz, start)}, {time_text(tz, start)}-{time_text(tz, end)}",
        "window": {"start": time_text(tz, start), "end": time_text(tz, end),
                   "date": day_text(tz, start), "starts_at": start.isoformat(),
                   "ends_at": end.isoformat()},
        "planned_start": time_text(tz, start),
        "technician": {"first_name": "Dana",
                       "photo_url": absolute("/static/img/technician.png")},
        "proof": {"notes": "Replaced the valve and tested the system.", "signed_by": "Pat Doe",
                  "arrived": time_text(tz, start), "completed": time_text(tz, end),
                  "minutes_on_site": 95, "photos": 2},
        "tracking_url": runtime.current().public_url.rstrip("/") + "/track/sample-token",
        "unsubscribe_url": runtime.current().public_url.rstrip("/")
        + "/notifications/unsubscribe/sample-token",
        "eta": time_text(tz, eta), "eta_at": eta.isoformat(),
        "old_eta": time_text(tz, start), "new_eta": time_text(tz, eta),
        "reason": "the previous visit ran long",
    }
