"""Optimization proposals: solve, show the diff, apply through the do_* actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.errors import Conflict, DomainError, NotFound, ValidationFailed
from crewboard.events.actions import record_event
from crewboard.jobs import actions as jobs
from crewboard.jobs.models import Job
from crewboard.planning.current import current_plan
from crewboard.planning.engine import run_engine
from crewboard.planning.loader import DayContext, key_id, load_day
from crewboard.planning.models import PlanProposal
from crewboard.routing import Options, Problem, ProblemError, solve
from crewboard.routing.eta import eta_changes
from crewboard.routing.plan import Plan
from crewboard.routing.replan import replan
from crewboard.routing.timing import tech_days
from crewboard.routing.worker import SolverStalled
from crewboard.technicians.models import Technician

MOVE_THRESHOLD_S = 60
ETA_THRESHOLD_S = 300
DEFAULT_TIME_LIMIT_S = 2.0


def do_propose_plan(session: Session, actor: Actor, day: date, *,
                    technician_ids: list[int] | None = None,
                    time_limit_s: float | None = None,
                    now: datetime | None = None) -> PlanProposal:
    """Solve the day (or some technicians' part of it) and store the proposal."""
    if time_limit_s is not None and not 0 < time_limit_s <= 60:
        raise ValidationFailed("bad_time_limit", "time_limit_s must be between 0 and 60.",
                               field="time_limit_s")
    for tid in technician_ids or ():
        if session.get(Technician, tid) is None:
            raise ValidationFailed("unknown_technician", f"Technician {tid} does not exist.",
                                   field="technician_ids")
    options = Options(time_limit_s=time_limit_s or DEFAULT_TIME_LIMIT_S)
    ctx = load_day(session, day, now=now, technician_ids=technician_ids,
                   include_unassigned=technician_ids is None, options=options)
    before = current_plan(ctx)
    problem = released_promises(ctx)
    try:
        if ctx.now is not None:  # the day is under way: a fast warm-started re-plan
            after = (run_engine(replan, problem, before) if time_limit_s is None
                     else run_engine(replan, problem, before, time_limit_s=time_limit_s))
        else:
            # Warm start from the current plan, kept by measurement (bench/README.md,
            # "PyVRP with lunch breaks"): at 2 s a cold solve served no more priority
            # weight (cold PyVRP clearly less); fixed jobs stay put either way.
            after = run_engine(solve, problem, initial=before)
    except SolverStalled as exc:  # not the data's fault: say so, and that a retry may work
        raise DomainError(exc.code, exc.message, status=503) from None
    except ProblemError as exc:
        raise ValidationFailed(exc.code, exc.message, field=exc.field or None) from None
    payload = _payload(ctx, before, after)
    proposal = PlanProposal(day=day, created_by_user_id=actor.user_id,
                            scope={"technician_ids": technician_ids,
                                   "time_limit_s": options.time_limit_s},
                            payload=payload,
                            job_versions={str(j.id): j.version for j in ctx.jobs.values()})
    session.add(proposal)
    session.flush()
    payload["id"] = proposal.id
    record_event(session, actor, "plan.proposed", "plan_proposal", proposal.id,
                 data={"date": day.isoformat(), "changes": len(payload["changes"]),
                       "unassigned": len(payload["unassigned"])})
    return proposal


def released_promises(ctx: DayContext) -> Problem:
    """The day with dispatched work of technicians who are off free to move.

    Dispatched and accepted jobs stay with their technician (the loader pins
    them: the customer and the technician were told), but when that
    technician is off for the rest of the day (a call-out) the promise cannot
    be kept and Optimize must hand the jobs to someone else. Jobs a
    dispatcher pinned on purpose stay pinned, and show why they cannot be done.
    """
    off = {tid for tid, d in tech_days(ctx.problem).items() if not d.available}
    if not off:
        return ctx.problem
    jobs = [replace(j, pinned_to=None)
            if j.pinned_to in off and j.fixed is None and not ctx.jobs[j.id].pinned else j
            for j in ctx.problem.jobs]
    return replace(ctx.problem, jobs=jobs)


def _iso(ctx: DayContext, seconds: int | None) -> str | None:
    return ctx.to_time(seconds).isoformat() if seconds is not None else None


def _payload(ctx: DayContext, before: Plan, after: Plan) -> dict[str, Any]:
    names = {k: t.name for k, t in ctx.technicians.items()}
    routes = []
    for route in after.routes:
        routes.append({
            "technician_id": key_id(route.technician_id),
            "technician_name": names.get(route.technician_id),
            "drive_s": route.drive_s, "work_s": route.work_s,
            "stops": [{"job_id": key_id(s.job_id), "ref": s.job_id,
                       "arrival": _iso(ctx, s.arrival), "start": _iso(ctx, s.start),
                       "end": _iso(ctx, s.end), "travel_s": s.travel_s, "fixed": s.fixed,
                       "late_min": round(s.late_s / 60),
                       "job_ref": ctx.jobs[s.job_id].ref if s.job_id in ctx.jobs else None}
                      for s in route.stops],
            "breaks": [{"name": b.name, "start": _iso(ctx, b.start), "end": _iso(ctx, b.end)}
                       for b in route.breaks]})
    return {"date": ctx.day.isoformat(), "status": "proposed", "engine": after.engine,
            "routes": routes,
            "changes": _changes(ctx, after),
            "unassigned": [{"job_id": key_id(u.job_id), "ref": u.job_id,
                            "reason_code": u.reason_code, "reason": u.reason}
                           for u in after.unassigned],
            "kpis_before": _kpis(before), "kpis_after": _kpis(after),
            "eta_changes": [
                {"job_id": key_id(c.job_id), "ref": c.job_id,
                 "customer": ctx.jobs[c.job_id].customer.name, "before": _iso(ctx, c.before),
                 "after": _iso(ctx, c.after), "delta_min": round(c.delta_s / 60)}
                for c in eta_changes(before, after, ETA_THRESHOLD_S) if c.job_id in ctx.jobs]}


def _kpis(plan: Plan) -> dict[str, Any]:
    k = dict(plan.kpis)
    util = k.pop("utilization", {})
    k["mean_utilization"] = round(sum(util.values()) / len(util), 3) if util else 0.0
    k["total_drive_min"] = round(k.get("total_drive_s", 0) / 60)
    return k


def _changes(ctx: DayContext, after: Plan) -> list[dict[str, Any]]:
    out = []
    placed = {s.job_id: (r.technician_id, s.start) for r in after.routes for s in r.stops}
    for key, job in ctx.jobs.items():
        was_tech = job.technician_id
        was_start = job.planned_start
        new = placed.get(key)
        base = {"job_id": job.id, "ref": job.ref, "from_technician_id": was_tech,
                "from_start": was_start.isoformat() if was_start else None,
                "to_technician_id": None, "to_start": None}
        if new is None:
            if was_tech is not None:
                out.append({**base, "kind": "unassign"})
            continue
        tech, start = key_id(new[0]), ctx.to_time(new[1])
        base.update(to_technician_id=tech, to_start=start.isoformat())
        if was_tech is None:
            out.append({**base, "kind": "assign"})
        elif was_tech != tech:
            out.append({**base, "kind": "reassign"})
        elif was_start is None or abs((start - was_start).total_seconds()) >= MOVE_THRESHOLD_S:
            out.append({**base, "kind": "move"})
    return out


def access_proposal(session: Session, proposal_id: int) -> PlanProposal:
    proposal = session.get(PlanProposal, proposal_id)
    if proposal is None:
        raise NotFound("Proposal", proposal_id)
    return proposal


def do_apply_plan(session: Session, actor: Actor, proposal: PlanProposal) -> int:
    """Carry out every change through the ordinary actions; all or nothing."""
    if proposal.status != "proposed":
        raise Conflict("proposal_closed", f"Proposal {proposal.id} is already "
                       f"{proposal.status}.")
    stale = []
    for job_id, version in proposal.job_versions.items():
        job = session.get(Job, int(job_id))
        if job is None or job.version != version:
            stale.append(f"J-{job_id}")
    if stale:
        raise Conflict("proposal_stale", "The plan changed since this proposal was made "
                       f"({', '.join(stale[:5])}{'...' if len(stale) > 5 else ''}); "
                       "optimize again.", data={"jobs": stale})
    reason = f"optimizer proposal {proposal.id}"
    changes = proposal.payload.get("changes", [])
    # free slots first so moves into them do not trip over the old occupant
    order = {"unassign": 0, "move": 1, "reassign": 2, "assign": 3}
    for change in sorted(changes, key=lambda c: order[c["kind"]]):
        job = session.get(Job, change["job_id"])
        assert job is not None
        start = (datetime.fromisoformat(change["to_start"]) if change["to_start"] else None)
        tech = session.get(Technician, change["to_technician_id"]) \
            if change["to_technician_id"] else None
        if change["kind"] == "unassign":
            jobs.do_unassign_job(session, actor, job, reason=reason)
        elif change["kind"] == "move":
            jobs.do_reschedule_job(session, actor, job, planned_start=start, reason=reason)
        elif change["kind"] == "reassign":
            jobs.do_reassign_job(session, actor, job, tech, start, reason=reason)  # type: ignore[arg-type]
        else:
            jobs.do_assign_job(session, actor, job, tech, start)  # type: ignore[arg-type]
    proposal.status = "applied"
    proposal.payload = {**proposal.payload, "status": "applied"}
    session.flush()
    record_event(session, actor, "plan.applied", "plan_proposal", proposal.id,
                 data={"changes": len(changes)})
    return len(changes)


def do_discard_plan(session: Session, actor: Actor, proposal: PlanProposal) -> None:
    if proposal.status != "proposed":
        raise Conflict("proposal_closed", f"Proposal {proposal.id} is already "
                       f"{proposal.status}.")
    proposal.status = "discarded"
    proposal.payload = {**proposal.payload, "status": "discarded"}
    session.flush()
    record_event(session, actor, "plan.discarded", "plan_proposal", proposal.id)


