"""Stored optimization proposals: a plan is a proposal until someone applies it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from crewboard.db import Base, UTCDateTime, utcnow


class PlanProposal(Base):
    __tablename__ = "plan_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    job_versions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """Each job's version when proposed: applying over a changed job is refused."""


class JobEta(Base):
    """The latest prediction for an open job: kept apart from the job row so
    predictions never collide with people's edits (no version bump)."""

    __tablename__ = "job_etas"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    technician_id: Mapped[int | None] = mapped_column(index=True)
    arrival: Mapped[datetime] = mapped_column(UTCDateTime)
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    late_s: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    announced_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """The start the customer was last told (planned start until a delay alert)."""
