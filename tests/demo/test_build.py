"""The demo company: believable size, a consistent board, a full audit trail, working logins."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from crewboard.auth.actions import do_login
from crewboard.auth.actor import Role
from crewboard.auth.models import User
from crewboard.auth.queries import actor_from_api_token
from crewboard.customers.models import Customer
from crewboard.db import Base, make_session_factory, session_scope, utcnow
from crewboard.demo import DemoResult, build_demo, plan_demo
from crewboard.demo.places import distance_km
from crewboard.events.models import Event
from crewboard.jobs.kinds import TERMINAL, JobStatus, Priority
from crewboard.jobs.models import Job
from crewboard.jobs.queries import on_day
from crewboard.technicians import actions as technician_actions
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Absence, Technician
from tests.conftest import TestDB as DB

TZ = ZoneInfo("America/Chicago")


def test_demo_is_big_consistent_and_audited(db: DB) -> None:
    """The default size once (SQLite); PostgreSQL runs the same checks on a smaller crew."""
    full = db.backend == "sqlite"
    size = {} if full else {"technicians": 10, "customers": 100}
    with db.scope() as s:
        result = build_demo(s, seed=7, **size)  # type: ignore[arg-type]
    assert result.warnings == []  # every placement passed the scheduling checks cleanly
    with db.session() as s:
        _check_size(s, result, full)
        _check_board(s, result, full)
        _check_no_double_booking(s)
        _check_skills(s)
        _check_call_outs(s, result)
        _check_audit_trail(s)
        _check_field_times(s)
    with db.scope() as s:
        _check_logins(s, result)


def _check_size(s: Session, result: DemoResult, full: bool) -> None:
    techs = s.scalars(select(Technician)).all()
    assert len(techs) == result.technicians == (25 if full else 10)
    customers = len(s.scalars(select(Customer)).all())
    assert customers == result.customers and customers >= (250 if full else 100)
    for tech in techs:
        assert distance_km(41.88, -87.63, tech.home_lat, tech.home_lon) < 32
        assert tech.shifts and tech.skills and tech.region
    assert sum(1 for t in techs if any(a.kind is AbsenceKind.time_off for a in t.absences)) >= 2


def _check_board(s: Session, result: DemoResult, full: bool) -> None:
    today, tomorrow = result.today, result.today + timedelta(days=1)
    statuses = {j.status for j in s.scalars(select(Job).where(
        on_day(TZ, today) | on_day(TZ, tomorrow)))}
    assert len(statuses) >= 7, statuses
    if full and today.weekday() < 5:  # ~8 a technician; weekends have a Saturday/on-call crew
        assert sum(result.today_statuses.values()) >= 150
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
    taps = s.scalars(select(Event).where(Event.action.in_(
        ["job.accepted", "job.en_route", "job.arrived", "job.completed", "job.incomplete"])))
    technicians = {t.id: t.name for t in s.scalars(select(Technician))}
    for tap in taps:  # technicians tap their own jobs; the office does the rest
        assert tap.actor_name == technicians[tap.technician_id]  # type: ignore[index]


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
    users = {u.email: u for u in s.scalars(select(User))}
    for login in result.logins:
        assert users[login.email].role.value == login.role
    # every demo user shares one argon2 hash; logging in as an office user and a
    # technician proves the printed password for all of them (each verify is ~0.3 s)
    tech = next(login for login in result.logins if login.role == "technician")
    for login in (result.logins[0], tech):
        user = do_login(s, email=login.email, password=result.password, days=1).user
        assert user.password_hash == users[result.logins[0].email].password_hash
    assert users[tech.email].technician_id is not None
    assert len({u.password_hash for u in users.values()}) == 1
    techs = s.scalars(select(Technician)).all()
    linked = s.scalars(select(User.technician_id).where(User.role == Role.technician)).all()
    assert sorted(linked) == sorted(t.id for t in techs)
    actor = actor_from_api_token(s, result.api_token)
    assert actor is not None and actor.role is Role.admin


def _small_build(monkeypatch: pytest.MonkeyPatch, now: datetime, seed: int
                 ) -> tuple[DemoResult, set[tuple[object, ...]]]:
    """A small demo in a throwaway SQLite database, as if it were ``now``."""
    monkeypatch.setattr(technician_actions, "utcnow", lambda: now)  # field-time checks
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    try:
        with session_scope(make_session_factory(engine)) as s:
            result = build_demo(s, seed=seed, technicians=6, customers=40, now=now)
            _check_no_double_booking(s)
            _check_skills(s)
            _check_audit_trail(s)
            for job in s.scalars(select(Job).where(Job.arrived_at.is_not(None))):
                assert now - timedelta(days=2) < job.arrived_at <= now  # type: ignore[operator]
                assert job.completed_at is None or job.completed_at <= now
            visits = {(j.technician.name, j.customer.name, j.job_type.name, j.planned_start,
                       tuple((w.starts_at, w.ends_at) for w in j.windows))
                      for j in s.scalars(select(Job).where(Job.planned_start.is_not(None)))
                      if j.technician and j.job_type}
    finally:
        engine.dispose()
    return result, visits


def _local(hhmm: str, day: date = date(2030, 6, 4)) -> datetime:  # a Tuesday
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TZ).astimezone(UTC)


def test_same_seed_same_company_and_plan() -> None:
    now = _local("10:15")
    first = plan_demo(seed=3, now=now)
    assert first == plan_demo(seed=3, now=now)
    other = plan_demo(seed=4, now=now)
    assert other.customers != first.customers and other.visits != first.visits
    assert len(first.technicians) == 25 and len(first.customers) == 300
    per_tech = Counter(v[0] for v in first.visits if v[3].astimezone(TZ).date() == first.today)
    assert 6 <= sum(per_tech.values()) / len(per_tech) <= 9  # ~8 visits a technician today


@pytest.mark.parametrize("when", ["08:35", "17:29", "02:00"])
def test_any_time_of_day_gives_a_mixed_board(monkeypatch: pytest.MonkeyPatch,
                                             when: str) -> None:
    """Start of day, end of day, and at night (shown as 11:00, nothing in the future)."""
    now = _local(when)
    result, visits = _small_build(monkeypatch, now, seed=11)
    assert result.call_outs and result.warnings == []
    statuses = set(result.today_statuses) | set(result.tomorrow_statuses)
    assert len(statuses) >= 7, statuses
    # the database holds exactly the deterministic plan
    plan = plan_demo(seed=11, technicians=6, customers=40, now=now)
    assert visits == set(plan.visits)
    assert result.call_outs == plan.call_outs
