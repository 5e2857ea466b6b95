"""Many jobs at once as plain rows, read with Core queries instead of ORM entities.

The board reads a whole day (1,600 jobs and more) on every change; building
ORM entities with their relations cost most of that load. A ``JobRow`` has
the attributes planning reads from a ``Job`` (``status``, ``windows``,
``location.lat``, ``customer.name``, ``skill_levels()``, ...) so the same
planning code runs on either, plus the columns ``read_job_rows`` turns into
the API's job shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from crewboard.customers.models import Customer, ServiceLocation
from crewboard.jobs.kinds import JobStatus, Priority, Source
from crewboard.jobs.models import Job, JobSkill, JobType, JobWindow
from crewboard.technicians.models import Skill, Technician


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class LocationRef:
    id: int
    address: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class WindowRow:
    starts_at: datetime
    ends_at: datetime


@dataclass(slots=True)
class JobRow:
    """One job's columns, its customer's name, place, type name and technician's name."""

    id: int
    customer_id: int
    location_id: int
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    job_type_id: int | None
    description: str | None
    required_equipment: list[str]
    priority: Priority
    duration_min: int
    technician_id: int | None
    planned_start: datetime | None
    pinned: bool
    access_notes: str | None
    status: JobStatus
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
    archived: bool
    created_at: datetime
    updated_at: datetime
    version: int
    customer: CustomerRef
    location: LocationRef
    job_type_name: str | None
    technician_name: str | None
    windows: list[WindowRow] = field(default_factory=list)
    skills: dict[str, int] = field(default_factory=dict)
    content: tuple[object, ...] = ()
    """Every value read for the job, hashable: equal content, equal API shape."""

    @property
    def ref(self) -> str:
        return f"J-{self.id}"

    def skill_levels(self) -> dict[str, int]:
        return dict(self.skills)


_JOB_COLUMNS = [Job.__table__.c[f.name] for f in fields(JobRow) if f.name in Job.__table__.c]
"""The job's own columns, in ``JobRow``'s field order (they come first there)."""
_COLUMNS = (*_JOB_COLUMNS, Customer.name, ServiceLocation.address, ServiceLocation.lat,
            ServiceLocation.lon, JobType.name, Technician.name)
_N = len(_JOB_COLUMNS)
_LISTS = [i for i, c in enumerate(_JOB_COLUMNS) if c.key in ("required_equipment", "proof_photos")]


def job_rows(session: Session, *stmts: Select[tuple[Job]]) -> list[JobRow]:
    """The jobs each ``jobs_query`` statement selects, in its order, each job once.

    Four queries however many jobs: the jobs with their customer, place, type
    and technician joined, then every window and every skill of those jobs.
    """
    rows: dict[int, JobRow] = {}
    customers: dict[int, CustomerRef] = {}
    places: dict[int, LocationRef] = {}
    for stmt in stmts:
        wide = (stmt.with_only_columns(*_COLUMNS)
                .join_from(Job, Customer, Job.customer_id == Customer.id)
                .join_from(Job, ServiceLocation, Job.location_id == ServiceLocation.id)
                .outerjoin_from(Job, JobType, Job.job_type_id == JobType.id)
                .outerjoin_from(Job, Technician, Job.technician_id == Technician.id))
        for r in session.execute(wide):
            if r[0] in rows:
                continue
            customer = customers.get(r[1])
            if customer is None:
                customer = customers[r[1]] = CustomerRef(r[1], r[_N])
            place = places.get(r[2])
            if place is None:
                place = places[r[2]] = LocationRef(r[2], r[_N + 1], r[_N + 2], r[_N + 3])
            rows[r[0]] = row = JobRow(*r[:_N], customer, place, r[_N + 4], r[_N + 5])
            values = list(r)
            for i in _LISTS:
                values[i] = tuple(values[i])
            row.content = tuple(values)
    if not rows:
        return []
    ids = [stmt.with_only_columns(Job.id) for stmt in stmts]
    windows = (select(JobWindow.job_id, JobWindow.starts_at, JobWindow.ends_at)
               .where(or_(*(JobWindow.job_id.in_(s) for s in ids)))
               .order_by(JobWindow.job_id, JobWindow.starts_at, JobWindow.id))
    for job_id, starts_at, ends_at in session.execute(windows):
        rows[job_id].windows.append(WindowRow(starts_at, ends_at))
    skills = (select(JobSkill.job_id, Skill.name, JobSkill.min_level)
              .join_from(JobSkill, Skill, JobSkill.skill_id == Skill.id)
              .where(or_(*(JobSkill.job_id.in_(s) for s in ids)))
              .order_by(JobSkill.job_id, JobSkill.id))
    for job_id, name, level in session.execute(skills):
        rows[job_id].skills[name] = level
    for row in rows.values():
        row.content = (row.content, tuple(row.windows), tuple(row.skills.items()))
    return list(rows.values())

