"""Repairing a late day: re-sequence the technician, or hand a late job to someone else."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.jobs import actions as jobs
from crewboard.jobs.kinds import JobStatus
from crewboard.jobs.models import Job
from crewboard.planning.current import current_plan
from crewboard.planning.engine import run_engine
from crewboard.planning.loader import DayContext, key_id, load_day, tech_key
from crewboard.planning.suggest import suggest
from crewboard.routing.eta import Prediction, predict_plan
from crewboard.routing.replan import replan
from crewboard.technicians.models import Technician

MOVE_THRESHOLD_S = 60


def _locked(job: Job) -> bool:
    """Jobs a repair never moves to another technician."""
    return job.pinned or job.customer_confirmed or job.status in (
        JobStatus.dispatched, JobStatus.accepted, JobStatus.en_route, JobStatus.on_site)


def best_repair(session: Session, ctx: DayContext, technician_id: int, pred: Prediction,
                now: datetime) -> dict[str, Any] | None:
    """The cheapest fix that makes no stop late, as a list of changes, or None."""
    late_before = sum(1 for s in pred.stops if s.late_s > 0)
    resequenced = _resequence(session, ctx.day, technician_id, now)
    if resequenced is not None and resequenced["late"] < late_before:
        return resequenced
    for risk in pred.risks:
        if risk.kind != "late" or risk.job_id is None:
            continue
        job = ctx.jobs[risk.job_id]
        ranked = suggest(session, job, ctx.day, now=now)["candidates"]
        best = next((c for c in ranked if c["feasible"]
                     and c["technician_id"] != technician_id), None)
        if best is None:
            continue
        return {"kind": "reassign", "late": late_before - 1, "allowed": not _locked(job),
                "message": f"Move {job.ref} to {best['technician_name']}: {best['reason']}",
                "changes": [{"kind": "reassign", "job_id": job.id,
                             "to_technician_id": best["technician_id"],
                             "to_start": best["start"]}]}
    return None


def _resequence(session: Session, day: date, technician_id: int,
                now: datetime) -> dict[str, Any] | None:
    """Re-order the technician's remaining stops (nothing leaves their day)."""
    from crewboard.planning.live import statuses

    ctx = load_day(session, day, now=now, technician_ids=[technician_id],
                   include_unassigned=False)
    before = current_plan(ctx)
    after = run_engine(replan, ctx.problem, before, technician_id=tech_key(technician_id))
    if after.unassigned:
        return None  # a re-sequence that drops a job is no repair
    pred = predict_plan(ctx.problem, after, statuses(ctx))
    late = sum(1 for p in pred.values() for s in p.stops if s.late_s > 0)
    changes = []
    for route in after.routes:
        for stop in route.stops:
            job = ctx.jobs[stop.job_id]
            start = ctx.to_time(stop.start)
            moved = job.planned_start is None or abs(
                (job.planned_start - start).total_seconds()) >= MOVE_THRESHOLD_S
            if not stop.fixed and moved:
                changes.append({"kind": "move", "job_id": key_id(stop.job_id),
                                "to_technician_id": technician_id,
                                "to_start": start.isoformat()})
    return {"kind": "resequence", "late": late, "allowed": True, "changes": changes,
            "message": f"Re-order {len(changes)} stop(s) of the technician's day."}


def apply_repair(session: Session, actor: Actor, repair: dict[str, Any]) -> None:
    """Carry the repair out through the ordinary actions (audit trail included)."""
    reason = f"automatic repair: {repair['message']}"
    for change in repair["changes"]:
        job = session.get(Job, change["job_id"])
        assert job is not None
        start = datetime.fromisoformat(change["to_start"])
        if change["kind"] == "move":
            jobs.do_reschedule_job(session, actor, job, planned_start=start, reason=reason)
        else:
            tech = session.get(Technician, change["to_technician_id"])
            assert tech is not None
            jobs.do_reassign_job(session, actor, job, tech, start, reason=reason)
