"""Reading technicians: office roles see all, a technician sees only themself."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor, Role
from crewboard.errors import NotFound
from crewboard.technicians.models import Skill, Technician, TechnicianSkill


def access_technician(session: Session, actor: Actor, technician_id: int) -> Technician:
    tech = session.get(Technician, technician_id)
    if tech is None or (actor.role is Role.technician and actor.technician_id != tech.id):
        raise NotFound("Technician", technician_id)
    return tech


def access_skill(session: Session, skill_id: int) -> Skill:
    skill = session.get(Skill, skill_id)
    if skill is None:
        raise NotFound("Skill", skill_id)
    return skill


def technicians_query(actor: Actor, *, region: str | None = None, skill: str | None = None,
                      active: bool | None = True, q: str | None = None
                      ) -> Select[tuple[Technician]]:
    stmt = select(Technician).order_by(Technician.name, Technician.id)
    if actor.role is Role.technician:
        stmt = stmt.where(Technician.id == actor.technician_id)
    if region:
        stmt = stmt.where(Technician.region == region)
    if active is not None:
        stmt = stmt.where(Technician.active.is_(active))
    if skill:
        stmt = stmt.where(Technician.id.in_(
            select(TechnicianSkill.technician_id).join(Skill).where(Skill.name == skill)))
    if q:
        stmt = stmt.where(func.lower(Technician.name).like(f"%{q.lower()}%"))
    return stmt
