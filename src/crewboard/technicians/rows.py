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

from crewboard.rawrows import Memo, RawColumns, dialect_key, execute
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


_TECH = RawColumns([Technician.__table__.c[f.name] for f in fields(TechnicianRow)
                    if f.name in Technician.__table__.c], "tech_")
"""The technician's own columns, in ``TechnicianRow``'s field order (they come first)."""
_ABSENCE = RawColumns((Absence.kind, Absence.starts_at, Absence.ends_at, Absence.reason),
                      "absence_")
_ROWS: Memo[tuple[object, ...], TechnicianRow] = Memo(2_000)
"""Technicians as built, by every value read for them (see ``crewboard.rawrows``)."""


def technician_rows(session: Session, weekday: int, start: datetime, end: datetime,
                    ids: Sequence[int] | None = None) -> list[TechnicianRow]:
    """Active technicians (all, or ``ids``) by id, with skills, the shift on ``weekday``
    and the absences overlapping ``[start, end)``: four queries however big the crew.

    A technician whose values are all as at an earlier read is the row built
    then, so treat rows as read-only.
    """
    crew = select(Technician.id).where(Technician.active.is_(True))
    if ids is not None:
        crew = crew.where(Technician.id.in_(ids))
    raw = {r[0]: tuple(r) for r in execute(session, select(*_TECH.selected).where(
        Technician.id.in_(crew)).order_by(Technician.id))}
    if not raw:
        return []
    parts: dict[int, tuple[list, list, list]] = {i: ([], [], []) for i in raw}  # type: ignore[type-arg]
    skills = (select(TechnicianSkill.technician_id, Skill.name, TechnicianSkill.level)
              .join_from(TechnicianSkill, Skill, TechnicianSkill.skill_id == Skill.id)
              .where(TechnicianSkill.technician_id.in_(crew))
              .order_by(TechnicianSkill.technician_id, TechnicianSkill.id))
    shifts = (select(Shift.technician_id, Shift.weekday, Shift.start, Shift.end,
                     Shift.break_minutes)
              .where(Shift.technician_id.in_(crew), Shift.weekday == weekday)
              .order_by(Shift.technician_id, Shift.id))
    absences = (select(Absence.technician_id, *_ABSENCE.selected)
                .where(Absence.technician_id.in_(crew), Absence.starts_at < end,
                       Absence.ends_at > start)
                .order_by(Absence.technician_id, Absence.starts_at, Absence.id))
    for n, stmt in enumerate((skills, shifts, absences)):
        for tech_id, *values in execute(session, stmt):
            parts[tech_id][n].append(tuple(values))
    dialect = session.get_bind().dialect
    where = dialect_key(dialect)
    keys = [(where, _TECH.key(r), *(tuple(p) for p in parts[i])) for i, r in raw.items()]
    rows = _ROWS.get_many(keys)
    for n, (key, r) in enumerate(zip(keys, raw.values(), strict=True)):
        if rows[n] is None:
            row = TechnicianRow(*_TECH.convert(dialect, r))
            row.skills.update(key[2])
            row.shifts.extend(ShiftRow(*x) for x in key[3])
            row.absences.extend(AbsenceRow(*_ABSENCE.convert(dialect, x)) for x in key[4])
            rows[n] = _ROWS.put(key, row)
    return rows  # type: ignore[return-value]


def forget_technician_rows() -> None:
    """Drop every kept row (benchmarks time a first load)."""
    _ROWS.clear()
