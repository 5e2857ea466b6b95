"""Creating and editing skills, technicians, shifts, absences and positions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from crewboard.auth.actor import Actor
from crewboard.changes import apply_changes, check_version
from crewboard.company.clock import check_hhmm
from crewboard.company.queries import get_company
from crewboard.db import utcnow
from crewboard.errors import DomainError, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.geo import check_coordinates
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import (
    Absence,
    LocationPing,
    Shift,
    Skill,
    Technician,
    TechnicianSkill,
)

MAX_CLOCK_SKEW = timedelta(minutes=2)
MAX_PING_AGE = timedelta(days=2)


def check_skill_levels(session: Session, levels: dict[str, int], field: str) -> dict[str, Skill]:
    """Every named skill must exist and the level must not exceed its scale."""
    if not levels:
        return {}
    found = {s.name: s for s in session.scalars(select(Skill).where(Skill.name.in_(levels)))}
    for name, level in levels.items():
        skill = found.get(name)
        if skill is None:
            known = ", ".join(sorted(session.scalars(select(Skill.name)))) or "none yet"
            raise ValidationFailed("unknown_skill",
                                   f"Unknown skill '{name}' (known skills: {known}).",
                                   field=field)
        if not 1 <= level <= skill.max_level:
            raise ValidationFailed("bad_skill_level",
                                   f"Skill '{name}' has levels 1 to {skill.max_level}, "
                                   f"got {level}.", field=field)
    return found


def do_create_skill(session: Session, actor: Actor, **values: Any) -> Skill:
    if session.scalar(select(Skill).where(Skill.name == values["name"])):
        raise DomainError("duplicate_skill", f"Skill '{values['name']}' already exists.",
                          field="name", status=409)
    skill = Skill(**values)
    session.add(skill)
    session.flush()
    record_event(session, actor, "skill.created", "skill", skill.id, data=values)
    return skill


def do_update_skill(session: Session, actor: Actor, skill: Skill,
                    values: dict[str, Any]) -> Skill:
    changed = apply_changes(skill, values)
    session.flush()
    record_event(session, actor, "skill.updated", "skill", skill.id, data={"changed": changed})
    return skill


def do_delete_skill(session: Session, actor: Actor, skill: Skill) -> None:
    from crewboard.jobs.models import JobSkill

    used = session.scalar(select(TechnicianSkill.id).where(TechnicianSkill.skill_id == skill.id)
                          .limit(1)) or session.scalar(
        select(JobSkill.id).where(JobSkill.skill_id == skill.id).limit(1))
    if used:
        raise DomainError("skill_in_use", f"Skill '{skill.name}' is held by technicians or "
                          "required by jobs; remove it from them first.", status=409)
    record_event(session, actor, "skill.deleted", "skill", skill.id, data={"name": skill.name})
    session.delete(skill)
    session.flush()


def _shift_rows(shifts: list[dict[str, Any]]) -> list[Shift]:
    rows = []
    seen: set[int] = set()
    for shift in shifts:
        start = check_hhmm(shift["start"], "shifts.start")
        end = check_hhmm(shift["end"], "shifts.end")
        if end <= start:
            raise ValidationFailed("bad_shift", f"Shift on weekday {shift['weekday']} ends "
                                   f"({end}) before it starts ({start}).", field="shifts")
        if shift["weekday"] in seen:
            raise ValidationFailed("bad_shift", f"Weekday {shift['weekday']} is given twice.",
                                   field="shifts")
        seen.add(shift["weekday"])
        rows.append(Shift(weekday=shift["weekday"], start=start, end=end,
                          break_minutes=shift.get("break_minutes", 30)))
    return rows


def _set_skills(session: Session, tech: Technician, skills: list[dict[str, Any]]) -> None:
    levels = {s["name"]: s["level"] for s in skills}
    found = check_skill_levels(session, levels, "skills")
    tech.skills.clear()
    session.flush()
    for name, level in levels.items():
        tech.skills.append(TechnicianSkill(skill=found[name], level=level))


def do_create_technician(session: Session, actor: Actor, *, skills: list[dict[str, Any]],
                         shifts: list[dict[str, Any]] | None, **values: Any) -> Technician:
    check_coordinates(values.get("home_lat"), values.get("home_lon"), "home")
    check_coordinates(values.get("end_lat"), values.get("end_lon"), "end")
    tech = Technician(**values)
    if shifts is None:
        company = get_company(session)
        shifts = [{"weekday": d, "start": company.day_start, "end": company.day_end}
                  for d in company.working_days]
    tech.shifts = _shift_rows(shifts)
    session.add(tech)
    session.flush()
    _set_skills(session, tech, skills)
    session.flush()
    record_event(session, actor, "technician.created", "technician", tech.id,
                 technician_id=tech.id, data={"name": tech.name, "skills": skills})
    return tech


def do_update_technician(session: Session, actor: Actor, tech: Technician, *,
                         version: int | None, values: dict[str, Any]) -> Technician:
    check_version(tech, version, f"Technician {tech.name}")
    skills = values.pop("skills", None)
    shifts = values.pop("shifts", None)
    check_coordinates(values.get("home_lat", tech.home_lat), values.get("home_lon", tech.home_lon),
                      "home")
    changed = apply_changes(tech, values)
    if skills is not None:
        before = tech.skill_levels()
        _set_skills(session, tech, skills)
        after = {s["name"]: s["level"] for s in skills}
        if before != after:
            changed["skills"] = [before, after]
    if shifts is not None:
        tech.shifts.clear()
        session.flush()
        tech.shifts.extend(_shift_rows(shifts))
        changed["shifts"] = [None, shifts]
    if changed:
        flag_modified(tech, "equipment")  # child-row edits still bump the version
        session.flush()
    record_event(session, actor, "technician.updated", "technician", tech.id,
                 technician_id=tech.id, data={"changed": changed})
    return tech


def do_add_absence(session: Session, actor: Actor, tech: Technician, *, kind: AbsenceKind,
                   starts_at: datetime, ends_at: datetime, reason: str | None) -> Absence:
    """Record time off or a call-out; jobs it touches are reported by the caller's query."""
    if ends_at <= starts_at:
        raise ValidationFailed("bad_interval", "The absence must end after it starts.",
                               field="ends_at")
    if kind is AbsenceKind.call_out and not reason:
        raise ValidationFailed("reason_required", "A call-out needs a reason.", field="reason")
    absence = Absence(technician_id=tech.id, kind=kind, starts_at=starts_at, ends_at=ends_at,
                      reason=reason)
    session.add(absence)
    session.flush()
    session.refresh(tech, ["absences"])
    record_event(session, actor, f"technician.{kind.value}", "technician", tech.id,
                 technician_id=tech.id, reason=reason,
                 data={"absence_id": absence.id, "starts_at": starts_at, "ends_at": ends_at})
    return absence


def do_remove_absence(session: Session, actor: Actor, tech: Technician, absence: Absence) -> None:
    record_event(session, actor, "technician.absence_removed", "technician", tech.id,
                 technician_id=tech.id, data={"absence_id": absence.id, "kind": absence.kind})
    session.delete(absence)
    session.flush()
    session.refresh(tech, ["absences"])


def check_report_time(at: datetime | None, field: str = "at") -> datetime:
    """A field timestamp may lag (offline queue) but never lie about the future."""
    now = utcnow()
    if at is None:
        return now
    if at > now + MAX_CLOCK_SKEW:
        raise ValidationFailed("time_in_future", f"{field} {at.isoformat()} is in the "
                               "future; check the phone's clock.", field=field)
    if at < now - MAX_PING_AGE:
        raise ValidationFailed("time_too_old", f"{field} {at.isoformat()} is too old to apply.",
                               field=field)
    return at


def do_report_location(session: Session, actor: Actor, tech: Technician, *, lat: float,
                       lon: float, at: datetime | None, accuracy_m: float | None) -> LocationPing:
    """Store a breadcrumb; the latest fix becomes the technician's position."""
    check_coordinates(lat, lon)
    at = check_report_time(at)
    ping = LocationPing(technician_id=tech.id, at=at, lat=lat, lon=lon, accuracy_m=accuracy_m)
    session.add(ping)
    if tech.last_seen_at is None or at >= tech.last_seen_at:
        tech.last_lat, tech.last_lon, tech.last_seen_at = lat, lon, at
    session.flush()
    record_event(session, actor, "technician.location", "technician", tech.id,
                 technician_id=tech.id, data={"lat": lat, "lon": lon, "at": at})
    return ping
