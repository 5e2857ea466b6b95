"""Every change to a job: one ``do_*`` per transition, each writing its audit row.

Actions flush, never commit: the edge (request, CLI command) owns the
transaction, and events reach subscribers only after it commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crewboard.auth.actor import Actor
from crewboard.changes import apply_changes, check_version
from crewboard.company.queries import company_tz
from crewboard.customers.models import Customer, ServiceLocation
from crewboard.db import utcnow
from crewboard.errors import ValidationFailed
from crewboard.events.actions import record_event
from crewboard.jobs.checks import AssignmentRefused, Finding, check_assignment
from crewboard.jobs.kinds import IncompleteReason, JobStatus, Priority, Source
from crewboard.jobs.lifecycle import check_transition
from crewboard.jobs.models import Job, JobSkill, JobType, JobWindow
from crewboard.technicians.actions import check_report_time, check_skill_levels
from crewboard.technicians.models import Technician

MAX_WINDOWS = 3
Window = tuple[datetime, datetime]


# ---------------------------------------------------------------- checks

def check_windows(windows: list[Window]) -> list[Window]:
    """Windows must be ordered intervals that do not overlap."""
    if len(windows) > MAX_WINDOWS:
        raise ValidationFailed("too_many_windows",
                               f"A job has at most {MAX_WINDOWS} appointment windows.",
                               field="windows")
    ordered = sorted(windows)
    for i, (start, end) in enumerate(ordered):
        if end <= start:
            raise ValidationFailed("bad_window", f"Appointment window {i + 1} ends before it "
                                   "starts.", field=f"windows.{i}")
        if i and start < ordered[i - 1][1]:
            raise ValidationFailed("overlapping_windows", "Appointment windows overlap.",
                                   field=f"windows.{i}")
    return ordered


def _location_of(session: Session, customer_id: int, location_id: int | None) -> ServiceLocation:
    customer = session.get(Customer, customer_id)
    if customer is None or customer.archived:
        raise ValidationFailed("unknown_customer", f"Customer {customer_id} does not exist.",
                               field="customer_id")
    live = [loc for loc in customer.locations if not loc.archived]
    if location_id is None:
        if len(live) != 1:
            raise ValidationFailed("location_required",
                                   f"Customer {customer.name} has {len(live)} service "
                                   "locations; say which one with location_id.",
                                   field="location_id")
        return live[0]
    for loc in live:
        if loc.id == location_id:
            return loc
    raise ValidationFailed("unknown_location", f"Location {location_id} is not a service "
                           f"location of customer {customer.name}.", field="location_id")


def _job_type(session: Session, job_type_id: int | None) -> JobType | None:
    if job_type_id is None:
        return None
    job_type = session.get(JobType, job_type_id)
    if job_type is None or job_type.archived:
        raise ValidationFailed("unknown_job_type", f"Job type {job_type_id} does not exist.",
                               field="job_type_id")
    return job_type


def _set_skills(session: Session, job: Job, levels: dict[str, int]) -> None:
    found = check_skill_levels(session, levels, "required_skills")
    job.skills.clear()
    session.flush()
    for name, level in levels.items():
        job.skills.append(JobSkill(skill=found[name], min_level=level))


def _set_windows(job: Job, windows: list[Window]) -> None:
    job.windows.clear()
    for start, end in check_windows(windows):
        job.windows.append(JobWindow(starts_at=start, ends_at=end))


def _windows_of(job: Job) -> list[list[str]]:
    return [[w.starts_at.isoformat(), w.ends_at.isoformat()] for w in job.windows]


# ---------------------------------------------------------------- job types

def do_create_job_type(session: Session, actor: Actor, **values: Any) -> JobType:
    check_skill_levels(session, values.get("default_skills") or {}, "default_skills")
    job_type = JobType(**values)
    session.add(job_type)
    session.flush()
    record_event(session, actor, "job_type.created", "job_type", job_type.id, data=values)
    return job_type


def do_update_job_type(session: Session, actor: Actor, job_type: JobType, *,
                       version: int | None, values: dict[str, Any]) -> JobType:
    check_version(job_type, version, f"Job type {job_type.name}")
    if values.get("default_skills") is not None:
        check_skill_levels(session, values["default_skills"], "default_skills")
    changed = apply_changes(job_type, values)
    session.flush()
    record_event(session, actor, "job_type.updated", "job_type", job_type.id,
                 data={"changed": changed})
    return job_type


def do_archive_job_type(session: Session, actor: Actor, job_type: JobType) -> None:
    """Archived types stay on old jobs but are no longer offered for new ones."""
    job_type.archived = True
    session.flush()
    record_event(session, actor, "job_type.archived", "job_type", job_type.id)


# ---------------------------------------------------------------- create / edit

def do_create_job(session: Session, actor: Actor, *, customer_id: int,
                  location_id: int | None = None, job_type_id: int | None = None,
                  windows: list[Window] | None = None,
                  required_skills: dict[str, int] | None = None,
                  required_equipment: list[str] | None = None,
                  duration_min: int | None = None, source: Source = Source.phone,
                  **values: Any) -> Job:
    """Book a job; the job type fills duration, skills and equipment not given."""
    location = _location_of(session, customer_id, location_id)
    job_type = _job_type(session, job_type_id)
    parent_id = values.get("parent_id")
    if parent_id is not None and session.get(Job, parent_id) is None:
        raise ValidationFailed("unknown_parent", f"Parent job J-{parent_id} does not exist.",
                               field="parent_id")
    if job_type is not None:
        duration_min = duration_min or job_type.default_duration_min
        required_skills = (required_skills if required_skills is not None
                           else dict(job_type.default_skills))
        required_equipment = (required_equipment if required_equipment is not None
                              else list(job_type.default_equipment))
    values["priority"] = Priority(values.get("priority") or Priority.normal)
    job = Job(customer_id=customer_id, location_id=location.id, job_type_id=job_type_id,
              duration_min=duration_min or 60, required_equipment=required_equipment or [],
              source=source, created_by_user_id=actor.user_id, **values)
    job.status = JobStatus.scheduled if windows else JobStatus.unscheduled
    session.add(job)
    session.flush()
    _set_skills(session, job, required_skills or {})
    _set_windows(job, windows or [])
    session.flush()
    record_event(session, actor, "job.created", "job", job.id, job_id=job.id,
                 to_state=job.status.value,
                 data={"customer_id": customer_id, "location_id": location.id,
                       "priority": job.priority.value, "windows": _windows_of(job),
                       "required_skills": required_skills or {}, "source": source.value})
    return job


def do_update_job(session: Session, actor: Actor, job: Job, *, version: int | None,
                  values: dict[str, Any]) -> Job:
    """Edit job details; status, technician and times change only through transitions."""
    check_version(job, version, f"Job {job.ref}")
    skills = values.pop("required_skills", None)
    if "location_id" in values:
        values["location_id"] = _location_of(session, job.customer_id, values["location_id"]).id
    if "job_type_id" in values:
        _job_type(session, values["job_type_id"])
    changed = apply_changes(job, values)
    if skills is not None and skills != job.skill_levels():
        changed["required_skills"] = [job.skill_levels(), skills]
        _set_skills(session, job, skills)
    if changed:
        job.updated_at = utcnow()
    session.flush()
    record_event(session, actor, "job.updated", "job", job.id, job_id=job.id,
                 technician_id=job.technician_id, data={"changed": changed})
    return job


def do_add_note(session: Session, actor: Actor, job: Job, text: str) -> None:
    if not text.strip():
        raise ValidationFailed("empty_note", "The note is empty.", field="text")
    record_event(session, actor, "job.note", "job", job.id, job_id=job.id,
                 technician_id=job.technician_id, data={"text": text.strip()})


def do_report_delay(session: Session, actor: Actor, job: Job, *, minutes: int,
                    reason: str) -> None:
    """A technician or dispatcher says the job will start or finish late, and why."""
    if minutes <= 0:
        raise ValidationFailed("bad_delay", "The delay must be a positive number of minutes.",
                               field="minutes")
    if not reason.strip():
        raise ValidationFailed("reason_required", "Say why the job is delayed.", field="reason")
    record_event(session, actor, "job.delay_reported", "job", job.id, job_id=job.id,
                 technician_id=job.technician_id, reason=reason.strip(),
                 data={"minutes": minutes})


def do_archive_job(session: Session, actor: Actor, job: Job) -> None:
    """Hide a closed or never-scheduled job from lists; its history stays."""
    if job.status not in (JobStatus.unscheduled, JobStatus.completed, JobStatus.incomplete,
                          JobStatus.cancelled):
        raise ValidationFailed("job_active", f"Job {job.ref} is {job.status.value}; cancel it "
                               "before archiving.", field="status")
    job.archived = True
    session.flush()
    record_event(session, actor, "job.archived", "job", job.id, job_id=job.id)


# ---------------------------------------------------------------- transitions

def _move(session: Session, actor: Actor, job: Job, action: str, target: JobStatus, *,
          event: str | None = None, reason: str | None = None,
          data: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Set the new status and write the transition's audit row."""
    before = job.status
    job.status = target
    job.updated_at = utcnow()
    session.flush()
    payload = dict(data or {})
    if at is not None:
        payload["occurred_at"] = at
    record_event(session, actor, event or f"job.{action}", "job", job.id, job_id=job.id,
                 technician_id=job.technician_id, from_state=before.value,
                 to_state=target.value, reason=reason, data=payload)


def do_schedule_job(session: Session, actor: Actor, job: Job, windows: list[Window]) -> Job:
    """Give an unscheduled job its appointment window(s)."""
    check_transition(actor, job.ref, job.status, "schedule")
    if not windows:
        raise ValidationFailed("window_required", "Give at least one appointment window.",
                               field="windows")
    before = _windows_of(job)
    _set_windows(job, windows)
    _move(session, actor, job, "schedule", JobStatus.scheduled, event="job.scheduled",
          data={"windows": [before, _windows_of(job)]})
    return job


@dataclass
class Placement:
    """The result of putting a job on a day: warnings that did not block it."""

    job: Job
    warnings: list[Finding] = field(default_factory=list)


def _check_place(session: Session, job: Job, tech: Technician, start: datetime,
                 override: bool, override_reason: str | None) -> list[Finding]:
    findings = check_assignment(session, company_tz(session), job, tech, start)
    if any(f.hard for f in findings):
        if not override:
            raise AssignmentRefused(findings)
        if not (override_reason or "").strip():
            raise ValidationFailed("override_reason_required",
                                   "Overriding a hard rule needs a reason.",
                                   field="override_reason")
    return findings


def _placement_data(tech: Technician, start: datetime, findings: list[Finding],
                    override: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"technician_id": tech.id, "technician": tech.name,
                            "planned_start": start,
                            "warnings": [f.to_dict() for f in findings if not f.hard]}
    hard = [f.to_dict() for f in findings if f.hard]
    if hard and override:
        data["overridden"] = hard
    return data


def do_assign_job(session: Session, actor: Actor, job: Job, tech: Technician,
                  planned_start: datetime, *, override: bool = False,
                  override_reason: str | None = None, pinned: bool | None = None) -> Placement:
    """Put the job on a technician's plan at a planned start."""
    check_transition(actor, job.ref, job.status, "assign")
    findings = _check_place(session, job, tech, planned_start, override, override_reason)
    job.technician_id, job.planned_start = tech.id, planned_start
    if pinned is not None:
        job.pinned = pinned
    _move(session, actor, job, "assign", JobStatus.assigned, event="job.assigned",
          reason=override_reason if override else None,
          data=_placement_data(tech, planned_start, findings, override))
    return Placement(job, [f for f in findings if not f.hard])


def do_reassign_job(session: Session, actor: Actor, job: Job, tech: Technician,
                    planned_start: datetime | None = None, *, reason: str | None = None,
                    override: bool = False, override_reason: str | None = None) -> Placement:
    """Move a held job to another technician; it must be dispatched again."""
    check_transition(actor, job.ref, job.status, "reassign")
    if tech.id == job.technician_id:
        raise ValidationFailed("same_technician", f"Job {job.ref} is already with {tech.name}; "
                               "use reschedule to change its time.", field="technician_id")
    start = planned_start or job.planned_start
    assert start is not None  # held jobs always have a planned start
    findings = _check_place(session, job, tech, start, override, override_reason)
    data = _placement_data(tech, start, findings, override)
    data["from_technician_id"] = job.technician_id
    data["from_technician"] = job.technician.name if job.technician else None
    data["from_planned_start"] = job.planned_start
    job.technician_id, job.planned_start = tech.id, start
    session.flush()
    session.refresh(job, ["technician"])
    _move(session, actor, job, "reassign", JobStatus.assigned, event="job.reassigned",
          reason=reason or override_reason, data=data)
    # as on unassign, the technician who lost the job must hear about it (their stream
    # only carries events with their technician_id)
    old = data["from_technician_id"]
    record_event(session, actor, "technician.job_removed", "technician", old,
                 job_id=job.id, technician_id=old)
    return Placement(job, [f for f in findings if not f.hard])


def do_reschedule_job(session: Session, actor: Actor, job: Job, *,
                      windows: list[Window] | None = None,
                      planned_start: datetime | None = None, reason: str | None = None,
                      override: bool = False, override_reason: str | None = None) -> Placement:
    """Change the appointment windows and/or the planned start on the same technician."""
    check_transition(actor, job.ref, job.status, "reschedule")
    if windows is None and planned_start is None:
        raise ValidationFailed("nothing_to_change", "Give new windows or a new planned start.",
                               field="windows")
    if windows is not None and not windows and job.technician_id is None:
        raise ValidationFailed("window_required", f"Job {job.ref} has no technician; it "
                               "needs at least one appointment window.", field="windows")
    data: dict[str, Any] = {}
    if windows is not None:
        before = _windows_of(job)
        _set_windows(job, windows)
        session.flush()
        data["windows"] = [before, _windows_of(job)]
    findings: list[Finding] = []
    if planned_start is not None:
        if job.technician is None:
            raise ValidationFailed("not_assigned", f"Job {job.ref} has no technician; assign "
                                   "it to give it a planned start.", field="planned_start")
        findings = _check_place(session, job, job.technician, planned_start, override,
                                override_reason)
        data["planned_start"] = [job.planned_start, planned_start]
        data["warnings"] = [f.to_dict() for f in findings if not f.hard]
        job.planned_start = planned_start
    target = job.status
    if target is JobStatus.unscheduled and job.windows:
        target = JobStatus.scheduled
    _move(session, actor, job, "reschedule", target, event="job.rescheduled",
          reason=reason, data=data)
    return Placement(job, [f for f in findings if not f.hard])


def do_unassign_job(session: Session, actor: Actor, job: Job, *,
                    reason: str | None = None) -> Job:
    """Take a held job off its technician's plan, back to the queue."""
    check_transition(actor, job.ref, job.status, "unassign")
    data = {"from_technician_id": job.technician_id, "from_planned_start": job.planned_start}
    tech_id = job.technician_id
    job.technician_id, job.planned_start, job.pinned = None, None, False
    target = JobStatus.scheduled if job.windows else JobStatus.unscheduled
    _move(session, actor, job, "unassign", target, event="job.unassigned", reason=reason,
          data=data)
    # the technician who lost the job must hear about it too
    record_event(session, actor, "technician.job_removed", "technician", tech_id or 0,
                 job_id=job.id, technician_id=tech_id)
    return job


def do_dispatch_job(session: Session, actor: Actor, job: Job) -> Job:
    """Send the job to the technician's phone."""
    check_transition(actor, job.ref, job.status, "dispatch")
    _move(session, actor, job, "dispatch", JobStatus.dispatched, event="job.dispatched")
    return job


def do_accept_job(session: Session, actor: Actor, job: Job, *,
                  at: datetime | None = None) -> Job:
    check_transition(actor, job.ref, job.status, "accept")
    _move(session, actor, job, "accept", JobStatus.accepted, event="job.accepted",
          at=check_report_time(at))
    return job


def do_start_travel(session: Session, actor: Actor, job: Job, *,
                    at: datetime | None = None) -> Job:
    """The technician taps "on my way"; the customer's on-my-way message keys off this."""
    check_transition(actor, job.ref, job.status, "start_travel")
    _move(session, actor, job, "start_travel", JobStatus.en_route, event="job.en_route",
          at=check_report_time(at))
    return job


def do_arrive(session: Session, actor: Actor, job: Job, *, at: datetime | None = None) -> Job:
    check_transition(actor, job.ref, job.status, "arrive")
    job.arrived_at = check_report_time(at)
    _move(session, actor, job, "arrive", JobStatus.on_site, event="job.arrived",
          at=job.arrived_at)
    return job


def check_proof(job: Job, notes: str | None, photos: list[str],
                signature_ref: str | None) -> None:
    """The job type says which proof of service a completion must carry."""
    job_type = job.job_type
    missing = []
    if (job_type is None or job_type.requires_notes) and not (notes or "").strip():
        missing.append(("notes", "completion notes"))
    if job_type is not None and job_type.requires_photo and not photos:
        missing.append(("photos", "at least one photo"))
    if job_type is not None and job_type.requires_signature and not signature_ref:
        missing.append(("signature_ref", "the customer's signature"))
    if missing:
        what = " and ".join(m[1] for m in missing)
        rule = f" ({job_type.name} jobs require it)" if job_type else ""
        raise ValidationFailed("proof_required",
                               f"Job {job.ref} cannot be completed without {what}{rule}.",
                               field=missing[0][0])


def do_complete_job(session: Session, actor: Actor, job: Job, *, notes: str | None,
                    photos: list[str] | None = None, signature_ref: str | None = None,
                    signed_by: str | None = None, at: datetime | None = None) -> Job:
    """Close the job with its proof of service."""
    check_transition(actor, job.ref, job.status, "complete")
    photos = photos or []
    check_proof(job, notes, photos, signature_ref)
    at = check_report_time(at)
    if job.arrived_at and at < job.arrived_at:
        raise ValidationFailed("bad_time", f"Completion time is before the arrival at "
                               f"{job.arrived_at.isoformat()}.", field="at")
    job.proof_notes, job.proof_photos = notes, photos
    job.signature_ref, job.signed_by, job.completed_at = signature_ref, signed_by, at
    on_site = int((at - job.arrived_at).total_seconds() // 60) if job.arrived_at else None
    _move(session, actor, job, "complete", JobStatus.completed, event="job.completed", at=at,
          data={"notes": notes, "photos": photos, "signature_ref": signature_ref,
                "signed_by": signed_by, "minutes_on_site": on_site})
    return job


@dataclass
class Outcome:
    job: Job
    follow_up: Job | None = None


def do_mark_incomplete(session: Session, actor: Actor, job: Job, *,
                       reason: IncompleteReason, note: str | None = None,
                       follow_up: bool = True, at: datetime | None = None) -> Outcome:
    """Close the visit unfinished, with why, and by default draft the follow-up job."""
    check_transition(actor, job.ref, job.status, "mark_incomplete")
    if reason is IncompleteReason.other and not (note or "").strip():
        raise ValidationFailed("reason_required", "Say why the job could not be finished.",
                               field="note")
    at = check_report_time(at)
    text = f"{reason.value}: {note}" if note else reason.value
    job.outcome_reason = text
    _move(session, actor, job, "mark_incomplete", JobStatus.incomplete,
          event="job.incomplete", reason=text, at=at,
          data={"reason_code": reason.value, "note": note})
    child = None
    if follow_up:
        child = do_create_job(
            session, actor, customer_id=job.customer_id, location_id=job.location_id,
            job_type_id=job.job_type_id, required_skills=job.skill_levels(),
            required_equipment=list(job.required_equipment), duration_min=job.duration_min,
            priority=job.priority, description=f"Follow-up of {job.ref} ({text}). "
            f"{job.description or ''}".strip(), contact_name=job.contact_name,
            contact_phone=job.contact_phone, contact_email=job.contact_email,
            access_notes=job.access_notes, billing_ref=job.billing_ref, parent_id=job.id,
            source=job.source)
        record_event(session, actor, "job.follow_up_created", "job", job.id, job_id=job.id,
                     data={"follow_up_id": child.id})
    return Outcome(job, child)


def do_cancel_job(session: Session, actor: Actor, job: Job, *, reason: str) -> Job:
    check_transition(actor, job.ref, job.status, "cancel")
    if not reason.strip():
        raise ValidationFailed("reason_required", "Say why the job is cancelled.",
                               field="reason")
    job.outcome_reason = reason.strip()
    _move(session, actor, job, "cancel", JobStatus.cancelled, event="job.cancelled",
          reason=reason.strip())
    return job


def get_technician(session: Session, technician_id: int) -> Technician:
    tech = session.get(Technician, technician_id)
    if tech is None:
        raise ValidationFailed("unknown_technician", f"Technician {technician_id} does not "
                               "exist.", field="technician_id")
    return tech



