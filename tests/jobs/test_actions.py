"""The do_* actions: business rules, and exactly the audit row each one writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Actor, Role
from crewboard.errors import InvalidTransition, ValidationFailed
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.checks import AssignmentRefused
from crewboard.jobs.kinds import IncompleteReason, JobStatus, Priority
from crewboard.jobs.models import Job
from crewboard.technicians.models import Technician
from tests.conftest import World, at
from tests.jobs.drive import place

S = JobStatus
DISPATCHER = Actor(user_id=None, role=Role.dispatcher, name="Office Olga")


def _job(s: Session, job_id: int) -> Job:
    job = s.get(Job, job_id)
    assert job is not None
    return job


def _tech(s: Session, tech_id: int) -> Technician:
    tech = s.get(Technician, tech_id)
    assert tech is not None
    return tech


def _events(s: Session, job_id: int) -> list[Event]:
    return list(s.scalars(select(Event).where(Event.job_id == job_id).order_by(Event.id)))


def _new_events(world: World, job_id: int, fn: Any) -> list[Event]:
    """Run ``fn(session, job)`` in one committed transaction; the job events it wrote."""
    with world.db.scope() as s:
        seen = {e.id for e in _events(s, job_id)}
        fn(s, _job(s, job_id))
    with world.db.session() as s:
        return [e for e in _events(s, job_id) if e.id not in seen]


def _one(events: list[Event]) -> Event:
    assert len(events) == 1, [e.action for e in events]
    return events[0]


# ------------------------------------------------------------------ proof of service

@pytest.mark.parametrize("requires,body,field", [
    ({}, {"notes": "  "}, "notes"),  # no job type: notes required
    ({"requires_notes": True}, {"notes": None}, "notes"),
    ({"requires_notes": False, "requires_photo": True}, {"notes": None}, "photos"),
    ({"requires_notes": False, "requires_signature": True}, {"photos": ["a.jpg"]},
     "signature_ref"),
])
def test_complete_needs_the_proof_the_job_type_requires(bare: World, requires: dict,
                                                        body: dict, field: str) -> None:
    type_id = bare.job_type("repair", **requires) if requires else None
    placed = place(bare, S.on_site)
    if type_id:
        bare.run(lambda s: setattr(_job(s, placed.job_id), "job_type_id", type_id))
    with bare.db.session() as s:
        job = _job(s, placed.job_id)
        with pytest.raises(ValidationFailed) as err:
            A.do_complete_job(s, DISPATCHER, job, **{"notes": None, **body})
        assert err.value.code == "proof_required" and err.value.field == field
        assert f"J-{placed.job_id}" in err.value.message
        if type_id:
            assert "(repair jobs require it)" in err.value.message


def test_complete_with_every_proof_the_type_requires(bare: World) -> None:
    type_id = bare.job_type("inspection", requires_notes=True, requires_photo=True,
                            requires_signature=True)
    placed = place(bare, S.on_site)
    bare.run(lambda s: setattr(_job(s, placed.job_id), "job_type_id", type_id))
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_complete_job(s, DISPATCHER, _job(s, placed.job_id), notes=None)
        assert ("completion notes and at least one photo and the customer's signature"
                in err.value.message)
    events = _new_events(bare, placed.job_id, lambda s, job: A.do_complete_job(
        s, DISPATCHER, job, notes="ok", photos=["p1.jpg"], signature_ref="sig.png",
        signed_by="Pat"))
    e = _one(events)
    assert (e.action, e.from_state, e.to_state) == ("job.completed", "on_site", "completed")
    assert e.data["photos"] == ["p1.jpg"] and e.data["signature_ref"] == "sig.png"
    assert e.data["signed_by"] == "Pat" and e.data["notes"] == "ok"
    with bare.db.session() as s:
        job = _job(s, placed.job_id)
        assert job.proof_photos == ["p1.jpg"] and job.signed_by == "Pat"
        assert job.completed_at is not None


def test_complete_before_arrival_is_refused(bare: World) -> None:
    placed = place(bare, S.on_site)
    with bare.db.session() as s:
        job = _job(s, placed.job_id)
        assert job.arrived_at is not None
        with pytest.raises(ValidationFailed) as err:
            A.do_complete_job(s, DISPATCHER, job, notes="x",
                              at=job.arrived_at - timedelta(minutes=5))
        assert (err.value.code, err.value.field) == ("bad_time", "at")


@pytest.mark.parametrize("action", ["accept", "start_travel", "arrive", "complete",
                                    "mark_incomplete"])
def test_field_time_in_the_future_is_refused(bare: World, action: str) -> None:
    status = {"accept": S.dispatched, "start_travel": S.accepted, "arrive": S.en_route,
              "complete": S.on_site, "mark_incomplete": S.on_site}[action]
    placed = place(bare, status)
    future = datetime.now(UTC) + timedelta(hours=1)
    calls = {
        "accept": lambda s, j: A.do_accept_job(s, DISPATCHER, j, at=future),
        "start_travel": lambda s, j: A.do_start_travel(s, DISPATCHER, j, at=future),
        "arrive": lambda s, j: A.do_arrive(s, DISPATCHER, j, at=future),
        "complete": lambda s, j: A.do_complete_job(s, DISPATCHER, j, notes="x", at=future),
        "mark_incomplete": lambda s, j: A.do_mark_incomplete(
            s, DISPATCHER, j, reason=IncompleteReason.no_access, at=future),
    }
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            calls[action](s, _job(s, placed.job_id))
        assert (err.value.code, err.value.field) == ("time_in_future", "at")
        s.rollback()
        with pytest.raises(ValidationFailed) as err:
            A.do_accept_job(s, DISPATCHER, _job(s, placed.job_id),
                            at=datetime.now(UTC) - timedelta(days=3)) if action == "accept" \
                else A.check_report_time(datetime.now(UTC) - timedelta(days=3))
        assert err.value.code == "time_too_old"


def test_offline_tap_time_is_kept_in_the_event(bare: World) -> None:
    placed = place(bare, S.en_route)
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=40)
    e = _one(_new_events(bare, placed.job_id,
                         lambda s, j: A.do_arrive(s, DISPATCHER, j, at=when)))
    assert e.data["occurred_at"] == when.isoformat()
    with bare.db.session() as s:
        assert _job(s, placed.job_id).arrived_at == when


# ------------------------------------------------------------------ incomplete, cancel

def test_incomplete_reason_other_needs_a_note(bare: World) -> None:
    placed = place(bare, S.on_site)
    with bare.db.session() as s:
        for note in (None, "", "   "):
            with pytest.raises(ValidationFailed) as err:
                A.do_mark_incomplete(s, DISPATCHER, _job(s, placed.job_id),
                                     reason=IncompleteReason.other, note=note)
            assert (err.value.code, err.value.field) == ("reason_required", "note")


def test_incomplete_creates_a_linked_follow_up(bare: World) -> None:
    bare.skill("gas", max_level=3)
    tech = bare.tech("Gus", {"gas": 3}, equipment=["ladder"])
    cust = bare.customer("Ann Lee")
    job_id = bare.job(cust, skills={"gas": 2}, duration=90, priority=Priority.high,
                      required_equipment=["ladder"], description="Leak",
                      access_notes="side door", contact_name="Ann")
    bare.run(lambda s: A.do_assign_job(s, SYSTEM, _job(s, job_id), _tech(s, tech),
                                       at("09:00")))
    events = _new_events(bare, job_id, lambda s, j: A.do_mark_incomplete(
        s, DISPATCHER, j, reason=IncompleteReason.parts_needed, note="valve on order"))
    assert [e.action for e in events] == ["job.incomplete", "job.follow_up_created"]
    inc, link = events
    assert (inc.from_state, inc.to_state) == ("assigned", "incomplete")
    assert inc.reason == "parts_needed: valve on order"
    assert inc.data["reason_code"] == "parts_needed" and inc.data["note"] == "valve on order"
    assert inc.actor_name == "Office Olga"
    with bare.db.session() as s:
        parent = _job(s, job_id)
        child = _job(s, link.data["follow_up_id"])
        assert parent.status is S.incomplete
        assert parent.outcome_reason == "parts_needed: valve on order"
        assert child.parent_id == parent.id
        assert child.status is S.unscheduled and child.technician_id is None
        assert (child.customer_id, child.location_id) == (parent.customer_id,
                                                          parent.location_id)
        assert child.skill_levels() == {"gas": 2}
        assert child.required_equipment == ["ladder"]
        assert (child.duration_min, child.priority) == (90, Priority.high)
        assert child.access_notes == "side door" and child.contact_name == "Ann"
        assert f"Follow-up of J-{job_id}" in (child.description or "")
        created = _events(s, child.id)
        assert [e.action for e in created] == ["job.created"]


def test_incomplete_without_follow_up(bare: World) -> None:
    placed = place(bare, S.en_route)
    events = _new_events(bare, placed.job_id, lambda s, j: A.do_mark_incomplete(
        s, DISPATCHER, j, reason=IncompleteReason.customer_not_home, follow_up=False))
    e = _one(events)
    assert e.action == "job.incomplete" and e.reason == "customer_not_home"
    with bare.db.session() as s:
        assert s.scalar(select(Job).where(Job.parent_id == placed.job_id)) is None


def test_cancel_needs_a_reason(bare: World) -> None:
    placed = place(bare, S.scheduled)
    with bare.db.session() as s:
        for reason in ("", "  "):
            with pytest.raises(ValidationFailed) as err:
                A.do_cancel_job(s, DISPATCHER, _job(s, placed.job_id), reason=reason)
            assert (err.value.code, err.value.field) == ("reason_required", "reason")


@pytest.mark.parametrize("status", [S.cancelled, S.completed, S.incomplete])
def test_closed_job_cannot_be_assigned(bare: World, status: JobStatus) -> None:
    placed = place(bare, status)
    with bare.db.session() as s:
        with pytest.raises(InvalidTransition) as err:
            A.do_assign_job(s, DISPATCHER, _job(s, placed.job_id),
                            _tech(s, placed.other_tech_id), at("10:00"))
        assert f"J-{placed.job_id} is {status.value}" in err.value.message


def test_reassign_to_the_same_technician_is_refused(bare: World) -> None:
    placed = place(bare, S.dispatched)
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_reassign_job(s, DISPATCHER, _job(s, placed.job_id),
                              _tech(s, placed.tech_id))
        assert (err.value.code, err.value.field) == ("same_technician", "technician_id")
        assert "Dana Kim" in err.value.message


@pytest.mark.parametrize("windows,expected", [(True, S.scheduled), (False, S.unscheduled)])
def test_unassign_returns_to_the_queue(bare: World, windows: bool,
                                       expected: JobStatus) -> None:
    tech = bare.tech("Dana Kim")
    job_id = bare.job(windows=None if windows else [])
    bare.run(lambda s: A.do_assign_job(s, SYSTEM, _job(s, job_id), _tech(s, tech),
                                       at("09:00"), pinned=True))
    bare.run(lambda s: A.do_dispatch_job(s, SYSTEM, _job(s, job_id)))
    with bare.db.scope() as s:
        seen = {e.id for e in s.scalars(select(Event))}
        A.do_unassign_job(s, DISPATCHER, _job(s, job_id), reason="sick")
    with bare.db.session() as s:
        job = _job(s, job_id)
        assert job.status is expected
        assert (job.technician_id, job.planned_start, job.pinned) == (None, None, False)
        new = [e for e in s.scalars(select(Event).order_by(Event.id)) if e.id not in seen]
    assert [e.action for e in new] == ["job.unassigned", "technician.job_removed"]
    un, removed = new
    assert (un.from_state, un.to_state, un.reason) == ("dispatched", expected.value, "sick")
    assert un.data["from_technician_id"] == tech
    assert un.data["from_planned_start"] == at("09:00").isoformat()
    assert (removed.entity_type, removed.entity_id, removed.technician_id) == (
        "technician", tech, tech)


def test_reschedule_needs_something_to_change(bare: World) -> None:
    placed = place(bare, S.assigned)
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_reschedule_job(s, DISPATCHER, _job(s, placed.job_id))
        assert err.value.code == "nothing_to_change"


def test_reschedule_planned_start_needs_a_technician(bare: World) -> None:
    placed = place(bare, S.scheduled)
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_reschedule_job(s, DISPATCHER, _job(s, placed.job_id),
                                planned_start=at("10:00"))
        assert (err.value.code, err.value.field) == ("not_assigned", "planned_start")


def test_reschedule_of_an_unassigned_job_to_no_window_is_refused(bare: World) -> None:
    """A scheduled job has a window; clearing it must not leave it 'scheduled'."""
    placed = place(bare, S.scheduled)
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_reschedule_job(s, DISPATCHER, _job(s, placed.job_id), windows=[])
        assert (err.value.code, err.value.field) == ("window_required", "windows")


def test_schedule_needs_a_window(bare: World) -> None:
    placed = place(bare, S.unscheduled)
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_schedule_job(s, DISPATCHER, _job(s, placed.job_id), [])
        assert err.value.code == "window_required"


@pytest.mark.parametrize("windows,code", [
    ([("10:00", "09:00")], "bad_window"),
    ([("08:00", "10:00"), ("09:00", "11:00")], "overlapping_windows"),
    ([("08:00", "09:00"), ("10:00", "11:00"), ("12:00", "13:00"), ("14:00", "15:00")],
     "too_many_windows"),
])
def test_window_rules(windows: list[tuple[str, str]], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        A.check_windows([(at(a), at(b)) for a, b in windows])
    assert err.value.code == code


def test_create_job_rules(bare: World) -> None:
    cust = bare.customer()
    with bare.db.session() as s:
        for kwargs, code, field in [
            ({"customer_id": 999_999}, "unknown_customer", "customer_id"),
            ({"customer_id": cust, "location_id": 999_999}, "unknown_location", "location_id"),
            ({"customer_id": cust, "job_type_id": 999_999}, "unknown_job_type", "job_type_id"),
            ({"customer_id": cust, "required_skills": {"nope": 1}}, "unknown_skill",
             "required_skills"),
            ({"customer_id": cust, "parent_id": 999_999}, "unknown_parent", "parent_id"),
        ]:
            with pytest.raises(ValidationFailed) as err:
                A.do_create_job(s, DISPATCHER, **kwargs)
            assert (err.value.code, err.value.field) == (code, field), kwargs
            s.rollback()


def test_job_type_fills_defaults(bare: World) -> None:
    bare.skill("hvac")
    type_id = bare.job_type("tune-up", default_duration_min=45, default_skills={"hvac": 2},
                            default_equipment=["gauges"])
    job_id = bare.job(job_type_id=type_id, duration=None, skills=None)
    with bare.db.session() as s:
        job = _job(s, job_id)
        assert job.duration_min == 45
        assert job.required_equipment == ["gauges"]


# ------------------------------------------------------------------ audit rows

def test_created_event(bare: World) -> None:
    cust = bare.customer()
    with bare.db.scope() as s:
        job = A.do_create_job(s, DISPATCHER, customer_id=cust,
                              windows=[(at("08:00"), at("10:00"))], priority=Priority.high)
        job_id = job.id
    with bare.db.session() as s:
        e = _one(_events(s, job_id))
    assert (e.action, e.from_state, e.to_state, e.actor_name) == (
        "job.created", None, "scheduled", "Office Olga")
    assert e.entity_type == "job" and e.entity_id == job_id
    assert e.data["customer_id"] == cust and e.data["priority"] == "high"
    assert e.data["windows"] == [[at("08:00").isoformat(), at("10:00").isoformat()]]


TRANSITION_EVENTS = [
    # (state, call, action, to_state, reason, data subset)
    (S.unscheduled, lambda s, j, p: A.do_schedule_job(s, DISPATCHER, j, [(at("13:00"),
                                                                         at("15:00"))]),
     "job.scheduled", "scheduled", None, {}),
    (S.scheduled, lambda s, j, p: A.do_assign_job(s, DISPATCHER, j, _tech(s, p.tech_id),
                                                  at("09:00")),
     "job.assigned", "assigned", None,
     {"technician": "Dana Kim", "planned_start": at("09:00").isoformat(), "warnings": []}),
    (S.assigned, lambda s, j, p: A.do_dispatch_job(s, DISPATCHER, j),
     "job.dispatched", "dispatched", None, {}),
    (S.dispatched, lambda s, j, p: A.do_accept_job(s, DISPATCHER, j),
     "job.accepted", "accepted", None, {}),
    (S.accepted, lambda s, j, p: A.do_start_travel(s, DISPATCHER, j),
     "job.en_route", "en_route", None, {}),
    (S.en_route, lambda s, j, p: A.do_arrive(s, DISPATCHER, j),
     "job.arrived", "on_site", None, {}),
    (S.on_site, lambda s, j, p: A.do_complete_job(s, DISPATCHER, j, notes="fixed"),
     "job.completed", "completed", None, {"notes": "fixed", "photos": []}),
    (S.scheduled, lambda s, j, p: A.do_cancel_job(s, DISPATCHER, j, reason=" no longer "),
     "job.cancelled", "cancelled", "no longer", {}),
    (S.accepted, lambda s, j, p: A.do_reassign_job(s, DISPATCHER, j,
                                                   _tech(s, p.other_tech_id), reason="closer"),
     "job.reassigned", "assigned", "closer",
     {"technician": "Lee Park", "from_technician": "Dana Kim"}),
    (S.assigned, lambda s, j, p: A.do_reschedule_job(s, DISPATCHER, j,
                                                     planned_start=at("10:00"),
                                                     reason="customer asked"),
     "job.rescheduled", "assigned", "customer asked",
     {"planned_start": [at("09:00").isoformat(), at("10:00").isoformat()]}),
]


@pytest.mark.parametrize("state,call,action,to_state,reason,data", TRANSITION_EVENTS,
                         ids=[t[2] for t in TRANSITION_EVENTS])
def test_transition_writes_exactly_its_event(bare: World, state: JobStatus, call: Any,
                                             action: str, to_state: str,
                                             reason: str | None, data: dict) -> None:
    placed = place(bare, state)
    events = _new_events(bare, placed.job_id, lambda s, j: call(s, j, placed))
    if action == "job.reassigned":  # the technician who lost the job hears it too
        removed = events.pop()
        assert (removed.action, removed.entity_type, removed.entity_id,
                removed.technician_id) == ("technician.job_removed", "technician",
                                           placed.tech_id, placed.tech_id)
    e = _one(events)
    assert (e.action, e.from_state, e.to_state) == (action, state.value, to_state)
    assert (e.actor_name, e.actor_user_id, e.reason) == ("Office Olga", None, reason)
    assert (e.entity_type, e.entity_id, e.job_id) == ("job", placed.job_id, placed.job_id)
    assert {k: e.data[k] for k in data} == data
    with bare.db.session() as s:
        assert _job(s, placed.job_id).status.value == to_state
        assert e.technician_id == _job(s, placed.job_id).technician_id


def test_note_and_delay_events(bare: World) -> None:
    placed = place(bare, S.en_route)
    e = _one(_new_events(bare, placed.job_id,
                         lambda s, j: A.do_add_note(s, DISPATCHER, j, "  gate code 1234 ")))
    assert (e.action, e.from_state, e.to_state, e.data) == (
        "job.note", None, None, {"text": "gate code 1234"})
    e = _one(_new_events(bare, placed.job_id, lambda s, j: A.do_report_delay(
        s, DISPATCHER, j, minutes=20, reason="traffic")))
    assert (e.action, e.reason, e.data) == ("job.delay_reported", "traffic", {"minutes": 20})
    assert e.technician_id == placed.tech_id
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed):
            A.do_add_note(s, DISPATCHER, _job(s, placed.job_id), " ")
        with pytest.raises(ValidationFailed):
            A.do_report_delay(s, DISPATCHER, _job(s, placed.job_id), minutes=0, reason="x")
        with pytest.raises(ValidationFailed):
            A.do_report_delay(s, DISPATCHER, _job(s, placed.job_id), minutes=5, reason=" ")


def test_update_event_lists_changes(bare: World) -> None:
    bare.skill("hvac")
    placed = place(bare, S.scheduled)
    e = _one(_new_events(bare, placed.job_id, lambda s, j: A.do_update_job(
        s, DISPATCHER, j, version=None,
        values={"description": "new", "required_skills": {"hvac": 1}})))
    assert e.action == "job.updated"
    assert e.data["changed"] == {"description": [None, "new"], "required_skills": [{}, {"hvac": 1}]}


def test_archive_rules_and_event(bare: World) -> None:
    active = place(bare, S.assigned)
    with bare.db.session() as s:
        with pytest.raises(ValidationFailed) as err:
            A.do_archive_job(s, DISPATCHER, _job(s, active.job_id))
        assert err.value.code == "job_active"
    done = place(bare, S.cancelled)
    e = _one(_new_events(bare, done.job_id, lambda s, j: A.do_archive_job(s, DISPATCHER, j)))
    assert e.action == "job.archived"


def test_refused_assignment_writes_nothing(bare: World) -> None:
    bare.skill("gas")
    tech = bare.tech("No Gas")
    job_id = bare.job(skills={"gas": 1})
    with pytest.raises(AssignmentRefused), bare.db.scope() as s:
        A.do_assign_job(s, DISPATCHER, _job(s, job_id), _tech(s, tech), at("09:00"))
    with bare.db.session() as s:
        assert [e.action for e in _events(s, job_id)] == ["job.created"]
        assert _job(s, job_id).status is S.scheduled
        assert _job(s, job_id).technician_id is None


def test_refused_transition_writes_nothing(bare: World) -> None:
    placed = place(bare, S.completed)
    with pytest.raises(InvalidTransition), bare.db.scope() as s:
        A.do_cancel_job(s, DISPATCHER, _job(s, placed.job_id), reason="late")
    with bare.db.session() as s:
        assert _events(s, placed.job_id)[-1].action == "job.completed"
