"""Turning a Job row into its API shape."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from crewboard.auth.actor import Actor
from crewboard.jobs.kinds import JobStatus
from crewboard.jobs.lifecycle import allowed_actions
from crewboard.jobs.models import Job
from crewboard.jobs.rows import JobRow
from crewboard.jobs.schemas import JobRead, WindowRead


def read_job(job: Job, actor: Actor | None = None) -> JobRead:
    """Built without re-validation: every value comes from a validated row."""
    return JobRead.model_construct(
        id=job.id, ref=job.ref, status=job.status, priority=job.priority,
        customer_id=job.customer_id, customer_name=job.customer.name,
        location_id=job.location_id, address=job.location.address, lat=job.location.lat,
        lon=job.location.lon, contact_name=job.contact_name, contact_phone=job.contact_phone,
        contact_email=job.contact_email, job_type_id=job.job_type_id,
        job_type=job.job_type.name if job.job_type else None, description=job.description,
        required_skills=job.skill_levels(), required_equipment=list(job.required_equipment),
        windows=[WindowRead.model_construct(start=w.starts_at, end=w.ends_at)
                 for w in job.windows],
        duration_min=job.duration_min, technician_id=job.technician_id,
        technician_name=job.technician.name if job.technician else None,
        planned_start=job.planned_start, planned_end=job.planned_end, pinned=job.pinned,
        access_notes=job.access_notes, customer_confirmed=job.customer_confirmed,
        arrived_at=job.arrived_at, completed_at=job.completed_at, proof_notes=job.proof_notes,
        proof_photos=list(job.proof_photos), signature_ref=job.signature_ref,
        signed_by=job.signed_by, outcome_reason=job.outcome_reason,
        billing_ref=job.billing_ref, parent_id=job.parent_id, source=job.source,
        created_by_user_id=job.created_by_user_id, created_at=job.created_at,
        updated_at=job.updated_at, archived=job.archived, version=job.version,
        allowed_actions=allowed_actions(job.status, actor))


def json_time(value: datetime | None) -> str | None:
    """An aware datetime as pydantic's JSON mode writes it (UTC as ``Z``)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def read_job_rows(rows: Sequence[JobRow], actor: Actor | None = None) -> list[dict[str, Any]]:
    """``read_job(job, actor).model_dump(mode="json")`` for many rows, without pydantic.

    The same keys, order and values (a test holds the two together); pydantic
    costs about 80 us a job, which is most of a 1,600-job board.
    """
    actions = _actions(actor)
    return [_job_json(j, actions[j.status]) for j in rows]


def encode_job_rows(rows: Sequence[JobRow], actor: Actor | None = None) -> list[str]:
    """``json.dumps`` of each of ``read_job_rows``, kept with the row for each set of
    allowed actions.

    Every change makes every open board re-read the day, and a change touches
    one job or a few: ``job_rows`` hands back the same row for every unchanged
    job, so the other 1,600 need not be built and encoded again.
    """
    actions = _actions(actor)
    out: list[str] = []
    for j in rows:
        allowed = actions[j.status]
        key = ("json", *allowed)
        text = j.derived.get(key)
        if text is None:
            text = j.derived[key] = json.dumps(_job_json(j, allowed))
        out.append(text)  # type: ignore[arg-type]
    return out


def _actions(actor: Actor | None) -> dict[JobStatus, list[str]]:
    return {s: allowed_actions(s, actor) for s in JobStatus}


def _job_json(j: JobRow, allowed: list[str]) -> dict[str, Any]:
    """Fresh lists and dicts: rows are shared between requests (see ``job_rows``)."""
    planned_end = j.planned_start + timedelta(minutes=j.duration_min) \
        if j.planned_start is not None else None
    return {
        "id": j.id, "ref": f"J-{j.id}", "status": j.status.value,
        "priority": j.priority.value, "customer_id": j.customer_id,
        "customer_name": j.customer.name, "location_id": j.location_id,
        "address": j.location.address, "lat": j.location.lat, "lon": j.location.lon,
        "contact_name": j.contact_name, "contact_phone": j.contact_phone,
        "contact_email": j.contact_email, "job_type_id": j.job_type_id,
        "job_type": j.job_type_name, "description": j.description,
        "required_skills": dict(j.skills), "required_equipment": list(j.required_equipment),
        "windows": [{"start": json_time(w.starts_at), "end": json_time(w.ends_at)}
                    for w in j.windows],
        "duration_min": j.duration_min, "technician_id": j.technician_id,
        "technician_name": j.technician_name, "planned_start": json_time(j.planned_start),
        "planned_end": json_time(planned_end), "pinned": j.pinned,
        "access_notes": j.access_notes, "customer_confirmed": j.customer_confirmed,
        "arrived_at": json_time(j.arrived_at), "completed_at": json_time(j.completed_at),
        "proof_notes": j.proof_notes, "proof_photos": list(j.proof_photos),
        "signature_ref": j.signature_ref, "signed_by": j.signed_by,
        "outcome_reason": j.outcome_reason, "billing_ref": j.billing_ref,
        "parent_id": j.parent_id, "source": j.source.value,
        "created_by_user_id": j.created_by_user_id, "created_at": json_time(j.created_at),
        "updated_at": json_time(j.updated_at), "archived": j.archived,
        "version": j.version, "allowed_actions": list(allowed)}
