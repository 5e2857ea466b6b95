"""Turning a Job row into its API shape."""

from __future__ import annotations

from crewboard.auth.actor import Actor
from crewboard.jobs.lifecycle import allowed_actions
from crewboard.jobs.models import Job
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
