"""The dispatch board: the page at /board and the one board-only API route.

The board reads its day from ``GET /api/v1/planning/board`` and acts through
the regular job routes, except for placing a job on the timeline. A drag
means "put this job with this technician at this time"; which transition that
is (assign, reassign, reschedule, or unassign when dropped on the queue)
depends on where the job is now, and the drag was made against the copy the
dispatcher saw. ``POST /api/v1/board/jobs/{id}/move`` therefore carries the
job's version: if someone else moved the job in the meantime the answer is
409 ``stale_version`` with the current job, never a silent overwrite. It also
offers ``dry_run`` for all four moves, so the board can show warnings and ask
before anything changes.

Undo is client-side: each successful move answers with ``undo``, the move
that puts the job back (same route, with the job's new version), so undoing
after someone else touched the job is refused as stale instead of clobbering
their change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict

from crewboard.api.deps import DB, Dispatcher
from crewboard.auth.actor import Role
from crewboard.company.queries import company_tz
from crewboard.errors import Conflict, ValidationFailed
from crewboard.jobs import actions
from crewboard.jobs.checks import check_assignment
from crewboard.jobs.lifecycle import check_transition
from crewboard.jobs.queries import access_job
from crewboard.jobs.read import read_job
from crewboard.jobs.schemas import JobRead, Warnings
from crewboard.web.pages import MaybeActor, render

router = APIRouter()
BOARD_API = "/api/v1/board"


@router.get("/board", include_in_schema=False)
def board_page(request: Request, session: DB, actor: MaybeActor) -> Response:
    """Dispatchers and admins get the board, viewers a read-only one."""
    if actor is None:
        return RedirectResponse("/login?next=/board", status_code=303)
    if actor.role is Role.technician:
        return RedirectResponse("/tech", status_code=303)
    settings = request.app.state.settings
    return render(request, session, "board.html", actor, readonly=not actor.can_dispatch,
                  tile_url=settings.map_tile_url or "")


class MoveIn(BaseModel):
    """Where the dispatcher dropped the job; ``technician_id: null`` = back to the queue."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    technician_id: int | None
    planned_start: AwareDatetime | None = None
    dry_run: bool = False
    override: bool = False
    override_reason: str | None = None
    reason: str | None = None


class MoveRead(BaseModel):
    action: str
    """assign, reassign, reschedule or unassign: the transition the move was."""
    job: JobRead
    warnings: list[Warnings]
    undo: dict[str, Any] | None
    """The body that moves the job back (POST it to the same route), when one exists."""


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@router.post(f"{BOARD_API}/jobs/{{job_id}}/move", response_model=MoveRead, tags=["board"])
def move_job(job_id: int, body: MoveIn, session: DB, actor: Dispatcher) -> MoveRead:
    """Assign, reassign, reschedule or unassign, refused as stale if the job changed since."""
    job = access_job(session, actor, job_id)
    if body.version is not None and body.version != job.version:
        # Read the current job now: after the rollback it can no longer be read.
        raise Conflict("stale_version", f"Job {job.ref} was changed by someone else (you sent "
                       f"version {body.version}, current is {job.version}); nothing was changed.",
                       data={"current": read_job(job, actor).model_dump(mode="json")})
    before_tech, before_start = job.technician_id, job.planned_start
    if body.technician_id is None:
        check_transition(actor, job.ref, job.status, "unassign")
        if body.dry_run:
            return MoveRead(action="unassign", job=read_job(job, actor), warnings=[], undo=None)
        actions.do_unassign_job(session, actor, job, reason=body.reason)
        session.flush()
        return MoveRead(action="unassign", job=read_job(job, actor), warnings=[],
                        undo={"technician_id": before_tech, "planned_start": _iso(before_start),
                              "version": job.version})
    if body.planned_start is None:
        raise ValidationFailed("planned_start_required", "Say when the job should start.",
                               field="planned_start")
    tech = actions.get_technician(session, body.technician_id)
    if job.technician_id is None:
        action = "assign"
    elif job.technician_id == tech.id:
        action = "reschedule"
    else:
        action = "reassign"
    check_transition(actor, job.ref, job.status, action)
    if body.dry_run:
        findings = check_assignment(session, company_tz(session), job, tech, body.planned_start)
        return MoveRead(action=action, job=read_job(job, actor),
                        warnings=[Warnings(**f.to_dict()) for f in findings],  # type: ignore[arg-type]
                        undo=None)
    common: dict[str, Any] = {"override": body.override, "override_reason": body.override_reason}
    if action == "assign":
        placed = actions.do_assign_job(session, actor, job, tech, body.planned_start, **common)
        undo: dict[str, Any] = {"technician_id": None}
    elif action == "reassign":
        placed = actions.do_reassign_job(session, actor, job, tech, body.planned_start,
                                         reason=body.reason, **common)
        undo = {"technician_id": before_tech, "planned_start": _iso(before_start)}
    else:
        placed = actions.do_reschedule_job(session, actor, job, planned_start=body.planned_start,
                                           reason=body.reason, **common)
        undo = {"technician_id": before_tech, "planned_start": _iso(before_start)}
    session.flush()
    undo["version"] = job.version
    return MoveRead(action=action, job=read_job(job, actor),
                    warnings=[Warnings(**w.to_dict()) for w in placed.warnings],  # type: ignore[arg-type]
                    undo=undo)
