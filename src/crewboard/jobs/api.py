"""Routes: job types, jobs, one route per lifecycle transition, and history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from crewboard.api.deps import DB, CurrentActor, Dispatcher
from crewboard.api.errors import register_reader
from crewboard.api.idempotency import idempotency_key, remember, replayed
from crewboard.api.pages import Limit, Offset, paginate
from crewboard.company.queries import company_tz
from crewboard.errors import Forbidden
from crewboard.jobs import actions
from crewboard.jobs.checks import check_assignment
from crewboard.jobs.history import build_history
from crewboard.jobs.kinds import JobStatus, Priority
from crewboard.jobs.models import Job, JobType
from crewboard.jobs.queries import access_job, access_job_type, job_events, jobs_query
from crewboard.jobs.read import read_job
from crewboard.jobs.schemas import (
    AssignIn,
    CancelIn,
    CompleteIn,
    DelayIn,
    FieldIn,
    HistoryRead,
    IncompleteIn,
    JobCreate,
    JobRead,
    JobTypeIn,
    JobTypeRead,
    JobTypeUpdate,
    JobUpdate,
    NoteIn,
    OutcomeRead,
    PlacementRead,
    ReasonIn,
    ReassignIn,
    RescheduleIn,
    ScheduleIn,
)

router = APIRouter(tags=["jobs"])
register_reader(Job, read_job)
register_reader(JobType, JobTypeRead.model_validate)
IdemKey = Annotated[str | None, Depends(idempotency_key)]


# ---------------------------------------------------------------- job types

@router.get("/job-types")
def list_job_types(session: DB, actor: CurrentActor, include_archived: bool = False,
                   limit: Limit = 200, offset: Offset = 0) -> dict:
    stmt = select(JobType).order_by(JobType.name)
    if not include_archived:
        stmt = stmt.where(JobType.archived.is_(False))
    return paginate(session, stmt, limit, offset, JobTypeRead.model_validate)


@router.post("/job-types", response_model=JobTypeRead, status_code=201)
def create_job_type(body: JobTypeIn, session: DB, actor: Dispatcher) -> JobType:
    return actions.do_create_job_type(session, actor, **body.model_dump())


@router.get("/job-types/{job_type_id}", response_model=JobTypeRead)
def read_job_type(job_type_id: int, session: DB, actor: CurrentActor) -> JobType:
    return access_job_type(session, job_type_id)


@router.patch("/job-types/{job_type_id}", response_model=JobTypeRead)
def update_job_type(job_type_id: int, body: JobTypeUpdate, session: DB,
                    actor: Dispatcher) -> JobType:
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    return actions.do_update_job_type(session, actor, access_job_type(session, job_type_id),
                                      version=version, values=values)


@router.delete("/job-types/{job_type_id}", status_code=204)
def archive_job_type(job_type_id: int, session: DB, actor: Dispatcher) -> None:
    actions.do_archive_job_type(session, actor, access_job_type(session, job_type_id))


# ---------------------------------------------------------------- jobs

@router.get("/jobs")
def list_jobs(session: DB, actor: CurrentActor,
              day: Annotated[date | None, Query(alias="date")] = None,
              status: Annotated[list[JobStatus] | None, Query()] = None,
              technician_id: int | None = None,
              priority: Annotated[list[Priority] | None, Query()] = None,
              region: str | None = None, skill: str | None = None,
              job_type_id: int | None = None, customer_id: int | None = None,
              q: str | None = None, unassigned: bool | None = None,
              include_archived: bool = False, limit: Limit = 100,
              offset: Offset = 0) -> dict:
    """Jobs filtered by company-local date, status, technician, priority, region, ..."""
    stmt = jobs_query(actor, company_tz(session), day=day, status=status,
                      technician_id=technician_id, priority=priority, region=region,
                      skill=skill, job_type_id=job_type_id, customer_id=customer_id, q=q,
                      unassigned=unassigned, include_archived=include_archived)
    return paginate(session, stmt, limit, offset, lambda j: read_job(j, actor))


@router.post("/jobs", response_model=JobRead, status_code=201)
def create_job(body: JobCreate, session: DB, actor: Dispatcher) -> JobRead:
    values = body.model_dump(exclude={"windows"})
    job = actions.do_create_job(session, actor, windows=[w.pair() for w in body.windows],
                                **values)
    return read_job(job, actor)


@router.get("/jobs/{job_id}", response_model=JobRead)
def read_one_job(job_id: int, session: DB, actor: CurrentActor) -> JobRead:
    return read_job(access_job(session, actor, job_id), actor)


@router.patch("/jobs/{job_id}", response_model=JobRead)
def update_job(job_id: int, body: JobUpdate, session: DB, actor: Dispatcher) -> JobRead:
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    job = actions.do_update_job(session, actor, access_job(session, actor, job_id),
                                version=version, values=values)
    return read_job(job, actor)


@router.delete("/jobs/{job_id}", status_code=204)
def archive_job(job_id: int, session: DB, actor: Dispatcher) -> None:
    actions.do_archive_job(session, actor, access_job(session, actor, job_id))


@router.get("/jobs/{job_id}/history", response_model=HistoryRead)
def job_history(job_id: int, session: DB, actor: CurrentActor) -> dict[str, Any]:
    job = access_job(session, actor, job_id)
    return build_history(job.id, job.ref, job_events(session, job.id))


@router.post("/jobs/{job_id}/notes", status_code=201)
def add_note(job_id: int, body: NoteIn, session: DB, actor: CurrentActor) -> dict:
    if actor.role.value == "viewer":
        raise Forbidden()
    actions.do_add_note(session, actor, access_job(session, actor, job_id), body.text)
    return {"ok": True}


@router.post("/jobs/{job_id}/delays", status_code=201)
def report_delay(job_id: int, body: DelayIn, session: DB, actor: CurrentActor) -> dict:
    if actor.role.value == "viewer":
        raise Forbidden()
    actions.do_report_delay(session, actor, access_job(session, actor, job_id),
                            minutes=body.minutes, reason=body.reason)
    return {"ok": True}


# ---------------------------------------------------------------- office transitions

def _placement(result: actions.Placement, actor: Any) -> PlacementRead:
    return PlacementRead(job=read_job(result.job, actor),
                         warnings=[w.to_dict() for w in result.warnings])  # type: ignore[misc]


@router.post("/jobs/{job_id}/schedule", response_model=JobRead)
def schedule(job_id: int, body: ScheduleIn, session: DB, actor: Dispatcher) -> JobRead:
    job = actions.do_schedule_job(session, actor, access_job(session, actor, job_id),
                                  [w.pair() for w in body.windows])
    return read_job(job, actor)


@router.post("/jobs/{job_id}/assign", response_model=PlacementRead)
def assign(job_id: int, body: AssignIn, session: DB, actor: Dispatcher) -> PlacementRead:
    """Assign; hard rule breaks answer 409 with every finding unless overridden."""
    job = access_job(session, actor, job_id)
    tech = actions.get_technician(session, body.technician_id)
    if body.dry_run:
        findings = check_assignment(session, company_tz(session), job, tech,
                                    body.planned_start)
        return PlacementRead(job=read_job(job, actor),
                             warnings=[f.to_dict() for f in findings])  # type: ignore[misc]
    result = actions.do_assign_job(session, actor, job, tech, body.planned_start,
                                   override=body.override,
                                   override_reason=body.override_reason, pinned=body.pinned)
    return _placement(result, actor)


@router.post("/jobs/{job_id}/reassign", response_model=PlacementRead)
def reassign(job_id: int, body: ReassignIn, session: DB, actor: Dispatcher) -> PlacementRead:
    job = access_job(session, actor, job_id)
    tech = actions.get_technician(session, body.technician_id)
    result = actions.do_reassign_job(session, actor, job, tech, body.planned_start,
                                     reason=body.reason, override=body.override,
                                     override_reason=body.override_reason)
    return _placement(result, actor)


@router.post("/jobs/{job_id}/reschedule", response_model=PlacementRead)
def reschedule(job_id: int, body: RescheduleIn, session: DB,
               actor: Dispatcher) -> PlacementRead:
    windows = [w.pair() for w in body.windows] if body.windows is not None else None
    result = actions.do_reschedule_job(session, actor, access_job(session, actor, job_id),
                                       windows=windows, planned_start=body.planned_start,
                                       reason=body.reason, override=body.override,
                                       override_reason=body.override_reason)
    return _placement(result, actor)


@router.post("/jobs/{job_id}/unassign", response_model=JobRead)
def unassign(job_id: int, body: ReasonIn, session: DB, actor: Dispatcher) -> JobRead:
    job = actions.do_unassign_job(session, actor, access_job(session, actor, job_id),
                                  reason=body.reason)
    return read_job(job, actor)


@router.post("/jobs/{job_id}/dispatch", response_model=JobRead)
def dispatch(job_id: int, session: DB, actor: Dispatcher) -> JobRead:
    job = actions.do_dispatch_job(session, actor, access_job(session, actor, job_id))
    return read_job(job, actor)


@router.post("/jobs/{job_id}/cancel", response_model=JobRead)
def cancel(job_id: int, body: CancelIn, session: DB, actor: Dispatcher) -> JobRead:
    job = actions.do_cancel_job(session, actor, access_job(session, actor, job_id),
                                reason=body.reason)
    return read_job(job, actor)


# ---------------------------------------------------------------- field transitions
# A technician's phone may replay these from its offline queue: each takes an
# Idempotency-Key and ``at``, the moment the tap really happened.

def _field(session: DB, actor: Any, job_id: int, key: str | None, apply: Any) -> Any:
    # a replay answers as the first time did, even if the office moved the job since
    if (again := replayed(session, actor, key)) is not None:
        return again
    body = apply(access_job(session, actor, job_id))
    remember(session, actor, key, body.model_dump(mode="json"))
    return body


@router.post("/jobs/{job_id}/accept", response_model=JobRead)
def accept(job_id: int, body: FieldIn, session: DB, actor: CurrentActor,
           key: IdemKey = None) -> Any:
    return _field(session, actor, job_id, key, lambda job: read_job(
        actions.do_accept_job(session, actor, job, at=body.at), actor))


@router.post("/jobs/{job_id}/start-travel", response_model=JobRead)
def start_travel(job_id: int, body: FieldIn, session: DB, actor: CurrentActor,
                 key: IdemKey = None) -> Any:
    return _field(session, actor, job_id, key, lambda job: read_job(
        actions.do_start_travel(session, actor, job, at=body.at), actor))


@router.post("/jobs/{job_id}/arrive", response_model=JobRead)
def arrive(job_id: int, body: FieldIn, session: DB, actor: CurrentActor,
           key: IdemKey = None) -> Any:
    return _field(session, actor, job_id, key, lambda job: read_job(
        actions.do_arrive(session, actor, job, at=body.at), actor))


@router.post("/jobs/{job_id}/complete", response_model=JobRead)
def complete(job_id: int, body: CompleteIn, session: DB, actor: CurrentActor,
             key: IdemKey = None) -> Any:
    return _field(session, actor, job_id, key, lambda job: read_job(
        actions.do_complete_job(session, actor, job, notes=body.notes, photos=body.photos,
                                signature_ref=body.signature_ref, signed_by=body.signed_by,
                                at=body.at), actor))


@router.post("/jobs/{job_id}/incomplete", response_model=OutcomeRead)
def incomplete(job_id: int, body: IncompleteIn, session: DB, actor: CurrentActor,
               key: IdemKey = None) -> Any:
    def apply(job: Job) -> OutcomeRead:
        out = actions.do_mark_incomplete(session, actor, job, reason=body.reason,
                                         note=body.note, follow_up=body.follow_up, at=body.at)
        return OutcomeRead(job=read_job(out.job, actor),
                           follow_up=read_job(out.follow_up, actor) if out.follow_up else None)

    return _field(session, actor, job_id, key, apply)


