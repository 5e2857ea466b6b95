"""Consent and opt-out: a STOP reply and an unsubscribe link both take effect."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM
from crewboard.customers.models import Customer
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.notifications.api import twilio_signature
from tests.notifications.conftest import PUBLIC, Env
from tests.notifications.servers import FakeTwilio, parts

PHONE, EMAIL = "+13125550100", "pat@example.com"
INBOUND = "/notifications/sms/inbound"


def _reply(env: Env, body: str, number: str = PHONE, *, sign: bool = True) -> int:
    """POST what Twilio posts when someone texts our number."""
    form = {"MessageSid": "SM" + "1" * 32, "AccountSid": FakeTwilio.account_sid,
            "From": number, "To": "+15550009999", "Body": body, "NumMedia": "0"}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sign:
        headers["X-Twilio-Signature"] = twilio_signature(FakeTwilio.auth_token,
                                                         PUBLIC + INBOUND, form)
    reply = env.client.post(INBOUND, content=urlencode(form), headers=headers)
    if reply.status_code == 200:
        assert reply.headers["content-type"].startswith("text/xml")
        assert reply.text.endswith("<Response></Response>")
    return reply.status_code


def _cancel(env: Env, job_id: int) -> None:
    def go(s: Session) -> None:
        job = s.get(Job, job_id)
        assert job is not None
        A.do_cancel_job(s, SYSTEM, job, reason="x")

    env.world.run(go)


def _consent(env: Env, customer_id: int) -> tuple[bool, bool]:
    with env.db.session() as s:
        c = s.get(Customer, customer_id)
        assert c is not None
        return c.consent_sms, c.consent_email


def test_stop_reply_stops_texts_and_start_brings_them_back(env: Env) -> None:
    cid = env.world.customer()
    env.world.job(cid)
    env.deliver()
    assert len(env.twilio.to(PHONE)) == 1

    assert _reply(env, "Stop") == 200
    assert _consent(env, cid) == (False, True)
    second = env.world.job(cid)
    env.deliver()
    assert len(env.twilio.to(PHONE)) == 1  # no new text
    assert len(env.smtp.to(EMAIL)) == 2  # e-mail is a separate consent
    [sms] = env.rows(job_id=second, channel="sms")
    assert sms.status == "skipped" and "opted out (sms_stop)" in (sms.status_reason or "")

    assert _reply(env, "START") == 200
    assert _consent(env, cid) == (True, True)
    env.world.job(cid)
    env.deliver()
    assert len(env.twilio.to(PHONE)) == 2


def test_stop_between_queueing_and_sending_wins(env: Env) -> None:
    job_id = env.world.job()
    assert _reply(env, "STOP") == 200
    env.deliver()
    assert env.twilio.to(PHONE) == []
    [sms] = env.rows(job_id=job_id, channel="sms")
    assert sms.status == "skipped"


def test_inbound_without_a_valid_twilio_signature_is_refused(env: Env) -> None:
    cid = env.world.customer()
    assert _reply(env, "STOP", sign=False) == 403
    assert _consent(env, cid) == (True, True)


def test_other_replies_are_recorded_for_the_office(env: Env) -> None:
    from sqlalchemy import select

    from crewboard.events.models import Event

    assert _reply(env, "running late? gate code is 1234") == 200
    with env.db.session() as s:
        event = s.scalar(select(Event).where(Event.action == "notification.sms_reply"))
        assert event is not None and event.data["body"].startswith("running late?")


def test_unsubscribe_link_in_an_email_stops_emails(env: Env) -> None:
    cid = env.world.customer()
    env.world.job(cid)
    env.deliver()
    [mail] = env.smtp.to(EMAIL)
    text, html = parts(mail)
    url = text.split("Unsubscribe: ")[1].split()[0]
    assert url.startswith(PUBLIC + "/notifications/unsubscribe/")
    assert html is not None and url in html
    path = url.removeprefix(PUBLIC)
    page = env.client.get(path)
    assert page.status_code == 200 and "<form method=\"post\">" in page.text
    assert _consent(env, cid) == (True, True)  # looking at the page changes nothing
    done = env.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more e-mail" in done.text
    assert _consent(env, cid) == (True, False)

    job_id = env.world.job(cid)
    _cancel(env, job_id)
    env.deliver()
    assert len(env.smtp.to(EMAIL)) == 1
    assert len(env.twilio.to(PHONE)) == 2  # texts still go (the cancellation)
    assert {r.status for r in env.rows(job_id=job_id, channel="email")} == {"skipped"}
    assert env.client.get("/notifications/unsubscribe/nope").status_code == 404


def test_gateway_reporting_an_unsubscribed_number_opts_it_out(env: Env) -> None:
    cid = env.world.customer()
    env.twilio.error = (400, 21610, "Attempt to send to unsubscribed recipient")
    job_id = env.world.job(cid)
    report = env.deliver()
    [sms] = env.rows(job_id=job_id, channel="sms")
    assert sms.status == "failed" and sms.id in report.failed and sms.attempts == 1
    assert _consent(env, cid) == (False, True)
