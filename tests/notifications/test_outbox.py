"""The outbox: same transaction as the change, retries, final failure, crash safety, order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.db import utcnow
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.notifications.models import DeliveryAttempt, OutboxMessage
from crewboard.notifications.outbox import backoff
from tests.conftest import World, at
from tests.notifications.conftest import Env

PHONE, EMAIL = "+13125550100", "pat@example.com"


def test_a_rolled_back_change_writes_and_sends_nothing(env: Env) -> None:
    cid = env.world.customer()

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with env.db.scope() as s:
            A.do_create_job(s, SYSTEM, customer_id=cid, windows=[(at("08:00"), at("12:00"))])
            s.flush()
            raise Boom
    assert env.rows() == []
    env.deliver()
    assert env.twilio.messages == [] and env.smtp.messages == []

    # and a request that fails half-way through writes nothing either
    dispatcher = env.world.api(Role.dispatcher)
    reply = dispatcher.post("/jobs", json={"customer_id": cid, "windows": [
        {"start": at("08:00").isoformat(), "end": at("12:00").isoformat()}],
        "required_skills": {"no-such-skill": 1}})
    assert reply.status_code == 422
    assert env.rows() == []


def test_outbox_rows_commit_with_the_change(env: Env) -> None:
    cid = env.world.customer()
    with env.db.session() as s:
        job = A.do_create_job(s, SYSTEM, customer_id=cid, windows=[(at("08:00"), at("12:00"))])
        # before the commit nothing is in the outbox, not even for this session
        assert s.scalars(select(OutboxMessage)).all() == []
        s.commit()
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.job_id == job.id)).all()
        assert len(rows) == 2


def test_retries_with_backoff_then_a_final_failure_on_board_and_job(env: Env) -> None:
    job_id = env.world.job()
    env.twilio.down()
    now = utcnow()
    env.deliver(now)
    [sms] = env.rows(job_id=job_id, channel="sms")
    assert (sms.status, sms.attempts) == ("pending", 1)
    assert sms.not_before == pytest.approx(now + backoff(env.settings, 1), abs=timedelta(
        seconds=1))
    assert env.deliver(now).attempted == 0  # not before its time
    t = now
    for attempt in (2, 3, 4):
        t += timedelta(seconds=10)
        env.deliver(t)
        [sms] = env.rows(job_id=job_id, channel="sms")
        assert sms.attempts == attempt
    assert sms.status == "failed" and "unreachable" in (sms.last_error or "")
    assert len(env.smtp.to(EMAIL)) == 1  # the e-mail went its own way

    with env.db.session() as s:
        attempts = s.scalars(select(DeliveryAttempt).where(DeliveryAttempt.outbox_id == sms.id)
                             ).all()
        assert [a.ok for a in attempts] == [False] * 4
        event = s.scalar(select(Event).where(Event.action == "notification.failed"))
        assert event is not None and event.job_id == job_id and event.entity_id == sms.id

    office = env.world.api(Role.viewer)
    failed = office.get("/outbox", params={"status": "failed"}).json()
    assert [m["id"] for m in failed["items"]] == [sms.id]
    messages = office.get(f"/jobs/{job_id}/messages").json()["items"]
    assert [(m["channel"], m["status"]) for m in messages] == [("sms", "failed"),
                                                               ("email", "sent")]
    assert len(messages[0]["attempt_log"]) == 4

    env.twilio.up()
    dispatcher = env.world.api(Role.dispatcher)
    assert dispatcher.post(f"/outbox/{sms.id}/retry").status_code == 200
    env.deliver()
    assert len(env.twilio.to(PHONE)) == 1
    assert dispatcher.post(f"/outbox/{sms.id}/retry").status_code == 409


def _claim_and_crash(env: Env, row_id: int) -> None:
    """What a worker leaves behind when it dies after the send, before the mark."""
    with env.db.scope() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status="sending", attempts=1, lease_until=utcnow() - timedelta(seconds=1)))


def test_an_interrupted_text_is_not_sent_twice(env: Env) -> None:
    job_id = env.world.job()
    [sms, mail] = env.rows(job_id=job_id)
    _claim_and_crash(env, sms.id)
    _claim_and_crash(env, mail.id)
    env.deliver()
    assert env.twilio.messages == []  # may have gone before the crash: never twice
    [sms, mail] = env.rows(job_id=job_id)
    assert sms.status == "failed" and "outcome unknown" in (sms.status_reason or "")
    # e-mail carries a stable Message-ID, so it is safe to send again
    assert mail.status == "sent"
    [received] = env.smtp.to(EMAIL)
    assert received["Message-ID"] == f"<{mail.idempotency_key}@crewboard>"


def test_a_live_lease_is_respected(env: Env) -> None:
    job_id = env.world.job()
    [sms, _mail] = env.rows(job_id=job_id)
    with env.db.scope() as s:
        s.execute(update(OutboxMessage).where(OutboxMessage.id == sms.id).values(
            status="sending", attempts=1, lease_until=utcnow() + timedelta(minutes=1)))
    env.deliver()
    assert env.twilio.messages == []
    assert env.rows(job_id=job_id, channel="sms")[0].status == "sending"


def test_a_jobs_messages_go_in_order_even_after_a_failure(env: Env) -> None:
    world: World = env.world
    job_id = world.job()

    def cancel(s: Session) -> None:
        job = s.get(Job, job_id)
        assert job is not None
        A.do_cancel_job(s, SYSTEM, job, reason="x")

    other = world.job()
    env.twilio.error = (503, 20500, "Service unavailable")
    env.deliver()
    # the confirmation is retrying; a later message for the same job waits behind it
    world.run(lambda s: _reschedule(s, job_id))
    now = utcnow()
    env.deliver(now)
    assert env.twilio.messages == []
    env.twilio.error = None
    env.deliver(now + timedelta(seconds=5))
    bodies = [m.body for m in env.twilio.to(PHONE)]
    ours = [b for b in bodies if f"J-{job_id} " in b]
    assert ["booked" in ours[0], "moved" in ours[1]] == [True, True]
    assert any(f"J-{other} " in b for b in bodies)
    del cancel


def _reschedule(s: Session, job_id: int) -> None:
    job = s.get(Job, job_id)
    assert job is not None
    A.do_reschedule_job(s, SYSTEM, job, windows=[(at("13:00"), at("15:00"))])
