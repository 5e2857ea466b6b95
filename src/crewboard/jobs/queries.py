"""Reading jobs: office roles see all; a technician sees only their own jobs."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload

from crewboard.auth.actor import Actor, Role
from crewboard.company.clock import day_bounds
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.errors import NotFound
from crewboard.events.models import Event
from crewboard.jobs.kinds import JobStatus, Priority
from crewboard.jobs.models import Job, JobSkill, JobType, JobWindow
from crewboard.technicians.models import Skill, Technician


def day_loading(stmt: Select[tuple[Job]]) -> Select[tuple[Job]]:
    """Eager loads for reading many jobs at once (board, planning): what a job
    shows, nothing more. The technician comes from the session's identity map
    when the caller loaded the crew first."""
    return stmt.options(
        selectinload(Job.windows), selectinload(Job.skills),
        joinedload(Job.customer).lazyload(Customer.locations), joinedload(Job.location),
        joinedload(Job.job_type), lazyload(Job.technician))


def access_job(session: Session, actor: Actor, job_id: int) -> Job:
    """The job if the actor may see it; 404 alike for missing and forbidden."""
    job = session.get(Job, job_id)
    if job is None or (actor.role is Role.technician
                       and (actor.technician_id is None
                            or job.technician_id != actor.technician_id)):
        raise NotFound("Job", f"J-{job_id}")
    return job


def access_job_type(session: Session, job_type_id: int) -> JobType:
    job_type = session.get(JobType, job_type_id)
    if job_type is None:
        raise NotFound("Job type", job_type_id)
    return job_type


def on_day(tz: ZoneInfo, day: date):  # type: ignore[no-untyped-def]
    """Jobs planned on, or with a window on, the company-local ``day``."""
    start, end = day_bounds(tz, day)
    return or_(and_(Job.planned_start >= start, Job.planned_start < end),
               exists().where(JobWindow.job_id == Job.id, JobWindow.starts_at < end,
                              JobWindow.ends_at > start))


def jobs_query(actor: Actor, tz: ZoneInfo, *, day: date | None = None,
               status: list[JobStatus] | None = None, technician_id: int | None = None,
               priority: list[Priority] | None = None, region: str | None = None,
               skill: str | None = None, job_type_id: int | None = None,
               customer_id: int | None = None, q: str | None = None,
               unassigned: bool | None = None, include_archived: bool = False
               ) -> Select[tuple[Job]]:
    stmt = select(Job).order_by(Job.planned_start.is_(None), Job.planned_start, Job.id)
    if actor.role is Role.technician:
        # an unlinked account sees nothing (== None would mean "unassigned")
        stmt = stmt.where(Job.technician_id == actor.technician_id
                          if actor.technician_id is not None else false())
    if not include_archived:
        stmt = stmt.where(Job.archived.is_(False))
    if day is not None:
        stmt = stmt.where(on_day(tz, day))
    if status:
        stmt = stmt.where(Job.status.in_(status))
    if technician_id is not None:
        stmt = stmt.where(Job.technician_id == technician_id)
    if unassigned is not None:
        stmt = stmt.where(Job.technician_id.is_(None) if unassigned
                          else Job.technician_id.is_not(None))
    if priority:
        stmt = stmt.where(Job.priority.in_(priority))
    if region:
        stmt = stmt.where(Job.technician_id.in_(
            select(Technician.id).where(Technician.region == region)))
    if skill:
        stmt = stmt.where(Job.id.in_(select(JobSkill.job_id).join(Skill)
                                     .where(Skill.name == skill)))
    if job_type_id is not None:
        stmt = stmt.where(Job.job_type_id == job_type_id)
    if customer_id is not None:
        stmt = stmt.where(Job.customer_id == customer_id)
    if q:
        like = f"%{q.lower()}%"
        number = q.upper().removeprefix("J-")
        stmt = stmt.where(or_(
            Job.customer_id.in_(select(Customer.id).where(func.lower(Customer.name).like(like))),
            Job.location_id.in_(select(ServiceLocation.id)
                                .where(func.lower(ServiceLocation.address).like(like))),
            # a long digit string (a phone number) is no job number: ids are 32-bit
            Job.id == (int(number) if number.isdigit() and len(number) <= 9 else -1)))
    return stmt


def job_events(session: Session, job_id: int) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.job_id == job_id)
                                .order_by(Event.at, Event.id)))
