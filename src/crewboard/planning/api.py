"""Routes: the board's day, best-technician suggestions, optimization proposals."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from crewboard.api.deps import DB, CurrentActor, Dispatcher, Office
from crewboard.company.clock import local_day
from crewboard.company.queries import company_tz
from crewboard.db import utcnow
from crewboard.jobs.queries import access_job
from crewboard.planning import propose
from crewboard.planning.board import board_json
from crewboard.planning.suggest import suggest

router = APIRouter(prefix="/planning", tags=["planning"])
Day = Annotated[date | None, Query(alias="date", description="company-local day; default today")]


def _day(session: DB, day: date | None) -> date:
    return day or local_day(company_tz(session), utcnow())


@router.get("/board")
def board(session: DB, actor: CurrentActor, day: Day = None) -> Response:
    """The day as the board draws it (a technician gets only their own route)."""
    return Response(board_json(session, actor, _day(session, day)),
                    media_type="application/json")


@router.get("/suggestions")
def suggestions(session: DB, actor: Office, job_id: int, day: Day = None,
                limit: Annotated[int | None, Query(ge=1, le=1000)] = None) -> dict[str, Any]:
    """Every technician ranked for the job, with the numbers and a sentence each."""
    return suggest(session, access_job(session, actor, job_id), day, limit)


class OptimizeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    day: date | None = Field(default=None, alias="date")
    technician_ids: list[int] | None = Field(default=None, min_length=1)
    time_limit_s: float | None = Field(default=None, gt=0, le=60)


@router.post("/optimize", status_code=201)
def optimize(body: OptimizeIn, session: DB, actor: Dispatcher) -> dict[str, Any]:
    """A proposal: routes, changes, unassigned jobs with reasons, KPIs before/after."""
    proposal = propose.do_propose_plan(session, actor, _day(session, body.day),
                                       technician_ids=body.technician_ids,
                                       time_limit_s=body.time_limit_s)
    return {**proposal.payload, "id": proposal.id, "status": proposal.status}


@router.get("/proposals/{proposal_id}")
def read_proposal(proposal_id: int, session: DB, actor: Office) -> dict[str, Any]:
    proposal = propose.access_proposal(session, proposal_id)
    return {**proposal.payload, "id": proposal.id, "status": proposal.status}


@router.post("/proposals/{proposal_id}/apply")
def apply(proposal_id: int, session: DB, actor: Dispatcher) -> dict[str, Any]:
    proposal = propose.access_proposal(session, proposal_id)
    applied = propose.do_apply_plan(session, actor, proposal)
    return {"applied": applied,
            "proposal": {**proposal.payload, "id": proposal.id, "status": proposal.status}}


@router.post("/proposals/{proposal_id}/discard")
def discard(proposal_id: int, session: DB, actor: Dispatcher) -> dict[str, Any]:
    proposal = propose.access_proposal(session, proposal_id)
    propose.do_discard_plan(session, actor, proposal)
    return {"id": proposal.id, "status": proposal.status}
