"""What a webhook delivery carries: the event, and the job as the API shows it.

Completed jobs carry what billing needs: billing reference, times (on the way,
arrived, completed), minutes on site, proof references and who signed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.events.models import Event
from crewboard.jobs.models import Job
from crewboard.jobs.read import read_job
from crewboard.technicians.models import Technician


def _first_at(session: Session, job_id: int, action: str) -> str | None:
    at = session.scalar(select(Event.at).where(Event.job_id == job_id, Event.action == action)
                        .order_by(Event.id.desc()).limit(1))
    return at.isoformat() if at else None


def completion(session: Session, job: Job) -> dict[str, Any]:
    minutes = (int((job.completed_at - job.arrived_at).total_seconds() // 60)
               if job.completed_at and job.arrived_at else None)
    return {
        "billing_ref": job.billing_ref,
        "en_route_at": _first_at(session, job.id, "job.en_route"),
        "arrived_at": job.arrived_at.isoformat() if job.arrived_at else None,
        "completed_at": job.completed_at.isoformat() if job.completed_at else None,
        "minutes_on_site": minutes,
        "planned_duration_min": job.duration_min,
        "notes": job.proof_notes,
        "photos": list(job.proof_photos or []),
        "signature_ref": job.signature_ref,
        "signed_by": job.signed_by,
        "technician": ({"id": job.technician.id, "name": job.technician.name}
                       if job.technician else None),
    }


def build_payload(session: Session, event_type: str, message: dict[str, Any]
                  ) -> dict[str, Any] | None:
    row = session.get(Event, message.get("event_id")) if message.get("event_id") else None
    body: dict[str, Any] = {
        "id": f"evt_{message.get('event_id')}", "type": event_type,
        "event": message.get("type"), "occurred_at": message.get("at"),
        "data": {},
    }
    if event_type == "technician.location":
        tech = session.get(Technician, message.get("technician_id"))
        if tech is None or row is None:
            return None
        body["data"] = {"technician": {"id": tech.id, "name": tech.name},
                        "lat": row.data.get("lat"), "lon": row.data.get("lon"),
                        "at": row.data.get("at")}
        return body
    job = session.get(Job, message.get("job_id"))
    if job is None:
        return None
    body["data"] = {
        "job": read_job(job).model_dump(mode="json"),
        "transition": {"from": message.get("from"), "to": message.get("to"),
                       "actor": row.actor_name if row else None,
                       "reason": row.reason if row else None},
    }
    if event_type == "job.completed" or job.status.value == "completed":
        body["data"]["completion"] = completion(session, job)
    return body
