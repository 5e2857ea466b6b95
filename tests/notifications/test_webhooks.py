"""Webhooks: signed deliveries, billing payloads, order after an outage, disabling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.db import utcnow
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.technicians.actions import do_report_location
from crewboard.technicians.models import Technician
from crewboard.webhooks.signing import HEADER, sign, verify
from tests.conftest import at
from tests.notifications.conftest import Env
from tests.notifications.servers import Delivery

ALL = ["job.created", "job.assigned", "job.status_changed", "job.completed", "job.cancelled",
       "technician.location"]


def _subscribe(env: Env, types: list[str] | None = None, path: str = "/hook") -> dict[str, Any]:
    admin = env.world.api(Role.admin)
    reply = admin.post("/webhooks", json={"url": env.receiver.url + path,
                                          "event_types": types or ALL,
                                          "description": "billing system"})
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["secret"].startswith("whsec_")
    return body


def _run(env: Env, job_id: int, *steps: str, tech: int | None = None) -> None:
    def go(s: Session) -> None:
        job = s.get(Job, job_id)
        assert job is not None
        for step in steps:
            if step == "assign":
                t = s.get(Technician, tech)
                assert t is not None
                A.do_assign_job(s, SYSTEM, job, t, at("09:00"))
            elif step == "complete":
                A.do_complete_job(s, SYSTEM, job, notes="Fixed", photos=["att_1", "att_2"],
                                  signature_ref="att_sig", signed_by="Pat Doe")
            elif step == "cancel":
                A.do_cancel_job(s, SYSTEM, job, reason="duplicate")
            else:
                getattr(A, {"dispatch": "do_dispatch_job", "accept": "do_accept_job",
                            "travel": "do_start_travel", "arrive": "do_arrive"}[step])(
                    s, SYSTEM, job)

    env.world.run(go)


def _events(deliveries: list[Delivery], job_id: int | None = None) -> list[tuple[str, str]]:
    out = []
    for d in deliveries:
        body = d.json()
        if job_id is None or body["data"].get("job", {}).get("id") == job_id:
            out.append((body["type"], body["event"]))
    return out


def test_deliveries_are_signed_with_the_subscription_secret(env: Env) -> None:
    sub = _subscribe(env, ["job.created"])
    job_id = env.world.job()
    env.deliver()
    [delivery] = env.receiver.received
    assert delivery.path == "/hook"
    assert delivery.headers["X-Crewboard-Event"] == "job.created"
    assert verify(sub["secret"], delivery.body, delivery.headers[HEADER])
    assert not verify("whsec_wrong", delivery.body, delivery.headers[HEADER])
    assert not verify(sub["secret"], delivery.body + b" ", delivery.headers[HEADER])
    t = int(delivery.headers[HEADER].split(",")[0].removeprefix("t="))
    assert delivery.headers[HEADER] == sign(sub["secret"], delivery.body, t)
    assert not verify(sub["secret"], delivery.body, delivery.headers[HEADER], now=t + 3600)
    body = delivery.json()
    assert body["type"] == "job.created" and body["data"]["job"]["id"] == job_id
    assert body["id"].startswith("evt_")


def test_each_subscribed_event_type_and_the_billing_payload(env: Env) -> None:
    _subscribe(env)
    tech = env.world.tech("Dana Kim")
    job_id = env.world.job(billing_ref="INV-2030-17")
    _run(env, job_id, "assign", "dispatch", "accept", "travel", "arrive", "complete", tech=tech)
    env.world.run(lambda s: do_report_location(s, SYSTEM, s.get(Technician, tech), lat=41.9,
                                               lon=-87.6, at=None, accuracy_m=5.0))
    other = env.world.job()
    _run(env, other, "cancel")
    env.deliver()
    assert _events(env.receiver.received, job_id) == [
        ("job.created", "job.created"),
        ("job.assigned", "job.assigned"), ("job.status_changed", "job.assigned"),
        ("job.status_changed", "job.dispatched"), ("job.status_changed", "job.accepted"),
        ("job.status_changed", "job.en_route"), ("job.status_changed", "job.arrived"),
        ("job.completed", "job.completed"), ("job.status_changed", "job.completed")]
    assert ("job.cancelled", "job.cancelled") in _events(env.receiver.received, other)
    completed = next(d.json() for d in env.receiver.received
                     if d.json()["type"] == "job.completed")
    done = completed["data"]["completion"]
    assert done["billing_ref"] == "INV-2030-17"
    assert done["photos"] == ["att_1", "att_2"] and done["signature_ref"] == "att_sig"
    assert done["signed_by"] == "Pat Doe" and done["notes"] == "Fixed"
    assert done["arrived_at"] and done["completed_at"] and done["en_route_at"]
    assert done["minutes_on_site"] == 0 and done["technician"]["name"] == "Dana Kim"
    assert completed["data"]["job"]["billing_ref"] == "INV-2030-17"
    location = [d.json() for d in env.receiver.received
                if d.json()["type"] == "technician.location"]
    assert len(location) == 1 and location[0]["data"]["lat"] == 41.9


def test_receiver_down_for_an_hour_then_gets_everything_once_in_order(env: Env) -> None:
    _subscribe(env, ["job.created", "job.status_changed"])
    tech = env.world.tech("Dana Kim")
    env.receiver.down()
    settings = {"outbox_max_attempts": 12, "outbox_backoff_s": 30.0,
                "outbox_backoff_max_s": 3600.0}
    start = utcnow()
    jobs = [env.world.job() for _ in range(3)]
    for job_id in jobs:
        _run(env, job_id, "assign", "dispatch", tech=tech)
    t = start
    while t < start + timedelta(hours=1):  # the worker keeps trying all hour
        env.deliver(t, **settings)
        t += timedelta(minutes=5)
    env.receiver.up()
    for _ in range(3):
        t += timedelta(hours=1)
        env.deliver(t, **settings)
    got = env.receiver.received
    assert len(got) == 9
    assert len({d.headers["X-Crewboard-Delivery"] for d in got}) == 9  # each once
    for job_id in jobs:
        assert [e for _t, e in _events(got, job_id)] == ["job.created", "job.assigned",
                                                         "job.dispatched"]
    rows = [r for r in env.rows(channel="webhook")]
    assert {r.status for r in rows} == {"sent"}
    assert max(r.attempts for r in rows) > 1


def test_repeated_failures_disable_the_subscription_and_tell_the_admins(env: Env) -> None:
    sub = _subscribe(env, ["job.created"])
    admin_id, _token = env.world.user(Role.admin, email="boss@acme.test")
    env.receiver.status = 500
    for _ in range(3):
        env.world.job()
    t = utcnow()
    for _ in range(6):
        env.deliver(t, outbox_max_attempts=2)
        t += timedelta(minutes=1)
    admin = env.world.api(Role.admin)
    state = admin.get(f"/webhooks/{sub['id']}").json()
    assert state["active"] is False and state["consecutive_failures"] == 3
    assert "HTTP 500" in state["disabled_reason"]
    with env.db.session() as s:
        assert s.scalar(select(Event).where(Event.action == "webhook.disabled")) is not None
        assert len(s.scalars(select(Event).where(
            Event.action == "webhook.delivery_failed")).all()) == 3
    [notice] = env.smtp.to("boss@acme.test")
    assert "disabled the webhook" in notice["Subject"]
    # nothing more is attempted while disabled
    before = len(env.receiver.requests)
    env.world.job()
    env.deliver(t + timedelta(hours=1))
    assert len(env.receiver.requests) == before

    # fixed receiver: enable again and redeliver what failed, from the history
    env.receiver.status = 200
    deliveries = admin.get(f"/webhooks/{sub['id']}/deliveries",
                           params={"status": "failed"}).json()["items"]
    assert len(deliveries) == 3 and all(len(d["attempt_log"]) == 2 for d in deliveries)
    assert admin.post(f"/webhooks/deliveries/{deliveries[0]['id']}/redeliver"
                      ).status_code == 409  # still disabled
    assert admin.patch(f"/webhooks/{sub['id']}", json={"active": True}).status_code == 200
    for d in deliveries:
        reply = admin.post(f"/webhooks/deliveries/{d['id']}/redeliver")
        assert reply.status_code == 201 and reply.json()["redelivery_of"] == d["id"]
    env.deliver()
    assert len(env.receiver.received) == 3
    assert sorted(r.json()["id"] for r in env.receiver.received) == sorted(
        d["payload"]["id"] for d in deliveries)
    assert admin.get(f"/webhooks/{sub['id']}").json()["consecutive_failures"] == 0


def test_webhook_admin_api(env: Env) -> None:
    admin = env.world.api(Role.admin)
    bad = admin.post("/webhooks", json={"url": "ftp://x", "event_types": ["job.created"]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "url"
    bad = admin.post("/webhooks", json={"url": "https://x.test/h", "event_types": ["nope"]})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_event_type"
    sub = _subscribe(env, ["job.created"])
    listed = admin.get("/webhooks").json()
    assert [w["id"] for w in listed["items"]] == [sub["id"]]
    assert listed["items"][0]["secret"] is None and "job.completed" in listed["event_types"]
    rotated = admin.patch(f"/webhooks/{sub['id']}", json={"rotate_secret": True}).json()
    assert rotated["secret"] and rotated["secret"] != sub["secret"]
    env.world.job()
    env.deliver()
    [delivery] = env.receiver.received
    assert verify(rotated["secret"], delivery.body, delivery.headers[HEADER])
    assert env.world.api(Role.dispatcher).get("/webhooks").status_code == 403
    assert admin.delete(f"/webhooks/{sub['id']}").status_code == 204
    assert admin.get(f"/webhooks/{sub['id']}").status_code == 404
