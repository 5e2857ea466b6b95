"""Live predictions: where each technician is, what they are doing, and what it
means for the rest of their day (ETAs and risks)."""

from __future__ import annotations

from dataclasses import replace

from crewboard.jobs.kinds import JobStatus
from crewboard.planning.loader import FRESH_POSITION, DayContext, DayJob, job_key, tech_key
from crewboard.routing import problem as rp
from crewboard.routing.eta import Prediction, TechStatus, predict
from crewboard.routing.plan import Plan
from crewboard.routing.timing import TravelTable


def statuses(ctx: DayContext) -> dict[str, TechStatus]:
    """Each technician's status now, from their jobs' states and last position."""
    if ctx.now is None:
        return {}
    now = ctx.to_seconds(ctx.now)
    out: dict[str, TechStatus] = {}
    under_way: dict[int, DayJob] = {}  # one pass over the jobs, not one per technician
    for j in ctx.jobs.values():
        if j.status in (JobStatus.on_site, JobStatus.en_route) and j.technician_id is not None:
            under_way.setdefault(j.technician_id, j)
    for key, tech in ctx.technicians.items():
        fresh = (tech.last_seen_at is not None and tech.last_lat is not None
                 and ctx.now - tech.last_seen_at <= FRESH_POSITION)
        where = rp.Location(tech.last_lat, tech.last_lon) if fresh else None  # type: ignore[arg-type]
        current = under_way.get(tech.id)
        if current is not None and current.status is JobStatus.on_site:
            since = ctx.to_seconds(current.arrived_at) if current.arrived_at else None
            out[key] = TechStatus("on_site", now, job_key(current.id), since=since)
        elif current is not None:
            out[key] = TechStatus("en_route", now, job_key(current.id), location=where)
        else:
            out[key] = TechStatus("idle", now, location=where)
    return out


def predictions(ctx: DayContext, plan: Plan,
                table: TravelTable | None = None) -> dict[str, Prediction]:
    """ETAs and risks for every technician; empty outside the day itself."""
    if ctx.now is None:
        return {}
    now = statuses(ctx)
    table = table or TravelTable(ctx.problem)
    techs = {t.id: t for t in ctx.problem.technicians}
    jobs = {j.id: j for j in ctx.problem.jobs}
    # each technician with just their route's jobs: predict indexes the problem's
    # jobs on every call, which for the whole day is technicians x jobs
    return {r.technician_id: predict(
                replace(ctx.problem, technicians=[techs[r.technician_id]],
                        jobs=[jobs[s.job_id] for s in r.stops]),
                r, now[r.technician_id], table=table)
            for r in plan.routes if r.technician_id in now}


def tech_status_word(ctx: DayContext, tech_id: int) -> str:
    status = statuses(ctx).get(tech_key(tech_id))
    return status.kind if status is not None else "planned"
