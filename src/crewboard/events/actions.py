"""Writing audit rows; every ``do_*`` action calls ``record_event``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.db import utcnow
from crewboard.events import bus
from crewboard.events.models import Event


def record_event(session: Session, actor: Actor, action: str, entity_type: str,
                 entity_id: int, *, job_id: int | None = None,
                 technician_id: int | None = None, from_state: str | None = None,
                 to_state: str | None = None, reason: str | None = None,
                 data: dict[str, Any] | None = None) -> Event:
    """Append an audit row and queue its after-commit publication."""
    row = Event(at=utcnow(), actor_user_id=actor.user_id, actor_name=actor.name,
                entity_type=entity_type, entity_id=entity_id, job_id=job_id,
                technician_id=technician_id, action=action, from_state=from_state,
                to_state=to_state, reason=reason, data=_jsonable(data or {}))
    session.add(row)
    session.flush()
    bus.queue(session, row.message())
    return row


def _jsonable(value: Any) -> Any:
    """Datetimes and other objects in change sets become strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
