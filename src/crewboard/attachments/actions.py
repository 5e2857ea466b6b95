"""Storing uploads: size limit, type sniffed from the bytes, one write per ref."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.attachments.models import Attachment
from crewboard.auth.actor import Actor, Role
from crewboard.errors import DomainError, NotFound, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.jobs.models import Job

REF = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KINDS = ("photo", "signature")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def sniff(data: bytes) -> str | None:
    """The image type the bytes really are (magic numbers), whatever the header said."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_ref(ref: str) -> str:
    if not REF.match(ref):
        raise ValidationFailed("bad_ref", "An attachment ref is 16 to 64 letters, digits, "
                               "'-' or '_' (the phone makes one per file).", field="ref")
    return ref


def check_upload(data: bytes, declared: str | None, kind: str, max_bytes: int) -> str:
    """The content type to store, or a clear refusal."""
    if kind not in KINDS:
        raise ValidationFailed("bad_kind", f"kind must be one of {', '.join(KINDS)}.",
                               field="kind")
    if not data:
        raise ValidationFailed("empty_upload", "The upload is empty.", field="body")
    if len(data) > max_bytes:
        raise DomainError("upload_too_large", f"The upload is {len(data)} bytes; the limit is "
                          f"{max_bytes} bytes.", field="body", status=413)
    sniffed = sniff(data)
    if sniffed is None:
        raise DomainError("unsupported_type", "Only JPEG, PNG and WebP images are accepted.",
                          field="body", status=415)
    declared = (declared or "").split(";")[0].strip().lower()
    if declared and declared not in ("application/octet-stream", sniffed):
        raise DomainError("type_mismatch", f"The upload says {declared} but its bytes are "
                          f"{sniffed}.", field="body", status=415)
    return sniffed


def _job_for(session: Session, actor: Actor, job_id: int | None) -> Job | None:
    if job_id is None:
        return None
    job = session.get(Job, job_id)
    if job is None or (actor.role is Role.technician and job.technician_id != actor.technician_id):
        raise NotFound("Job", f"J-{job_id}")
    return job


def do_store_attachment(session: Session, actor: Actor, upload_dir: Path, *, ref: str,
                        kind: str, data: bytes, content_type: str | None, max_bytes: int,
                        job_id: int | None = None) -> tuple[Attachment, bool]:
    """Write the file and its row; the same bytes under the same ref again is a no-op.

    Returns the row and whether it was created now.
    """
    check_ref(ref)
    if actor.role is Role.viewer:
        raise DomainError("forbidden", "Your role does not allow uploads.", status=403)
    stored_type = check_upload(data, content_type, kind, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(Attachment).where(Attachment.ref == ref))
    if existing is not None:
        if existing.uploaded_by_user_id == actor.user_id and existing.sha256 == digest:
            return existing, False
        raise DomainError("ref_taken", f"Attachment {ref} already exists with other content.",
                          field="ref", status=409)
    job = _job_for(session, actor, job_id)
    rel = Path(ref[:2]) / f"{ref}.{EXTENSIONS[stored_type]}"
    target = Path(upload_dir) / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    row = Attachment(ref=ref, kind=kind, content_type=stored_type, size=len(data),
                     sha256=digest, path=str(rel), job_id=job.id if job else None,
                     uploaded_by_user_id=actor.user_id, technician_id=actor.technician_id)
    session.add(row)
    session.flush()
    record_event(session, actor, "attachment.stored", "attachment", row.id,
                 job_id=row.job_id, technician_id=job.technician_id if job else None,
                 data={"ref": ref, "kind": kind, "size": len(data),
                       "content_type": stored_type})
    return row, True
