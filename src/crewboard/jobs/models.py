"""Job records: what must be done, where, when, by whom, and what happened."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crewboard.customers.models import Customer, ServiceLocation
from crewboard.db import Base, UTCDateTime, utcnow
from crewboard.jobs.kinds import JobStatus, Priority, Source
from crewboard.technicians.models import Skill, Technician


class JobType(Base):
    __tablename__ = "job_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    default_duration_min: Mapped[int] = mapped_column(Integer, default=60)
    default_skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    default_equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    requires_signature: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_notes: Mapped[bool] = mapped_column(Boolean, default=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_tech_start", "technician_id", "planned_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("service_locations.id"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    job_type_id: Mapped[int | None] = mapped_column(ForeignKey("job_types.id"))
    description: Mapped[str | None] = mapped_column(Text)
    required_equipment: Mapped[list[str]] = mapped_column(JSON, default=list)
    priority: Mapped[Priority] = mapped_column(
        Enum(Priority, native_enum=False, length=20), default=Priority.normal, index=True)
    duration_min: Mapped[int] = mapped_column(Integer, default=60)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"), index=True)
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    access_notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=20), default=JobStatus.unscheduled, index=True)
    customer_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proof_notes: Mapped[str | None] = mapped_column(Text)
    proof_photos: Mapped[list[str]] = mapped_column(JSON, default=list)
    signature_ref: Mapped[str | None] = mapped_column(String(500))
    signed_by: Mapped[str | None] = mapped_column(String(200))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    billing_ref: Mapped[str | None] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    source: Mapped[Source] = mapped_column(
        Enum(Source, native_enum=False, length=20), default=Source.phone)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    customer: Mapped[Customer] = relationship(lazy="joined")
    location: Mapped[ServiceLocation] = relationship(lazy="joined")
    job_type: Mapped[JobType | None] = relationship(lazy="joined")
    technician: Mapped[Technician | None] = relationship(lazy="joined")
    windows: Mapped[list[JobWindow]] = relationship(
        back_populates="job", cascade="all, delete-orphan", lazy="selectin",
        order_by="JobWindow.starts_at")
    skills: Mapped[list[JobSkill]] = relationship(
        back_populates="job", cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}

    @property
    def ref(self) -> str:
        """The job number people say on the phone."""
        return f"J-{self.id}"

    @property
    def planned_end(self) -> datetime | None:
        if self.planned_start is None:
            return None
        return self.planned_start + timedelta(minutes=self.duration_min)

    def skill_levels(self) -> dict[str, int]:
        return {s.skill.name: s.min_level for s in self.skills}


class JobWindow(Base):
    """An appointment window promised to the customer (arrival between start and end)."""

    __tablename__ = "job_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    job: Mapped[Job] = relationship(back_populates="windows")


class JobSkill(Base):
    __tablename__ = "job_skills"
    __table_args__ = (UniqueConstraint("job_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"))
    min_level: Mapped[int] = mapped_column(Integer, default=1)

    job: Mapped[Job] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="joined")


class IdempotencyKey(Base):
    """A replayed request with the same key returns the first answer, once applied."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
