"""Turning a company-local day in the database into a routing Problem.

Everything time-zone aware happens here: routing sees integer seconds from
the day's local midnight. Appointment windows are *arrival* windows in the
office's language; routing windows hold the whole visit, so a window
``[a, b]`` becomes ``[a, b + duration]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crewboard.company.clock import day_bounds, local_at
from crewboard.company.queries import company_tz
from crewboard.db import utcnow
from crewboard.jobs.kinds import IN_PROGRESS, JobStatus, Priority
from crewboard.jobs.models import Job
from crewboard.jobs.queries import day_loading, on_day
from crewboard.jobs.rows import JobRow
from crewboard.routing import problem as rp
from crewboard.technicians.models import Technician
from crewboard.technicians.rows import TechnicianRow

LUNCH_WINDOW = ("11:00", "14:00")
"""Lunch must start in this local interval (the shift's break length is kept)."""
FRESH_POSITION = timedelta(minutes=30)
"""A phone fix older than this is not trusted as the technician's position."""
PLANNABLE = (JobStatus.scheduled, JobStatus.assigned, JobStatus.dispatched,
             JobStatus.accepted, JobStatus.en_route, JobStatus.on_site)
PROMISED = (JobStatus.dispatched, JobStatus.accepted)
"""Sent to and accepted by a technician: a re-plan may re-sequence, not reassign."""


def job_key(job_id: int) -> str:
    return f"J-{job_id}"


def tech_key(tech_id: int) -> str:
    return f"T-{tech_id}"


def key_id(key: str) -> int:
    return int(key.split("-", 1)[1])


DayJob = Job | JobRow
"""An ORM job (planning that writes) or a plain row (the board, which only reads)."""
DayTech = Technician | TechnicianRow


@dataclass(frozen=True)
class DayContext:
    """A day's problem plus the maps back to database rows."""

    day: date
    tz: ZoneInfo
    origin: datetime
    now: datetime | None
    problem: rp.Problem
    jobs: dict[str, DayJob]
    technicians: dict[str, DayTech]

    def to_time(self, seconds: int) -> datetime:
        return self.origin + timedelta(seconds=int(seconds))

    def to_seconds(self, instant: datetime) -> int:
        return int((instant - self.origin).total_seconds())


def load_day(session: Session, day: date, *, now: datetime | None = None,
             technician_ids: Sequence[int] | None = None, include_unassigned: bool = True,
             exclude_job_ids: Sequence[int] = (), options: rp.Options | None = None,
             travel: rp.TravelTimeModel | None = None,
             jobs: Sequence[DayJob] | None = None,
             technicians: Sequence[DayTech] | None = None) -> DayContext:
    """Load ``day``; when ``now`` falls inside it, the past is fixed and techs start from now.

    ``jobs`` and ``technicians`` let a caller that already read the day (the
    board, as plain rows) hand it over instead of reading it again; the jobs
    are filtered the same way, the technicians are taken as given.
    """
    tz = company_tz(session)
    origin, day_end = day_bounds(tz, day)
    origin = origin.astimezone(tz)  # sentences from routing then read in company time
    now = now or utcnow()
    same_day = origin <= now < day_end
    techs = (_technicians(session, technician_ids) if technicians is None
             else list(technicians))
    candidates = (_jobs(session, tz, day) if jobs is None
                  else [j for j in jobs if not j.archived])
    tech_ids = {t.id for t in techs}
    jobs = [j for j in candidates if j.id not in exclude_job_ids and _plannable(j, same_day)
            and (j.technician_id in tech_ids if j.technician_id is not None
                 else include_unassigned)]
    ctx_jobs = {job_key(j.id): j for j in jobs}
    ctx_techs = {tech_key(t.id): t for t in techs}
    origin_s = lambda dt: int((dt - origin).total_seconds())  # noqa: E731
    on_site: dict[int, DayJob] = {}  # one pass over the jobs, not one per technician
    for j in jobs:
        if j.status is JobStatus.on_site and j.technician_id is not None:
            on_site.setdefault(j.technician_id, j)
    tech_keys = set(ctx_techs)
    problem = rp.Problem(
        origin=origin,
        technicians=[_technician(t, tz, day, origin_s, now if same_day else None, on_site)
                     for t in techs],
        jobs=[_routing_job(j, origin, origin_s, tech_keys) for j in jobs],
        options=options or rp.Options(),
        **({"travel": travel} if travel is not None else {}))
    return DayContext(day, tz, origin, now if same_day else None, problem, ctx_jobs, ctx_techs)


def _technicians(session: Session, ids: Sequence[int] | None) -> list[Technician]:
    stmt = select(Technician).where(Technician.active.is_(True)).order_by(Technician.id)
    if ids is not None:
        stmt = stmt.where(Technician.id.in_(ids))
    return list(session.scalars(stmt))


def _jobs(session: Session, tz: ZoneInfo, day: date) -> list[Job]:
    """Open jobs of the day and every unscheduled emergency (filtered by _plannable)."""
    wanted = or_(on_day(tz, day), (Job.status == JobStatus.unscheduled)
                 & (Job.priority == Priority.emergency))
    stmt = (select(Job).where(Job.archived.is_(False), wanted,
                              Job.status.in_([*PLANNABLE, JobStatus.unscheduled]))
            .order_by(Job.id))
    return list(session.scalars(day_loading(stmt)).unique())


def _plannable(job: DayJob, same_day: bool) -> bool:
    """Planned work of the day; on the day itself, unscheduled emergencies too."""
    if job.status in PLANNABLE:
        return True
    return same_day and job.status is JobStatus.unscheduled and job.priority is Priority.emergency


def _technician(tech: DayTech, tz: ZoneInfo, day: date, secs, now: datetime | None,  # type: ignore[no-untyped-def]
                on_site_jobs: dict[int, DayJob]) -> rp.Technician:
    shift = next((s for s in tech.shifts if s.weekday == day.weekday()), None)
    if shift is None:  # not working today: an empty shift keeps pinned jobs explainable
        start = end = secs(local_at(tz, day, "00:00"))
        breaks: list[rp.Break] = []
    else:
        start, end = secs(local_at(tz, day, shift.start)), secs(local_at(tz, day, shift.end))
        lunch_from = max(start, secs(local_at(tz, day, LUNCH_WINDOW[0])))
        lunch_to = min(end - shift.break_minutes * 60, secs(local_at(tz, day, LUNCH_WINDOW[1])))
        breaks = ([rp.Break([rp.TimeWindow(lunch_from, lunch_to)], shift.break_minutes * 60,
                            "lunch")]
                  if shift.break_minutes and lunch_to > lunch_from else [])
    home = rp.Location(tech.home_lat, tech.home_lon)
    end_loc = (rp.Location(tech.end_lat, tech.end_lon)
               if tech.end_lat is not None and tech.end_lon is not None else None)
    time_off = [rp.TimeWindow(max(secs(a.starts_at), start), min(secs(a.ends_at), end))
                for a in tech.absences
                if secs(a.starts_at) < end and secs(a.ends_at) > start]
    current, available = None, None
    if now is not None:
        available = max(secs(now), start)
        fresh = tech.last_seen_at is not None and now - tech.last_seen_at <= FRESH_POSITION
        if fresh:
            current = rp.Location(tech.last_lat, tech.last_lon)  # type: ignore[arg-type]
        on_site = on_site_jobs.get(tech.id)
        if on_site is not None:
            current = rp.Location(on_site.location.lat, on_site.location.lon)
    if end <= start:
        end = start + 1  # routing refuses empty shifts; a 1 s shift holds nothing
    return rp.Technician(
        id=tech_key(tech.id), name=tech.name, start=home, end=end_loc, shift_start=start,
        shift_end=end, skills={**tech.skill_levels(),
                               **{f"equipment:{e}": 1 for e in tech.equipment}},
        breaks=breaks, current_location=current, available_from=available,
        time_off=[w for w in time_off if w.end > w.start])


def _routing_job(job: DayJob, origin: datetime, secs, tech_keys: set[str]) -> rp.Job:  # type: ignore[no-untyped-def]
    """``routing_job``, kept with a plain row (see ``job_rows``): given the row, it
    depends only on the day's origin and whether the job's technician is loaded."""
    if not isinstance(job, JobRow):
        return routing_job(job, secs, tech_keys)
    key = ("routing", origin,
           job.technician_id is not None and tech_key(job.technician_id) in tech_keys)
    made = job.derived.get(key)
    if made is None:
        made = job.derived[key] = routing_job(job, secs, tech_keys)
    return made  # type: ignore[return-value]


def routing_job(job: DayJob, secs, tech_keys: set[str]) -> rp.Job:  # type: ignore[no-untyped-def]
    service = job.duration_min * 60
    windows = [rp.TimeWindow(secs(w.starts_at), secs(w.ends_at) + service) for w in job.windows]
    tech = tech_key(job.technician_id) if job.technician_id is not None else None
    fixed = None
    if job.status in IN_PROGRESS and tech in tech_keys:
        begun = job.arrived_at or job.planned_start
        fixed = rp.Fixed(tech, secs(begun)) if begun is not None else None  # type: ignore[arg-type]
    pinned = tech if tech in tech_keys and (job.pinned or job.status in PROMISED) else None
    return rp.Job(
        id=job_key(job.id), label=job.ref,
        location=rp.Location(job.location.lat, job.location.lon), service_s=service,
        windows=windows,
        required_skills={**job.skill_levels(),
                         **{f"equipment:{e}": 1 for e in job.required_equipment}},
        priority=job.priority.value, pinned_to=pinned, fixed=fixed)  # type: ignore[arg-type]
