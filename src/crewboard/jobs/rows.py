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
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from crewboard.customers.models import Customer, ServiceLocation
from crewboard.jobs.kinds import JobStatus, Priority, Source
from crewboard.jobs.models import Job, JobSkill, JobType, JobWindow
from crewboard.rawrows import Memo, RawColumns, dialect_key, execute
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
    derived: dict[object, object] = field(default_factory=dict, compare=False, repr=False)
    """What readers built from this row (its JSON text, its routing job), by what else
    it depended on: kept with the row, so dropped with it."""

    @property
    def ref(self) -> str:
        return f"J-{self.id}"

    def skill_levels(self) -> dict[str, int]:
        return dict(self.skills)


_JOB_COLUMNS = [Job.__table__.c[f.name] for f in fields(JobRow) if f.name in Job.__table__.c]
"""The job's own columns, in ``JobRow``'s field order (they come first there)."""
_N = len(_JOB_COLUMNS)
_WIDE = RawColumns((*_JOB_COLUMNS, Customer.name, ServiceLocation.address, ServiceLocation.lat,
                    ServiceLocation.lon, JobType.name, Technician.name), "job_")
_WINDOW = RawColumns((JobWindow.starts_at, JobWindow.ends_at), "window_")
ROWS_KEPT = 10_000
"""Jobs kept as built (a few kB each with what readers derived): several days' boards."""
_ROWS: Memo[tuple[object, ...], JobRow] = Memo(ROWS_KEPT)


def job_rows(session: Session, *stmts: Select[tuple[Job]]) -> list[JobRow]:
    """The jobs each ``jobs_query`` statement selects, in its order, each job once.

    A query per statement, the jobs with their customer, place, type and
    technician joined, then one for every window and one for every skill of
    those jobs, however many jobs. Read raw (see ``crewboard.rawrows``): a job
    whose values are all as at an earlier read is the ``JobRow`` built then, so
    treat rows as read-only.
    """
    wide: dict[int, tuple[object, ...]] = {}
    for stmt in stmts:
        joined = (stmt.with_only_columns(*_WIDE.selected)
                  .join_from(Job, Customer, Job.customer_id == Customer.id)
                  .join_from(Job, ServiceLocation, Job.location_id == ServiceLocation.id)
                  .outerjoin_from(Job, JobType, Job.job_type_id == JobType.id)
                  .outerjoin_from(Job, Technician, Job.technician_id == Technician.id))
        for r in execute(session, joined):
            wide.setdefault(r[0], tuple(r))
    if not wide:
        return []
    ids = [stmt.with_only_columns(Job.id) for stmt in stmts]
    window_stmt = (select(JobWindow.job_id, *_WINDOW.selected)
                   .where(or_(*(JobWindow.job_id.in_(s) for s in ids)))
                   .order_by(JobWindow.job_id, JobWindow.starts_at, JobWindow.id))
    skill_stmt = (select(JobSkill.job_id, Skill.name, JobSkill.min_level)
                  .join_from(JobSkill, Skill, JobSkill.skill_id == Skill.id)
                  .where(or_(*(JobSkill.job_id.in_(s) for s in ids)))
                  .order_by(JobSkill.job_id, JobSkill.id))
    windows: dict[int, list[tuple[object, ...]]] = {}
    for job_id, *raw in execute(session, window_stmt):
        windows.setdefault(job_id, []).append(tuple(raw))
    skills: dict[int, list[tuple[object, ...]]] = {}
    for job_id, *skill in execute(session, skill_stmt):
        skills.setdefault(job_id, []).append(tuple(skill))
    dialect = session.get_bind().dialect
    where = dialect_key(dialect)
    keys = [(where, _WIDE.key(raw), tuple(windows.get(job_id, ())),
             tuple(skills.get(job_id, ())))
            for job_id, raw in wide.items()]
    rows = _ROWS.get_many(keys)
    for i, (key, raw) in enumerate(zip(keys, wide.values(), strict=True)):
        if rows[i] is None:
            rows[i] = _ROWS.put(key, _job_row(dialect, key, raw))
    return rows  # type: ignore[return-value]


def _job_row(dialect: Dialect, key: tuple[object, ...], raw: tuple[object, ...]) -> JobRow:
    """The row for raw values not seen before (``key`` holds its windows and skills)."""
    v = _WIDE.convert(dialect, raw)
    row = JobRow(*v[:_N], CustomerRef(v[1], v[_N]),  # type: ignore[arg-type]
                 LocationRef(v[2], v[_N + 1], v[_N + 2], v[_N + 3]),  # type: ignore[arg-type]
                 v[_N + 4], v[_N + 5])  # type: ignore[arg-type]
    for w in key[2]:  # type: ignore[attr-defined]
        row.windows.append(WindowRow(*_WINDOW.convert(dialect, w)))
    row.skills.update(key[3])  # type: ignore[arg-type]
    row.content = key
    return row


def forget_job_rows() -> None:
    """Drop every kept row (benchmarks time a first load)."""
    _ROWS.clear()
