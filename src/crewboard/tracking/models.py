"""Tracking links: one live link per job, revocable, expiring after the job closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crewboard.db import Base, UTCDateTime, utcnow
from crewboard.jobs.models import Job


class TrackingLink(Base):
    """``token`` is 256 random bits (URL-safe), kept so the office can send the link
    again; only an exact match opens the page."""

    __tablename__ = "tracking_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[Job] = relationship(lazy="joined")
