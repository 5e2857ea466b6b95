"""The event types an integration can subscribe to, and which audit events feed each."""

from __future__ import annotations

from typing import Any

WEBHOOK_EVENTS: dict[str, str] = {
    "job.created": "a job was booked",
    "job.assigned": "a job was put on (or moved to) a technician's plan",
    "job.status_changed": "any change of a job's status",
    "job.rescheduled": "a job's window or planned start changed",
    "job.completed": "a job was completed (proof of service, times, billing reference)",
    "job.incomplete": "a visit ended unfinished (reason, follow-up)",
    "job.cancelled": "a job was cancelled",
    "technician.location": "a technician's phone reported its position",
}
DIRECT = {"job.created": "job.created", "job.assigned": "job.assigned",
          "job.reassigned": "job.assigned", "job.rescheduled": "job.rescheduled",
          "job.completed": "job.completed", "job.incomplete": "job.incomplete",
          "job.cancelled": "job.cancelled", "technician.location": "technician.location"}


def webhook_types(message: dict[str, Any]) -> list[str]:
    """Subscription event types an audit event counts as."""
    action = message.get("type")
    out = []
    if action in DIRECT:
        out.append(DIRECT[action])
    if (isinstance(action, str) and action.startswith("job.") and message.get("to")
            and message.get("from") and message.get("from") != message.get("to")):
        out.append("job.status_changed")
    return out
