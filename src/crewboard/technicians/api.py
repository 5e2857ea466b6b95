"""Routes: skills, technicians, absences and location reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime
from sqlalchemy import select

from crewboard.api.deps import DB, CurrentActor, Dispatcher, Office
from crewboard.api.errors import register_reader
from crewboard.api.idempotency import idempotency_key, remember, replayed
from crewboard.api.pages import Limit, Offset, paginate
from crewboard.auth.actor import Role
from crewboard.errors import Forbidden, NotFound
from crewboard.technicians import actions
from crewboard.technicians.models import Absence, LocationPing, Skill, Technician
from crewboard.technicians.queries import access_skill, access_technician, technicians_query
from crewboard.technicians.schemas import (
    AbsenceIn,
    AbsenceRead,
    LocationReport,
    SkillIn,
    SkillRead,
    TechnicianCreate,
    TechnicianRead,
    TechnicianUpdate,
)

router = APIRouter(tags=["technicians"])
register_reader(Technician, TechnicianRead.model_validate)


@router.get("/skills")
def list_skills(session: DB, actor: CurrentActor, limit: Limit = 500,
                offset: Offset = 0) -> dict:
    return paginate(session, select(Skill).order_by(Skill.name), limit, offset,
                    SkillRead.model_validate)


@router.post("/skills", response_model=SkillRead, status_code=201)
def create_skill(body: SkillIn, session: DB, actor: Dispatcher) -> Skill:
    return actions.do_create_skill(session, actor, **body.model_dump())


@router.patch("/skills/{skill_id}", response_model=SkillRead)
def update_skill(skill_id: int, body: SkillIn, session: DB, actor: Dispatcher) -> Skill:
    return actions.do_update_skill(session, actor, access_skill(session, skill_id),
                                   body.model_dump(exclude_unset=True))


@router.delete("/skills/{skill_id}", status_code=204)
def delete_skill(skill_id: int, session: DB, actor: Dispatcher) -> None:
    actions.do_delete_skill(session, actor, access_skill(session, skill_id))


@router.get("/technicians")
def list_technicians(session: DB, actor: CurrentActor, region: str | None = None,
                     skill: str | None = None, active: bool | None = True,
                     q: str | None = None, limit: Limit = 200, offset: Offset = 0) -> dict:
    stmt = technicians_query(actor, region=region, skill=skill, active=active, q=q)
    return paginate(session, stmt, limit, offset, TechnicianRead.model_validate)


@router.post("/technicians", response_model=TechnicianRead, status_code=201)
def create_technician(body: TechnicianCreate, session: DB, actor: Dispatcher) -> Technician:
    return actions.do_create_technician(session, actor, **body.model_dump())


@router.get("/technicians/{technician_id}", response_model=TechnicianRead)
def read_technician(technician_id: int, session: DB, actor: CurrentActor) -> Technician:
    return access_technician(session, actor, technician_id)


@router.patch("/technicians/{technician_id}", response_model=TechnicianRead)
def update_technician(technician_id: int, body: TechnicianUpdate, session: DB,
                      actor: Dispatcher) -> Technician:
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    tech = access_technician(session, actor, technician_id)
    return actions.do_update_technician(session, actor, tech, version=version, values=values)


@router.delete("/technicians/{technician_id}", status_code=204)
def deactivate_technician(technician_id: int, session: DB, actor: Dispatcher) -> None:
    """Technicians are deactivated, never deleted: their jobs keep their names."""
    tech = access_technician(session, actor, technician_id)
    actions.do_update_technician(session, actor, tech, version=None, values={"active": False})


@router.post("/technicians/{technician_id}/absences", response_model=AbsenceRead,
             status_code=201)
def add_absence(technician_id: int, body: AbsenceIn, session: DB,
                actor: Dispatcher) -> Absence:
    tech = access_technician(session, actor, technician_id)
    return actions.do_add_absence(session, actor, tech, **body.model_dump())


@router.delete("/technicians/{technician_id}/absences/{absence_id}", status_code=204)
def remove_absence(technician_id: int, absence_id: int, session: DB,
                   actor: Dispatcher) -> None:
    tech = access_technician(session, actor, technician_id)
    absence = session.get(Absence, absence_id)
    if absence is None or absence.technician_id != tech.id:
        raise NotFound("Absence", absence_id)
    actions.do_remove_absence(session, actor, tech, absence)


@router.post("/technicians/{technician_id}/location", status_code=201)
def report_location(technician_id: int, body: LocationReport, session: DB,
                    actor: CurrentActor,
                    key: Annotated[str | None, Depends(idempotency_key)] = None) -> object:
    """A phone's position fix; only the technician themself (or the office) may send it."""
    if actor.role is Role.viewer:
        raise Forbidden()
    tech = access_technician(session, actor, technician_id)
    if (again := replayed(session, actor, key)) is not None:
        return again
    ping = actions.do_report_location(session, actor, tech, lat=body.lat, lon=body.lon,
                                      at=body.at, accuracy_m=body.accuracy_m)
    result = {"id": ping.id, "at": ping.at.isoformat()}
    remember(session, actor, key, result, 201)
    return result


@router.get("/technicians/{technician_id}/locations")
def breadcrumbs(technician_id: int, session: DB, actor: Office,
                since: Annotated[AwareDatetime | None, Query()] = None,
                limit: Limit = 500, offset: Offset = 0) -> dict:
    tech = access_technician(session, actor, technician_id)
    stmt = select(LocationPing).where(LocationPing.technician_id == tech.id)
    if since is not None:
        stmt = stmt.where(LocationPing.at >= since)
    return paginate(session, stmt.order_by(LocationPing.at.desc()), limit, offset,
                    lambda p: {"at": p.at, "lat": p.lat, "lon": p.lon,
                               "accuracy_m": p.accuracy_m})
