"""Audit rows and the after-commit bus: subscribers hear only what was committed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from crewboard.auth.actor import SYSTEM, Actor, Role
from crewboard.events.actions import record_event
from crewboard.events.bus import Bus, bus
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.technicians.models import Technician
from tests.conftest import TestDB as Database
from tests.conftest import World, at, iso


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    got: list[dict[str, Any]] = []
    unsubscribe = bus.subscribe(got.append)
    yield got
    unsubscribe()


def _count(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Event)) or 0


def test_published_only_after_commit(db: Database, heard: list[dict[str, Any]]) -> None:
    actor = Actor(user_id=None, role=Role.dispatcher, name="Olga")
    with db.scope() as s:
        row = record_event(s, actor, "thing.happened", "thing", 7, job_id=3, technician_id=4,
                           from_state="a", to_state="b", reason="why", data={"k": 1})
        assert heard == []  # flushed, not committed
        # the row is visible inside the transaction
        assert s.get(Event, row.id) is not None
    assert len(heard) == 1
    message = heard[0]
    assert message["type"] == "thing.happened" and message["event_id"] == row.id
    assert (message["entity_type"], message["entity_id"], message["job_id"],
            message["technician_id"], message["from"], message["to"]) == (
        "thing", 7, 3, 4, "a", "b")
    with db.session() as s:
        stored = s.get(Event, row.id)
        assert stored is not None
        assert (stored.actor_name, stored.reason, stored.data) == ("Olga", "why", {"k": 1})
        assert stored.at.tzinfo is not None


def test_nothing_published_or_stored_after_rollback(db: Database,
                                                    heard: list[dict[str, Any]]) -> None:
    before = _count(db)
    with pytest.raises(RuntimeError), db.scope() as s:
        record_event(s, SYSTEM, "thing.happened", "thing", 1)
        raise RuntimeError("boom")
    assert heard == []
    assert _count(db) == before
    # the session's queue was dropped: a later commit in a new session publishes only its own
    with db.scope() as s:
        record_event(s, SYSTEM, "thing.after", "thing", 2)
    assert [m["type"] for m in heard] == ["thing.after"]


def test_explicit_rollback_then_commit_in_same_session(db: Database,
                                                       heard: list[dict[str, Any]]) -> None:
    with db.session() as s:
        record_event(s, SYSTEM, "thing.dropped", "thing", 1)
        s.rollback()
        record_event(s, SYSTEM, "thing.kept", "thing", 2)
        s.commit()
    assert [m["type"] for m in heard] == ["thing.kept"]


def test_rolled_back_savepoint_publishes_nothing(db: Database,
                                                 heard: list[dict[str, Any]]) -> None:
    with db.scope() as s:
        record_event(s, SYSTEM, "thing.outer", "thing", 1)
        try:
            with s.begin_nested():
                record_event(s, SYSTEM, "thing.inner", "thing", 2)
                raise ValueError("bad row")
        except ValueError:
            pass
        with s.begin_nested():
            record_event(s, SYSTEM, "thing.kept", "thing", 3)
        assert heard == []  # a released savepoint is not a commit
    assert [m["type"] for m in heard] == ["thing.outer", "thing.kept"]
    with db.session() as s:
        assert [e.action for e in s.scalars(select(Event).order_by(Event.id))][-2:] == [
            "thing.outer", "thing.kept"]


def test_failing_subscriber_does_not_stop_others(caplog: pytest.LogCaptureFixture) -> None:
    local = Bus()
    got: list[Any] = []

    def broken(_message: dict[str, Any]) -> None:
        raise ValueError("subscriber bug")

    local.subscribe(broken)
    unsubscribe = local.subscribe(got.append)
    local.publish({"type": "x"})
    assert got == [{"type": "x"}]
    assert "event subscriber failed" in caplog.text
    unsubscribe()
    unsubscribe()  # twice is harmless
    local.publish({"type": "y"})
    assert got == [{"type": "x"}]


def test_refused_request_publishes_nothing(world: World, heard: list[dict[str, Any]]) -> None:
    from crewboard.auth.actor import Role as R

    world.skill("gas")
    tech = world.tech("No Gas")
    job = world.job(skills={"gas": 1})
    office = world.api(R.dispatcher)
    heard.clear()
    reply = office.post(f"/jobs/{job}/assign",
                        json={"technician_id": tech, "planned_start": iso(at("09:00"))})
    assert reply.status_code == 409
    assert heard == []
    ok = office.post(f"/jobs/{job}/cancel", json={"reason": "duplicate"})
    assert ok.status_code == 200
    assert [(m["type"], m["from"], m["to"], m["job_id"]) for m in heard] == [
        ("job.cancelled", "scheduled", "cancelled", job)]


def test_transition_message_carries_technician(world: World,
                                               heard: list[dict[str, Any]]) -> None:
    tech = world.tech("Dana")
    job = world.job()

    def assign(s: Any) -> None:
        j, t = s.get(Job, job), s.get(Technician, tech)
        A.do_assign_job(s, SYSTEM, j, t, at("09:00"))
        A.do_dispatch_job(s, SYSTEM, j)

    heard.clear()
    world.run(assign)
    assert [(m["type"], m["technician_id"]) for m in heard] == [
        ("job.assigned", tech), ("job.dispatched", tech)]
