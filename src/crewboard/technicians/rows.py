"""The crew for one day as plain rows, read with Core queries (see ``jobs/rows.py``).

A ``TechnicianRow`` has the attributes planning reads from a ``Technician``
(``shifts``, ``absences``, ``skill_levels()``, positions), holding only the
shift of the day's weekday and the absences that touch the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Absence, Shift, Skill, Technician, TechnicianSkill


@dataclass(frozen=True, slots=True)
class ShiftRow:
    weekday: int
    start: str
    end: str
    break_minutes: int


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    kind: AbsenceKind
    starts_at: datetime
    ends_at: datetime
    reason: str | None


@dataclass(slots=True)
class TechnicianRow:
    id: int
    name: str
    photo_url: str | None
    home_lat: float
    home_lon: float
    end_lat: float | None
    end_lon: float | None
    equipment: list[str]
    region: str | None
    last_lat: float | None
    last_lon: float | None
    last_seen_at: datetime | None
    skills: dict[str, int] = field(default_factory=dict)
    shifts: list[ShiftRow] = field(default_factory=list)
    absences: list[AbsenceRow] = field(default_factory=list)

    def skill_levels(self) -> dict[str, int]:
        return dict(self.skills)


_COLUMNS = [Technician.__table__.c[f.name] for f in fields(TechnicianRow)
            if f.name in Technician.__table__.c]
"""The technician's own columns, in ``TechnicianRow``'s field order (they come first)."""


def technician_rows(session: Session, weekday: int, start: datetime, end: datetime,
                    ids: Sequence[int] | None = None) -> list[TechnicianRow]:
    """Active technicians (all, or ``ids``) by id, with skills, the shift on ``weekday``
    and the absences overlapping ``[start, end)``: four queries however big the crew."""
    crew = select(Technician.id).where(Technician.active.is_(True))
    if ids is not None:
        crew = crew.where(Technician.id.in_(ids))
    rows = {r[0]: TechnicianRow(*r) for r in session.execute(
        select(*_COLUMNS).where(Technician.id.in_(crew)).order_by(Technician.id))}
    if not rows:
        return []
    for tech_id, name, level in session.execute(
            select(TechnicianSkill.technician_id, Skill.name, TechnicianSkill.level)
            .join_from(TechnicianSkill, Skill, TechnicianSkill.skill_id == Skill.id)
            .where(TechnicianSkill.technician_id.in_(crew))
            .order_by(TechnicianSkill.technician_id, TechnicianSkill.id)):
        rows[tech_id].skills[name] = level
    for tech_id, *shift in session.execute(
            select(Shift.technician_id, Shift.weekday, Shift.start, Shift.end,
                   Shift.break_minutes)
            .where(Shift.technician_id.in_(crew), Shift.weekday == weekday)
            .order_by(Shift.technician_id, Shift.id)):
        rows[tech_id].shifts.append(ShiftRow(*shift))
    for tech_id, *absence in session.execute(
            select(Absence.technician_id, Absence.kind, Absence.starts_at, Absence.ends_at,
                   Absence.reason)
            .where(Absence.technician_id.in_(crew), Absence.starts_at < end,
                   Absence.ends_at > start)
            .order_by(Absence.technician_id, Absence.starts_at, Absence.id)):
        rows[tech_id].absences.append(AbsenceRow(*absence))
    return list(rows.values())
