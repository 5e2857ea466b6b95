"""A job's history, read entirely from its audit rows."""

from __future__ import annotations

from typing import Any

from crewboard.events.models import Event


def _entry(e: Event, **extra: Any) -> dict[str, Any]:
    return {"at": e.at, "by": e.actor_name, "reason": e.reason, **extra}


def build_history(job_id: int, ref: str, events: list[Event]) -> dict[str, Any]:
    """Status timestamps, assignments, reassignments, delays, notes and outcome."""
    status: dict[str, Any] = {}
    out: dict[str, Any] = {"job_id": job_id, "ref": ref, "status_timestamps": status,
                           "assignments": [], "reassignments": [], "schedule_changes": [],
                           "delays": [], "notes": [], "cancellation": None, "outcome": None,
                           "events": events}
    for e in events:
        if e.to_state and e.to_state != e.from_state:
            status[e.to_state] = e.data.get("occurred_at", e.at)
        d = e.data
        if e.action == "job.assigned":
            out["assignments"].append(_entry(e, technician_id=d.get("technician_id"),
                                             technician=d.get("technician"),
                                             planned_start=d.get("planned_start"),
                                             warnings=d.get("warnings", []),
                                             overridden=d.get("overridden", [])))
        elif e.action == "job.reassigned":
            entry = _entry(e, from_technician=d.get("from_technician"),
                           from_technician_id=d.get("from_technician_id"),
                           technician=d.get("technician"), technician_id=d.get("technician_id"),
                           planned_start=d.get("planned_start"))
            out["reassignments"].append(entry)
            out["assignments"].append(entry)
        elif e.action in ("job.rescheduled", "job.scheduled", "job.unassigned"):
            out["schedule_changes"].append(_entry(e, action=e.action, changes=d))
        elif e.action == "job.delay_reported":
            out["delays"].append(_entry(e, minutes=d.get("minutes")))
        elif e.action == "job.note":
            out["notes"].append(_entry(e, text=d.get("text")))
        elif e.action == "job.cancelled":
            out["cancellation"] = _entry(e)
        elif e.action in ("job.completed", "job.incomplete"):
            out["outcome"] = _entry(e, status=e.to_state, **d)
    return out
