"""Reading uploads: the office sees all; a technician their own or their jobs'."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.attachments.models import Attachment
from crewboard.auth.actor import Actor, Role
from crewboard.errors import NotFound
from crewboard.jobs.models import Job


def access_attachment(session: Session, actor: Actor, ref: str) -> Attachment:
    row = session.scalar(select(Attachment).where(Attachment.ref == ref))
    if row is None:
        raise NotFound("Attachment", ref)
    if actor.role is Role.technician and row.uploaded_by_user_id != actor.user_id:
        job = session.get(Job, row.job_id) if row.job_id else None
        if job is None or job.technician_id != actor.technician_id:
            raise NotFound("Attachment", ref)
    return row
