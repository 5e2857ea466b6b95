"""The append-only audit trail: one row per change, written in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crewboard.db import Base, UTCDateTime, utcnow


class Event(Base):
    """What happened, to what, by whom, when, from which state to which, and why."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column()
    job_id: Mapped[int | None] = mapped_column(index=True)
    technician_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def message(self) -> dict[str, Any]:
        """What subscribers (boards, phones, notification rules) receive after commit."""
        return {"type": self.action, "event_id": self.id, "entity_type": self.entity_type,
                "entity_id": self.entity_id, "job_id": self.job_id,
                "technician_id": self.technician_id, "from": self.from_state,
                "to": self.to_state, "at": self.at.isoformat()}
