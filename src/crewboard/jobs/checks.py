"""Scheduling checks for putting a job on a technician's day.

Hard findings (skill, absence, inactive) refuse the assignment unless the
dispatcher overrides; soft ones (double booking, shift, window, equipment)
come back as warnings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.company.clock import fmt_local, local_at, local_day
from crewboard.errors import DomainError
from crewboard.jobs.kinds import TERMINAL
from crewboard.jobs.models import Job
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Technician

WEEKDAYS = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    hard: bool

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def check_assignment(session: Session, tz: ZoneInfo, job: Job, tech: Technician,
                     start: datetime) -> list[Finding]:
    """Every reason this technician at this time is wrong or risky for this job."""
    end = start + timedelta(minutes=job.duration_min)
    return [*_skills(job, tech), *_availability(tech, start, end, tz),
            *_double_booking(session, tz, job, tech, start, end), *_shift(tech, start, end, tz),
            *_window(job, start, tz), *_equipment(job, tech)]


def _skills(job: Job, tech: Technician) -> list[Finding]:
    held = tech.skill_levels()
    out = []
    for name, level in job.skill_levels().items():
        have = held.get(name)
        if have is None:
            out.append(Finding("skill_mismatch", f"{tech.name} lacks the skill '{name}' that "
                               f"job {job.ref} requires.", hard=True))
        elif have < level:
            out.append(Finding("skill_mismatch", f"{tech.name} has '{name}' at level {have}; "
                               f"job {job.ref} needs level {level}.", hard=True))
    return out


def _availability(tech: Technician, start: datetime, end: datetime,
                  tz: ZoneInfo) -> list[Finding]:
    out = []
    if not tech.active:
        out.append(Finding("technician_inactive", f"{tech.name} is not an active technician.",
                           hard=True))
    for absence in tech.absences:
        if absence.starts_at < end and start < absence.ends_at:
            what = "called out" if absence.kind is AbsenceKind.call_out else "on time off"
            why = f" ({absence.reason})" if absence.reason else ""
            out.append(Finding(
                "technician_absent",
                f"{tech.name} is {what}{why} from {_when(tz, absence.starts_at)} to "
                f"{_when(tz, absence.ends_at)}.", hard=True))
    return out


def _when(tz: ZoneInfo, instant: datetime) -> str:
    return instant.astimezone(tz).strftime("%a %d %b %H:%M")


def _double_booking(session: Session, tz: ZoneInfo, job: Job, tech: Technician,
                    start: datetime, end: datetime) -> list[Finding]:
    others = session.scalars(
        select(Job).where(Job.technician_id == tech.id, Job.id != job.id,
                          Job.status.not_in(TERMINAL), Job.planned_start.is_not(None),
                          Job.planned_start < end,
                          Job.planned_start > start - timedelta(hours=24)))
    out = []
    for other in others:
        if other.planned_end and other.planned_end > start:
            out.append(Finding(
                "double_booking",
                f"Overlaps {other.ref} ({fmt_local(tz, other.planned_start)}-"  # type: ignore[arg-type]
                f"{fmt_local(tz, other.planned_end)}) on {tech.name}'s day.", hard=False))
    return out


def _shift(tech: Technician, start: datetime, end: datetime, tz: ZoneInfo) -> list[Finding]:
    day = local_day(tz, start)
    shift = next((s for s in tech.shifts if s.weekday == day.weekday()), None)
    if shift is None:
        return [Finding("outside_shift", f"{tech.name} does not work on "
                        f"{WEEKDAYS[day.weekday()]}.", hard=False)]
    shift_start, shift_end = local_at(tz, day, shift.start), local_at(tz, day, shift.end)
    if start < shift_start:
        return [Finding("outside_shift", f"Starts at {fmt_local(tz, start)}, before "
                        f"{tech.name}'s shift begins at {shift.start}.", hard=False)]
    if end > shift_end:
        return [Finding("outside_shift", f"Ends at {fmt_local(tz, end)}, after "
                        f"{tech.name}'s shift ends at {shift.end}.", hard=False)]
    return []


def _window(job: Job, start: datetime, tz: ZoneInfo) -> list[Finding]:
    if not job.windows or any(w.starts_at <= start <= w.ends_at for w in job.windows):
        return []
    windows = ", ".join(f"{fmt_local(tz, w.starts_at)}-{fmt_local(tz, w.ends_at)}"
                        for w in job.windows)
    return [Finding("outside_window", f"Planned arrival {fmt_local(tz, start)} misses the "
                    f"appointment window {windows} of {job.ref}.", hard=False)]


def _equipment(job: Job, tech: Technician) -> list[Finding]:
    missing = sorted(set(job.required_equipment) - set(tech.equipment))
    if not missing:
        return []
    return [Finding("missing_equipment", f"{tech.name} does not carry "
                    f"{', '.join(missing)} needed for {job.ref}.", hard=False)]


class AssignmentRefused(DomainError):
    """Hard findings without an override: the whole list travels with the error."""

    status = 409

    def __init__(self, findings: list[Finding]) -> None:
        hard = [f for f in findings if f.hard]
        super().__init__(hard[0].code, " ".join(f.message for f in hard)
                         + " A dispatcher may override with a reason.",
                         data={"findings": [f.to_dict() for f in findings]})
