"""Each rule fires once, with the right content, on both channels."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.notifications.rules import queue_delay_alert, queue_on_my_way, send_reminders
from crewboard.technicians.models import Technician
from tests.conftest import DAY, at
from tests.notifications.conftest import Env
from tests.notifications.servers import parts

PHONE, EMAIL = "+13125550100", "pat@example.com"


def _job(env: Env, **kw: object) -> int:
    return env.world.job(windows=[("08:00", "12:00")], **kw)  # type: ignore[arg-type]


def _on(env: Env, job_id: int, fn) -> None:  # type: ignore[no-untyped-def]
    def go(s: Session) -> None:
        job = s.get(Job, job_id)
        assert job is not None
        fn(s, job)

    env.world.run(go)


def _assign(env: Env, job_id: int, tech_id: int, start: str = "09:00") -> None:
    def go(s: Session, job: Job) -> None:
        tech = s.get(Technician, tech_id)
        assert tech is not None
        A.do_assign_job(s, SYSTEM, job, tech, at(start))

    _on(env, job_id, go)


def _kinds(env: Env) -> list[tuple[str, str]]:
    return [(r.kind, r.channel) for r in env.rows() if r.channel != "webhook"]


def test_booking_confirmation_goes_once_by_email_and_sms(env: Env) -> None:
    job_id = _job(env)
    rows = env.rows(job_id=job_id)
    assert [(r.kind, r.channel, r.status) for r in rows] == [
        ("booking_confirmation", "sms", "pending"), ("booking_confirmation", "email", "pending")]

    report = env.deliver()
    assert len(report.sent) == 2 and not report.failed
    assert env.deliver().attempted == 0  # nothing twice

    [mail] = env.smtp.to(EMAIL)
    text, html = parts(mail)
    assert mail["Subject"] == "Your visit is booked: Tue 4 Jun, 08:00-12:00"
    assert mail["From"] == "Acme Service <office@acme.test>"
    assert f"J-{job_id}" in text and "Tue 4 Jun, 08:00-12:00" in text  # company time
    assert "http://crewboard.test/track/" in text
    assert html is not None and "<strong>Tue 4 Jun, 08:00-12:00</strong>" in html
    assert "http://crewboard.test/track/" in html
    assert mail["List-Unsubscribe"].startswith("<http://crewboard.test/notifications/"
                                               "unsubscribe/")
    [sms] = env.twilio.to(PHONE)
    assert sms.sender == "+15550009999"
    assert sms.body.startswith(f"Acme Service: your visit J-{job_id} is booked for Tue 4 Jun, "
                               "08:00-12:00. Track: http://crewboard.test/track/")
    # the link in the message opens the customer's tracking page
    token = sms.body.split("/track/")[1].split()[0]
    assert env.client.get(f"/track/{token}/status").status_code == 200
    sent = env.rows(job_id=job_id)
    assert {r.status for r in sent} == {"sent"}
    assert sent[0].provider_ref == sms.sid


def test_the_whole_visit_sends_each_message_once(env: Env) -> None:
    tech = env.world.tech("Dana Kim", photo_url="/static/img/dana.png")
    job_id = _job(env, billing_ref="INV-9")
    _assign(env, job_id, tech)
    _on(env, job_id, lambda s, j: A.do_dispatch_job(s, SYSTEM, j))
    _on(env, job_id, lambda s, j: A.do_accept_job(s, SYSTEM, j))
    _on(env, job_id, lambda s, j: A.do_start_travel(s, SYSTEM, j))
    _on(env, job_id, lambda s, j: A.do_arrive(s, SYSTEM, j))
    _on(env, job_id, lambda s, j: A.do_complete_job(s, SYSTEM, j, notes="Replaced the valve",
                                                    signed_by="Pat Doe"))
    env.deliver()
    env.deliver()
    assert _kinds(env) == [(k, c) for k in ("booking_confirmation", "on_my_way", "completed")
                           for c in ("sms", "email")]
    smses = [m.body for m in env.twilio.to(PHONE)]
    assert len(smses) == 3
    omw = smses[1]
    assert "Dana is on the way, arriving about 09:00." in omw  # planned start, company time
    assert "Kim" not in omw
    assert "Photo: http://crewboard.test/static/img/dana.png" in omw
    assert "/track/" in omw
    mails = env.smtp.to(EMAIL)
    assert [m["Subject"] for m in mails] == [
        "Your visit is booked: Tue 4 Jun, 08:00-12:00", "Dana is on the way (about 09:00)",
        f"Visit J-{job_id} complete"]
    summary, html = parts(mails[2])
    assert "Work done: Replaced the valve" in summary and "Signed by: Pat Doe" in summary
    assert "Time on site: 0 min" in summary
    assert html is not None and "Replaced the valve" in html
    assert len({m.body.split("/track/")[1].split()[0] for m in env.twilio.to(PHONE)}) == 1


def test_reschedule_and_cancellation_notices(env: Env) -> None:
    job_id = _job(env)
    _on(env, job_id, lambda s, j: A.do_reschedule_job(
        s, SYSTEM, j, windows=[(at("13:00"), at("15:00"))], reason="customer asked"))
    env.deliver()
    _on(env, job_id, lambda s, j: A.do_cancel_job(s, SYSTEM, j, reason="not needed"))
    env.deliver()
    assert _kinds(env) == [(k, c) for k in ("booking_confirmation", "rescheduled", "cancelled")
                           for c in ("sms", "email")]
    bodies = [m.body for m in env.twilio.to(PHONE)]
    assert f"your visit J-{job_id} has moved to Tue 4 Jun, 13:00-15:00." in bodies[1]
    assert f"your visit J-{job_id} on Tue 4 Jun, 13:00-15:00 is cancelled." in bodies[2]
    assert "not needed" not in bodies[2]  # the office's reason stays internal


def test_a_planned_start_shift_inside_the_window_is_not_a_reschedule(env: Env) -> None:
    tech = env.world.tech("Dana Kim")
    job_id = _job(env)
    _assign(env, job_id, tech)
    _on(env, job_id, lambda s, j: A.do_reschedule_job(s, SYSTEM, j, planned_start=at("10:00")))
    assert [k for k, _c in _kinds(env)] == ["booking_confirmation"] * 2


def test_on_my_way_uses_the_eta_the_planner_gives(env: Env) -> None:
    tech = env.world.tech("Dana Kim")
    job_id = _job(env)
    _assign(env, job_id, tech)
    _on(env, job_id, lambda s, j: A.do_dispatch_job(s, SYSTEM, j))
    _on(env, job_id, lambda s, j: A.do_accept_job(s, SYSTEM, j))

    def travel(s: Session, job: Job) -> None:
        A.do_start_travel(s, SYSTEM, job)
        queue_on_my_way(s, job, eta=at("09:40"))

    _on(env, job_id, travel)
    rows = env.rows(job_id=job_id, kind="on_my_way")
    assert len(rows) == 2  # one per channel, the commit hook added no second one
    assert "arriving about 09:40" in rows[0].body_text


def test_delay_alert_once_per_real_change(env: Env) -> None:
    tech = env.world.tech("Dana Kim")
    job_id = _job(env)  # window 08:00-12:00, company threshold 15 min
    _assign(env, job_id, tech)
    calls = [
        (at("09:00"), at("09:40"), 1),   # 40 min later: announce
        (at("09:00"), at("09:41"), 0),   # same ETA rounded to 5 min: no second message
        (at("09:40"), at("09:50"), 0),   # 10 min move, inside the window: below threshold
        (at("09:40"), at("10:30"), 1),   # another real change
        (at("11:55"), at("12:05"), 1),   # small move but past the promised window
    ]
    for old, new, expected in calls:
        written: list[int] = []
        _on(env, job_id, lambda s, j, o=old, n=new, w=written: w.extend(
            r.id for r in queue_delay_alert(s, j, o, n, "previous job ran long")))
        assert len(written) == expected * 2, (old, new)
    env.deliver()
    bodies = [m.body for m in env.twilio.to(PHONE)][1:]
    assert len(bodies) == 3
    assert "New arrival time about 09:40 (was 09:00)." in bodies[0]
    assert "New arrival time about 10:30 (was 09:40)." in bodies[1]
    assert "/track/" in bodies[0]
    subjects = [m["Subject"] for m in env.smtp.to(EMAIL)][1:]
    assert subjects == ["We are running late: new arrival about 09:40",
                        "We are running late: new arrival about 10:30",
                        "We are running late: new arrival about 12:05"]


def test_no_delay_alert_once_the_technician_is_there(env: Env) -> None:
    tech = env.world.tech("Dana Kim")
    job_id = _job(env)
    _assign(env, job_id, tech)
    for step in (A.do_dispatch_job, A.do_accept_job, A.do_start_travel, A.do_arrive):
        _on(env, job_id, lambda s, j, f=step: f(s, SYSTEM, j))
    out: list[object] = []
    _on(env, job_id, lambda s, j: out.extend(queue_delay_alert(s, j, at("09:00"), at("10:00"))))
    assert out == []


def test_reminders_the_day_before_once_per_job(env: Env) -> None:
    first = _job(env)
    second = _job(env)
    cancelled = _job(env)
    _on(env, cancelled, lambda s, j: A.do_cancel_job(s, SYSTEM, j, reason="x"))
    other_day = env.world.job(windows=[("08:00", "09:00")])
    _on(env, other_day, lambda s, j: A.do_reschedule_job(
        s, SYSTEM, j, windows=[(at("08:00") + timedelta(days=1), at("09:00")
                                + timedelta(days=1))]))
    assert env.world.run(lambda s: send_reminders(s, DAY)) == 2
    assert env.world.run(lambda s: send_reminders(s, DAY)) == 0
    reminded = sorted({r.job_id for r in env.rows(kind="reminder")})
    assert reminded == [first, second]
    env.deliver()
    assert [m["Subject"] for m in env.smtp.messages if "Reminder" in m["Subject"]] == [
        "Reminder: your visit tomorrow, Tue 4 Jun, 08:00-12:00"] * 2


def test_rules_per_company_and_job_type(env: Env) -> None:
    plain = env.world.job_type("plain")
    quiet = env.world.job_type("quiet")
    admin = env.world.api(Role.admin)
    reply = admin.patch("/notifications/settings", json={
        "rules": {"booking_confirmation": {"sms": False}},
        "job_type_rules": {str(quiet): {"booking_confirmation": {"email": False}}}})
    assert reply.status_code == 200, reply.text
    assert reply.json()["rules"]["booking_confirmation"] == {"sms": False, "email": True}
    a = _job(env, job_type_id=plain)
    b = _job(env, job_type_id=quiet)
    assert [r.channel for r in env.rows(job_id=a)] == ["email"]
    assert env.rows(job_id=b) == []


def test_no_consent_or_no_address_is_recorded_not_sent(env: Env) -> None:
    from crewboard.customers.actions import do_update_customer
    from crewboard.customers.models import Customer

    cid = env.world.customer("Sam Roe")
    env.world.run(lambda s: do_update_customer(s, SYSTEM, s.get(Customer, cid), version=None,
                                               values={"consent_sms": False, "email": None}))
    job_id = _job(env, customer_id=cid)
    rows = env.rows(job_id=job_id)
    assert [(r.channel, r.status, r.status_reason) for r in rows] == [
        ("sms", "skipped", "the customer has not consented to sms"),
        ("email", "skipped", "the customer has no e-mail address")]
    env.deliver()
    assert env.twilio.messages == [] and env.smtp.messages == []


def test_messages_use_the_job_contact_when_given(env: Env) -> None:
    job_id = _job(env, contact_name="Alex Site", contact_phone="+13125550199",
                  contact_email="alex@site.test")
    env.deliver()
    [sms] = env.twilio.to("+13125550199")
    assert f"J-{job_id}" in sms.body
    [mail] = env.smtp.to("alex@site.test")
    assert parts(mail)[0].startswith("Hello Alex,")


def test_a_message_still_waiting_when_the_visit_is_cancelled_is_dropped(env: Env) -> None:
    job_id = _job(env)
    _on(env, job_id, lambda s, j: A.do_cancel_job(s, SYSTEM, j, reason="wrong address"))
    env.deliver()
    assert [(r.kind, r.status) for r in env.rows(job_id=job_id, channel="sms")] == [
        ("booking_confirmation", "skipped"), ("cancelled", "sent")]
    assert [m.body.split(":")[1].split(" ")[3] for m in env.twilio.to(PHONE)] == [f"J-{job_id}"]
