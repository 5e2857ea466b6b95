"""The demo company: believable size, a consistent board, a full audit trail, working logins."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from crewboard.auth.actions import do_login
from crewboard.auth.actor import Role
from crewboard.auth.models import User
from crewboard.auth.queries import actor_from_api_token
from crewboard.customers.models import Customer
from crewboard.db import Base, make_session_factory, session_scope, utcnow
from crewboard.demo import DemoResult, build_demo
from crewboard.demo.places import distance_km
from crewboard.events.models import Event
from crewboard.jobs.kinds import TERMINAL, JobStatus, Priority
from crewboard.jobs.models import Job
from crewboard.jobs.queries import on_day
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Absence, Technician
from tests.conftest import TestDB as DB

TZ = ZoneInfo("America/Chicago")


def test_default_demo_is_big_consistent_and_audited(db: DB) -> None:
    with db.scope() as s:
        result = build_demo(s, seed=7)
    assert result.warnings == []  # every placement passed the scheduling checks cleanly
    with db.session() as s:
        _check_size(s, result)
        _check_board(s, result)
        _check_no_double_booking(s)
        _check_skills(s)
        _check_call_outs(s, result)
        _check_audit_trail(s)
        _check_field_times(s)
    with db.scope() as s:
        _check_logins(s, result)


def _check_size(s: Session, result: DemoResult) -> None:
    techs = s.scalars(select(Technician)).all()
    assert len(techs) == result.technicians == 25
    assert result.customers >= 250 and len(s.scalars(select(Customer)).all()) >= 250
    for tech in techs:
        assert distance_km(41.88, -87.63, tech.home_lat, tech.home_lon) < 32
        assert tech.shifts and tech.skills and tech.region
    assert sum(1 for t in techs if any(a.kind is AbsenceKind.time_off for a in t.absences)) >= 2


def _check_board(s: Session, result: DemoResult) -> None:
    today, tomorrow = result.today, result.today + timedelta(days=1)
    statuses = {j.status for j in s.scalars(select(Job).where(
        on_day(TZ, today) | on_day(TZ, tomorrow)))}
    assert len(statuses) >= 7, statuses
    assert sum(result.today_statuses.values()) >= 150  # ~8 a technician, minus absences
    assert JobStatus.unscheduled in {j.status for j in s.scalars(select(Job))}
    queue = s.scalars(select(Job).where(on_day(TZ, today), Job.technician_id.is_(None),
                                        Job.status == JobStatus.scheduled)).all()
    assert 2 <= sum(j.priority is Priority.emergency for j in queue) <= 4
    cancelled = s.scalars(select(Job).where(Job.status == JobStatus.cancelled)).all()
    assert cancelled and all(j.outcome_reason for j in cancelled)
    incomplete = s.scalars(select(Job).where(Job.status == JobStatus.incomplete)).all()
    assert incomplete and all(j.outcome_reason for j in incomplete)
    follow_ups = s.scalars(select(Job).where(Job.parent_id.in_([j.id for j in incomplete])))
    assert {j.parent_id for j in follow_ups} == {j.id for j in incomplete}
    for job in s.scalars(select(Job).where(Job.technician_id.is_not(None))):
        assert any(w.starts_at <= job.planned_start <= w.ends_at for w in job.windows)
        assert all(timedelta(hours=2) <= w.ends_at - w.starts_at <= timedelta(hours=4)
                   for w in job.windows)


def _check_no_double_booking(s: Session) -> None:
    days: dict[int, list[Job]] = defaultdict(list)
    for job in s.scalars(select(Job).where(Job.status.not_in(TERMINAL),
                                           Job.technician_id.is_not(None))):
        days[job.technician_id].append(job)  # type: ignore[index]
    assert days
    for jobs in days.values():
        jobs.sort(key=lambda j: j.planned_start)  # type: ignore[arg-type, return-value]
        for before, after in zip(jobs, jobs[1:], strict=False):
            assert before.planned_end <= after.planned_start, (before.ref, after.ref)


def _check_skills(s: Session) -> None:
    for job in s.scalars(select(Job).where(Job.technician_id.is_not(None))):
        held = job.technician.skill_levels()  # type: ignore[union-attr]
        for name, level in job.skill_levels().items():
            assert held.get(name, 0) >= level, (job.ref, name)
        assert set(job.required_equipment) <= set(job.technician.equipment)  # type: ignore


def _check_call_outs(s: Session, result: DemoResult) -> None:
    call_outs = s.scalars(select(Absence).where(Absence.kind == AbsenceKind.call_out)).all()
    assert call_outs and all(a.reason == "sick" for a in call_outs)
    assert sorted(a.technician.name for a in call_outs) == sorted(result.call_outs)
    stranded = s.scalars(select(Job).where(
        Job.technician_id.in_([a.technician_id for a in call_outs]),
        Job.status.not_in(TERMINAL), on_day(TZ, result.today))).all()
    assert stranded  # the board has exceptions to show


def _check_audit_trail(s: Session) -> None:
    events: dict[int, list[Event]] = defaultdict(list)
    for event in s.scalars(select(Event).where(Event.job_id.is_not(None))
                           .order_by(Event.id)):
        events[event.job_id].append(event)  # type: ignore[index]
    for job in s.scalars(select(Job)):
        trail = events[job.id]
        assert trail and trail[0].action == "job.created", job.ref
        moves = [e for e in trail if e.to_state and e.entity_type == "job"]
        assert moves[-1].to_state == job.status.value, job.ref
    field_actors = {e.actor_name for e in s.scalars(
        select(Event).where(Event.action == "job.completed"))}
    assert field_actors and "demo setup" not in field_actors  # technicians tap their own jobs


def _check_field_times(s: Session) -> None:
    now = utcnow()
    for job in s.scalars(select(Job).where(Job.arrived_at.is_not(None))):
        assert now - timedelta(days=2) < job.arrived_at <= now  # type: ignore[operator]
        if job.completed_at:
            assert job.arrived_at <= job.completed_at <= now  # type: ignore[operator]
            assert job.proof_notes


def _check_logins(s: Session, result: DemoResult) -> None:
    roles = [login.role for login in result.logins]
    assert roles[:3] == ["admin", "dispatcher", "viewer"] and roles.count("technician") >= 2
    for login in result.logins:
        user = do_login(s, email=login.email, password=result.password, days=1).user
        assert user.role.value == login.role
        if user.role is Role.technician:
            assert user.technician_id is not None
    techs = s.scalars(select(Technician)).all()
    linked = s.scalars(select(User.technician_id).where(User.role == Role.technician)).all()
    assert sorted(linked) == sorted(t.id for t in techs)
    actor = actor_from_api_token(s, result.api_token)
    assert actor is not None and actor.role is Role.admin


def _snapshot(seed: int, now_shift: int = 0) -> list[tuple[object, ...]]:
    """Build a small demo in a throwaway SQLite database and describe its plan."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        build_demo(s, seed=seed, technicians=6, customers=40,
                   now=utcnow() - timedelta(seconds=now_shift))
        rows: list[tuple[object, ...]] = [
            (c.name, c.phone, tuple(loc.address for loc in c.locations))
            for c in s.scalars(select(Customer).order_by(Customer.id))]
        rows += [(t.name, tuple(sorted(t.skill_levels().items())), t.home_address)
                 for t in s.scalars(select(Technician).order_by(Technician.id))]
        rows += [(j.customer.name, j.job_type.name if j.job_type else None,
                  j.technician.name if j.technician else None, j.planned_start,
                  tuple((w.starts_at, w.ends_at) for w in j.windows))
                 for j in s.scalars(select(Job).order_by(Job.id))]
    engine.dispose()
    return rows


def test_same_seed_same_company_other_seed_another() -> None:
    first = _snapshot(3)
    assert first == _snapshot(3, now_shift=1)
    assert first != _snapshot(4)


def test_small_demo_still_has_a_mixed_board(db: DB) -> None:
    with db.scope() as s:
        result = build_demo(s, seed=11, technicians=6, customers=40)
    assert result.technicians == 6 and result.customers == 40
    assert result.call_outs and result.warnings == []
    statuses = set(result.today_statuses) | set(result.tomorrow_statuses)
    assert {"scheduled", "assigned"} <= statuses and len(statuses) >= 5
    with db.session() as s:
        _check_no_double_booking(s)
        _check_skills(s)
        _check_audit_trail(s)
