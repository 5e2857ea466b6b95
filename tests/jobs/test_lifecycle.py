"""Every action from every state, through the real do_* actions (jobs/lifecycle.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Actor, Role
from crewboard.errors import Forbidden, InvalidTransition
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import TERMINAL, IncompleteReason, JobStatus
from crewboard.jobs.lifecycle import TRANSITIONS, allowed_actions, check_transition
from crewboard.jobs.models import Job
from crewboard.jobs.read import read_job
from crewboard.technicians.models import Technician
from tests.conftest import World, actor_for_tech, at
from tests.jobs.drive import Placed, place

S = JobStatus
Call = Callable[[Session, Actor, Job, Placed], Any]


def _tech(s: Session, tech_id: int) -> Technician:
    tech = s.get(Technician, tech_id)
    assert tech is not None
    return tech


def _reschedule(s: Session, a: Actor, job: Job, p: Placed) -> Any:
    start = at("10:00") if job.technician_id else None
    return A.do_reschedule_job(s, a, job, windows=[(at("09:30"), at("12:00"))],
                               planned_start=start)


# one valid call per action (valid arguments; only the state or the role can refuse it)
CALLS: dict[str, Call] = {
    "schedule": lambda s, a, j, p: A.do_schedule_job(s, a, j, [(at("13:00"), at("15:00"))]),
    "assign": lambda s, a, j, p: A.do_assign_job(s, a, j, _tech(s, p.tech_id), at("09:00")),
    "reassign": lambda s, a, j, p: A.do_reassign_job(s, a, j, _tech(s, p.other_tech_id)),
    "reschedule": _reschedule,
    "unassign": lambda s, a, j, p: A.do_unassign_job(s, a, j, reason="moved"),
    "dispatch": lambda s, a, j, p: A.do_dispatch_job(s, a, j),
    "accept": lambda s, a, j, p: A.do_accept_job(s, a, j),
    "start_travel": lambda s, a, j, p: A.do_start_travel(s, a, j),
    "arrive": lambda s, a, j, p: A.do_arrive(s, a, j),
    "complete": lambda s, a, j, p: A.do_complete_job(s, a, j, notes="fixed"),
    "mark_incomplete": lambda s, a, j, p: A.do_mark_incomplete(
        s, a, j, reason=IncompleteReason.parts_needed),
    "cancel": lambda s, a, j, p: A.do_cancel_job(s, a, j, reason="customer called"),
}
DONE = {"schedule": "scheduled", "assign": "assigned", "reassign": "reassigned",
        "reschedule": "rescheduled", "unassign": "unassigned", "dispatch": "dispatched",
        "accept": "accepted", "start_travel": "set on the way", "arrive": "marked arrived",
        "complete": "completed", "mark_incomplete": "marked incomplete", "cancel": "cancelled"}


def _expected_target(action: str, before: JobStatus) -> JobStatus:
    target = TRANSITIONS[action].target
    if target is not None:
        return target
    if action == "reschedule":  # windows given: an unscheduled job becomes scheduled
        return S.scheduled if before is S.unscheduled else before
    assert action == "unassign"
    return S.scheduled  # place() gives every job but unscheduled ones a window


def _events(s: Session, job_id: int) -> int:
    return s.scalar(select(func.count()).select_from(Event).where(Event.job_id == job_id)) or 0


def test_every_action_has_a_call() -> None:
    assert set(CALLS) == set(TRANSITIONS)


@pytest.mark.parametrize("status", list(JobStatus))
def test_every_action_from_state(bare: World, status: JobStatus,
                                 subtests: pytest.Subtests) -> None:
    """Allowed actions move the job and write events; the others refuse, naming ref and state."""
    placed = place(bare, status)
    for action in sorted(TRANSITIONS):
        with subtests.test(action=action), bare.db.session() as s:
            job = s.get(Job, placed.job_id)
            assert job is not None and job.status is status
            before_events = _events(s, job.id)
            if status in TRANSITIONS[action].sources:
                CALLS[action](s, SYSTEM, job, placed)
                assert job.status is _expected_target(action, status)
                assert _events(s, job.id) > before_events
            else:
                with pytest.raises(InvalidTransition) as err:
                    CALLS[action](s, SYSTEM, job, placed)
                assert err.value.code == "invalid_transition"
                assert err.value.status == 409
                assert f"Job J-{placed.job_id} is {status.value}" in err.value.message
                assert f"cannot be {DONE[action]}" in err.value.message
                assert err.value.data == {"current_status": status.value, "action": action}
                assert job.status is status
                assert _events(s, job.id) == before_events
            s.rollback()


# ------------------------------------------------------------------ roles

def _actor(role: Role, tech_id: int) -> Actor:
    if role is Role.technician:
        return actor_for_tech(tech_id)
    return Actor(user_id=None, role=role, name=role.value)


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_role_rules_in_a_state_that_allows_the_action(bare: World, action: str,
                                                      subtests: pytest.Subtests) -> None:
    """Dispatchers may do everything, technicians only field taps, viewers nothing."""
    status = sorted(TRANSITIONS[action].sources)[0]
    placed = place(bare, status)
    for role in (Role.admin, Role.dispatcher, Role.technician, Role.viewer):
        actor = _actor(role, placed.tech_id)
        may = actor.can_dispatch or (role is Role.technician and TRANSITIONS[action].field)
        with subtests.test(role=role.value), bare.db.session() as s:
            job = s.get(Job, placed.job_id)
            assert job is not None
            if may:
                CALLS[action](s, actor, job, placed)
                assert job.status is _expected_target(action, status)
            else:
                with pytest.raises(Forbidden) as err:
                    CALLS[action](s, actor, job, placed)
                assert err.value.status == 403
                assert f"({role.value})" in err.value.message
                assert f"to be {DONE[action]}" in err.value.message
            s.rollback()


def test_field_actions_are_exactly_the_technician_taps() -> None:
    field = {name for name, t in TRANSITIONS.items() if t.field}
    assert field == {"accept", "start_travel", "arrive", "complete", "mark_incomplete"}


def test_role_is_checked_before_state() -> None:
    viewer = Actor(None, Role.viewer, "v")
    with pytest.raises(Forbidden):
        check_transition(viewer, "J-1", S.completed, "cancel")
    tech = actor_for_tech(1)
    with pytest.raises(Forbidden):
        check_transition(tech, "J-1", S.completed, "assign")
    with pytest.raises(InvalidTransition):
        check_transition(tech, "J-1", S.completed, "accept")


@pytest.mark.parametrize("status", list(JobStatus))
def test_allowed_actions_per_role(status: JobStatus) -> None:
    every = allowed_actions(status)
    assert every == allowed_actions(status, SYSTEM)
    assert allowed_actions(status, Actor(None, Role.viewer, "v")) == []
    assert allowed_actions(status, actor_for_tech(1)) == [
        a for a in every if TRANSITIONS[a].field]
    if status in TERMINAL:
        assert every == []


def test_read_job_lists_allowed_actions_for_the_reader(bare: World) -> None:
    placed = place(bare, S.dispatched)
    with bare.db.session() as s:
        job = s.get(Job, placed.job_id)
        assert job is not None
        assert read_job(job, SYSTEM).allowed_actions == [
            "reassign", "reschedule", "unassign", "accept", "mark_incomplete", "cancel"]
        assert read_job(job, actor_for_tech(placed.tech_id)).allowed_actions == [
            "accept", "mark_incomplete"]


def test_diagram_edges_independent_of_the_table() -> None:
    """The forward chain, cancel and incomplete edges of DESIGN.md are all in the table."""
    chain = [S.unscheduled, S.scheduled, S.assigned, S.dispatched, S.accepted, S.en_route,
             S.on_site, S.completed]
    targets = {(src, t.target) for t in TRANSITIONS.values() for src in t.sources
               if t.target is not None}
    for a, b in zip(chain[1:], chain[2:], strict=False):
        assert (a, b) in targets
    for src in set(JobStatus) - TERMINAL:
        assert (src, S.cancelled) in targets
    for src in (S.assigned, S.dispatched, S.accepted, S.en_route, S.on_site):
        assert (src, S.incomplete) in targets
    assert all(src not in TERMINAL for src, _ in targets)
