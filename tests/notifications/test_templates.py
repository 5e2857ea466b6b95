"""Company-edited templates: stored, sandboxed, previewed with sample data, used."""

from __future__ import annotations

from crewboard.auth.actor import Role
from tests.notifications.conftest import Env
from tests.notifications.servers import parts

PHONE, EMAIL = "+13125550100", "pat@example.com"


def test_read_edit_preview_and_use_a_template(env: Env) -> None:
    admin = env.world.api(Role.admin)
    current = admin.get("/notifications/templates/booking_confirmation").json()
    assert current["sms"]["is_default"] and "{{ appointment }}" in current["sms"]["text"]
    assert set(current["email"]) >= {"subject", "text", "html"}

    preview = admin.post("/notifications/templates/booking_confirmation/preview", json={
        "sms": {"text": "Hi {{ customer.first_name }}, see you {{ appointment }}"}}).json()
    assert preview["sms"]["text"].startswith("Hi Pat, see you ")
    assert preview["email"]["subject"].startswith("Your visit is booked: ")
    assert "<strong>" in preview["email"]["html"]

    reply = admin.put("/notifications/templates/booking_confirmation", json={
        "sms": {"text": "{{ company.name }}: booked {{ appointment }} "
                        "({{ window.start }} to {{ window.end }}). {{ tracking_url }}"},
        "email": {"subject": "Booked! {{ job.ref }}",
                  "html": "<p>{{ customer.name }} &amp; co: {{ appointment }}</p>"}})
    assert reply.status_code == 200, reply.text
    assert not reply.json()["sms"]["is_default"]
    saved = admin.post("/notifications/templates/booking_confirmation/preview").json()
    assert saved["email"]["subject"] == "Booked! J-1042"

    cid = env.world.customer("Pat <Doe>")
    job_id = env.world.job(cid)
    env.deliver()
    [sms] = env.twilio.to(PHONE)
    assert sms.body.startswith("Acme Service: booked Tue 4 Jun, 08:00-12:00 (08:00 to 12:00). "
                               "http://crewboard.test/track/")
    [mail] = env.smtp.to(EMAIL)
    assert mail["Subject"] == f"Booked! J-{job_id}"
    text, html = parts(mail)
    assert "Pat &lt;Doe&gt; &amp; co" in (html or "")  # HTML parts are escaped
    assert "is booked for Tue 4 Jun" in text  # the text part kept the default

    reset = admin.put("/notifications/templates/booking_confirmation",
                      json={"sms": None, "email": None}).json()
    assert reset["sms"]["is_default"] and reset["email"]["is_default"]


def test_broken_or_unsafe_templates_are_refused(env: Env) -> None:
    admin = env.world.api(Role.admin)
    bad = admin.put("/notifications/templates/reminder", json={"sms": {"text": "{% if %}"}})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "sms.text"
    unsafe = admin.post("/notifications/templates/reminder/preview", json={
        "sms": {"text": "{{ ''.__class__.__mro__[1].__subclasses__() }}"}})
    assert unsafe.status_code == 422 and unsafe.json()["error"]["code"] == "bad_template"
    unknown_var = admin.post("/notifications/templates/reminder/preview", json={
        "sms": {"text": "{{ nope }}"}})
    assert unknown_var.status_code == 422
    assert admin.get("/notifications/templates/nope").status_code == 404
    assert env.world.api(Role.dispatcher).put(
        "/notifications/templates/reminder", json={"sms": {"text": "x"}}).status_code == 403


def test_a_saved_template_that_fails_at_send_time_falls_back_to_the_default(env: Env) -> None:
    admin = env.world.api(Role.admin)
    # parses, but fails for a job without a technician (technician is null at booking)
    assert admin.put("/notifications/templates/booking_confirmation", json={
        "sms": {"text": "{{ technician.first_name }} will come"}}).status_code == 200
    job_id = env.world.job()
    [sms, _mail] = env.rows(job_id=job_id)
    assert "is booked for" in sms.body_text
    assert "default used" in sms.payload["template_note"]


def test_settings_api(env: Env) -> None:
    admin = env.world.api(Role.admin)
    got = admin.get("/notifications/settings").json()
    assert got["reminder_time"] == "17:00" and sorted(got["quiet_exempt"]) == ["delay", "on_my_way"]
    assert got["delay_threshold_min"] == 15
    assert got["rules"]["on_my_way"] == {"sms": True, "email": True}
    bad = admin.patch("/notifications/settings", json={"reminder_time": "25:00"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "reminder_time"
    bad = admin.patch("/notifications/settings", json={"rules": {"nope": {"sms": False}}})
    assert bad.status_code == 422
    stale = admin.patch("/notifications/settings", json={"version": 99, "reminder_time": "16:00"})
    assert stale.status_code == 409 and stale.json()["error"]["current"]["reminder_time"]
    assert env.world.api(Role.viewer).patch("/notifications/settings",
                                            json={"reminder_time": "16:00"}).status_code == 403
