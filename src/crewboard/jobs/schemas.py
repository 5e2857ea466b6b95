"""API shapes for job types, jobs, transitions and history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from crewboard.jobs.kinds import IncompleteReason, JobStatus, Priority, Source

Skills = dict[str, int]


class JobTypeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    default_duration_min: int = Field(default=60, ge=5, le=24 * 60)
    default_skills: Skills = Field(default_factory=dict)
    default_equipment: list[str] = Field(default_factory=list)
    requires_signature: bool = False
    requires_photo: bool = False
    requires_notes: bool = True


class JobTypeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=100)
    default_duration_min: int | None = Field(default=None, ge=5, le=24 * 60)
    default_skills: Skills | None = None
    default_equipment: list[str] | None = None
    requires_signature: bool | None = None
    requires_photo: bool | None = None
    requires_notes: bool | None = None


class JobTypeRead(JobTypeIn):
    model_config = ConfigDict(from_attributes=True)

    id: int
    archived: bool
    version: int


class WindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: AwareDatetime
    end: AwareDatetime

    def pair(self) -> tuple[datetime, datetime]:
        return (self.start, self.end)


class WindowRead(BaseModel):
    start: datetime
    end: datetime


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: int
    location_id: int | None = None
    job_type_id: int | None = None
    description: str | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=40)
    contact_email: EmailStr | None = None
    required_skills: Skills | None = None
    required_equipment: list[str] | None = None
    priority: Priority = Priority.normal
    windows: list[WindowIn] = Field(default_factory=list)
    duration_min: int | None = Field(default=None, ge=5, le=24 * 60)
    access_notes: str | None = None
    billing_ref: str | None = Field(default=None, max_length=100)
    parent_id: int | None = None
    source: Source = Source.api


class JobUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    location_id: int | None = None
    job_type_id: int | None = None
    description: str | None = None
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=40)
    contact_email: EmailStr | None = None
    required_skills: Skills | None = None
    required_equipment: list[str] | None = None
    priority: Priority | None = None
    duration_min: int | None = Field(default=None, ge=5, le=24 * 60)
    access_notes: str | None = None
    billing_ref: str | None = Field(default=None, max_length=100)
    pinned: bool | None = None
    customer_confirmed: bool | None = None


class JobRead(BaseModel):
    id: int
    ref: str
    status: JobStatus
    priority: Priority
    customer_id: int
    customer_name: str
    location_id: int
    address: str
    lat: float
    lon: float
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    job_type_id: int | None
    job_type: str | None
    description: str | None
    required_skills: Skills
    required_equipment: list[str]
    windows: list[WindowRead]
    duration_min: int
    technician_id: int | None
    technician_name: str | None
    planned_start: datetime | None
    planned_end: datetime | None
    pinned: bool
    access_notes: str | None
    customer_confirmed: bool
    arrived_at: datetime | None
    completed_at: datetime | None
    proof_notes: str | None
    proof_photos: list[str]
    signature_ref: str | None
    signed_by: str | None
    outcome_reason: str | None
    billing_ref: str | None
    parent_id: int | None
    source: Source
    created_by_user_id: int | None
    created_at: datetime
    updated_at: datetime
    archived: bool
    version: int
    allowed_actions: list[str]


class Warnings(BaseModel):
    code: str
    message: str
    hard: bool


class PlacementRead(BaseModel):
    job: JobRead
    warnings: list[Warnings]


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    technician_id: int
    planned_start: AwareDatetime
    override: bool = False
    override_reason: str | None = None
    pinned: bool | None = None
    dry_run: bool = Field(default=False, description="only run the checks; change nothing")


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    technician_id: int
    planned_start: AwareDatetime | None = None
    reason: str | None = None
    override: bool = False
    override_reason: str | None = None


class RescheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    windows: list[WindowIn] | None = None
    planned_start: AwareDatetime | None = None
    reason: str | None = None
    override: bool = False
    override_reason: str | None = None


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    windows: list[WindowIn] = Field(min_length=1)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = None


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1)


class FieldIn(BaseModel):
    """A technician's tap; ``at`` is when it really happened (offline queue)."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime | None = None


class CompleteIn(FieldIn):
    notes: str | None = None
    photos: list[str] = Field(default_factory=list)
    signature_ref: str | None = None
    signed_by: str | None = None


class IncompleteIn(FieldIn):
    reason: IncompleteReason
    note: str | None = None
    follow_up: bool = True


class OutcomeRead(BaseModel):
    job: JobRead
    follow_up: JobRead | None


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)


class DelayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    minutes: int = Field(gt=0, le=24 * 60)
    reason: str = Field(min_length=1)


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_user_id: int | None
    actor_name: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    data: dict[str, Any]


class HistoryRead(BaseModel):
    job_id: int
    ref: str
    status_timestamps: dict[str, datetime]
    assignments: list[dict[str, Any]]
    reassignments: list[dict[str, Any]]
    schedule_changes: list[dict[str, Any]]
    delays: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    cancellation: dict[str, Any] | None
    outcome: dict[str, Any] | None
    events: list[EventRead]
