"""Quiet hours: routine messages wait for the morning, time-critical ones do not."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM
from crewboard.db import utcnow
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.notifications.actions import do_update_settings
from crewboard.notifications.models import NotificationSettings
from crewboard.notifications.outbox import quiet_until
from crewboard.technicians.models import Technician
from tests.conftest import TZ, at
from tests.notifications.conftest import Env

PHONE = "+13125550100"


def _quiet_around_now(env: Env) -> None:
    """Quiet hours from an hour ago to an hour from now, company time."""
    local = utcnow().astimezone(ZoneInfo(TZ))
    start = (local - timedelta(hours=1)).strftime("%H:%M")
    end = (local + timedelta(hours=1)).strftime("%H:%M")
    env.world.run(lambda s: do_update_settings(
        s, SYSTEM, version=None, values={"quiet_start": start, "quiet_end": end}))


def test_quiet_until_spans_midnight_in_company_time() -> None:
    tz = ZoneInfo(TZ)
    cfg = NotificationSettings(quiet_start="21:00", quiet_end="08:00")
    assert quiet_until(cfg, tz, at("20:59")) is None
    assert quiet_until(cfg, tz, at("21:00")) == at("08:00") + timedelta(days=1)
    assert quiet_until(cfg, tz, at("03:00")) == at("08:00")
    assert quiet_until(cfg, tz, at("08:00")) is None
    day = NotificationSettings(quiet_start="12:00", quiet_end="13:00")
    assert quiet_until(day, tz, at("12:30")) == at("13:00")
    assert quiet_until(NotificationSettings(quiet_start=None, quiet_end=None), tz,
                       at("03:00")) is None


def test_a_booking_made_in_quiet_hours_waits_for_the_morning(env: Env) -> None:
    _quiet_around_now(env)
    job_id = env.world.job()
    rows = env.rows(job_id=job_id)
    assert all(r.held and r.status == "pending" for r in rows)
    ends = rows[0].not_before
    assert ends > utcnow() + timedelta(minutes=50)

    report = env.deliver()
    assert report.attempted == 0
    assert env.twilio.messages == [] and env.smtp.messages == []

    report = env.deliver(ends + timedelta(seconds=1))
    assert len(report.sent) == 2
    assert len(env.twilio.to(PHONE)) == 1 and len(env.smtp.messages) == 1


def test_on_my_way_is_sent_in_quiet_hours_and_is_not_stuck_behind_held_ones(env: Env) -> None:
    tech = env.world.tech("Dana Kim")
    job_id = env.world.job()
    _quiet_around_now(env)
    report = env.deliver()  # the confirmation meets quiet hours at send time: held
    assert len(report.held) == 2 and env.twilio.messages == []

    def go(s: Session) -> None:
        job, t = s.get(Job, job_id), s.get(Technician, tech)
        assert job is not None and t is not None
        A.do_assign_job(s, SYSTEM, job, t, at("09:00"))
        A.do_dispatch_job(s, SYSTEM, job)
        A.do_accept_job(s, SYSTEM, job)
        A.do_start_travel(s, SYSTEM, job)

    env.world.run(go)
    env.deliver()
    bodies = [m.body for m in env.twilio.to(PHONE)]
    assert len(bodies) == 1 and "Dana is on the way" in bodies[0]
    held = env.rows(job_id=job_id, kind="booking_confirmation")
    assert {(r.status, r.held) for r in held} == {("pending", True)}
    env.deliver(held[0].not_before + timedelta(seconds=1))
    assert len(env.twilio.to(PHONE)) == 2


def test_time_critical_kinds_are_configurable(env: Env) -> None:
    from crewboard.auth.actor import Role

    admin = env.world.api(Role.admin)
    reply = admin.patch("/notifications/settings", json={"quiet_exempt": ["booking_confirmation"],
                                                         "quiet_start": "00:00",
                                                         "quiet_end": "23:59"})
    assert reply.status_code == 200, reply.text
    env.world.job()
    now = utcnow().astimezone(ZoneInfo(TZ)).replace(hour=12, minute=0)
    assert len(env.deliver(now).sent) == 2


def test_a_retry_that_lands_in_quiet_hours_is_held(env: Env) -> None:
    job_id = env.world.job()
    env.twilio.down()
    env.deliver()
    [sms] = env.rows(job_id=job_id, channel="sms")
    assert sms.status == "pending" and sms.attempts == 1
    env.twilio.up()
    _quiet_around_now(env)
    report = env.deliver(utcnow() + timedelta(seconds=5))
    assert sms.id in report.held
    [sms] = env.rows(job_id=job_id, channel="sms")
    assert sms.held and sms.attempts == 1
    assert env.twilio.messages == []
