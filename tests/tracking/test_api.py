"""Tracking links: created and revoked by the office, opened by the customer with
nothing but the token, expiring after the job closes, leaking nothing else."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from crewboard.auth.actor import SYSTEM, Role
from crewboard.db import utcnow
from crewboard.events.bus import bus
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.models import Job
from crewboard.technicians.actions import do_report_location
from crewboard.technicians.models import Technician
from tests.conftest import ApiClient, World
from tests.web.tech_day import field_day

ALLOWED_KEYS = {"company", "job", "technician", "eta", "position", "completion", "can_confirm",
                "can_request", "last_request", "expires_at", "updated_at"}


def _link(world: World, job_id: int) -> str:
    r = world.api(Role.dispatcher).post(f"/jobs/{job_id}/tracking-link")
    assert r.status_code in (200, 201), r.text
    return r.json()["token"]


def _step(world: World, job_id: int, *names: str) -> None:
    def go(s: Any) -> None:
        job = s.get(Job, job_id)
        for name in names:
            if name == "accept":
                A.do_accept_job(s, SYSTEM, job)
            elif name == "start_travel":
                A.do_start_travel(s, SYSTEM, job)
            elif name == "arrive":
                A.do_arrive(s, SYSTEM, job)
            elif name == "complete":
                A.do_complete_job(s, SYSTEM, job, notes="Replaced the valve", signed_by="Ada")

    world.run(go)


def _ping(world: World, tech_id: int, lat: float, lon: float) -> None:
    world.run(lambda s: do_report_location(s, SYSTEM, s.get(Technician, tech_id), lat=lat,
                                           lon=lon, at=utcnow() - timedelta(seconds=5),
                                           accuracy_m=10))


def test_create_returns_the_same_live_link(world: World) -> None:
    day = field_day(world)
    office = world.api(Role.dispatcher)
    first = office.post(f"/jobs/{day.jobs[0]}/tracking-link")
    assert first.status_code in (200, 201)  # 200 when a notification already made one
    body = first.json()
    assert len(body["token"]) >= 40 and body["path"] == f"/track/{body['token']}"
    again = office.post(f"/jobs/{day.jobs[0]}/tracking-link")
    assert again.status_code == 200 and again.json()["token"] == body["token"]
    other = office.post(f"/jobs/{day.jobs[1]}/tracking-link").json()["token"]
    assert other != body["token"]
    tech = ApiClient(world.client, day.token)
    assert tech.post(f"/jobs/{day.jobs[0]}/tracking-link").status_code == 403
    assert world.api(Role.viewer).delete(f"/jobs/{day.jobs[0]}/tracking-link").status_code == 403


def test_wrong_revoked_and_expired_tokens_are_refused(world: World, app: Any) -> None:
    day = field_day(world)
    token = _link(world, day.jobs[0])
    c = world.client
    assert c.get(f"/track/{token}/status").status_code == 200
    wrong = c.get(f"/track/{token[:-2]}xx/status")
    assert wrong.status_code == 404 and wrong.json()["error"]["code"] == "link_not_found"
    assert c.get("/track/nothing/status").status_code == 404
    page = c.get(f"/track/{token[:-2]}xx")
    assert page.status_code == 404 and "not valid" in page.text and token[:-2] not in page.text

    office = world.api(Role.dispatcher)
    assert office.delete(f"/jobs/{day.jobs[0]}/tracking-link").status_code == 204
    gone = c.get(f"/track/{token}/status")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "link_expired"
    assert c.post(f"/track/{token}/confirm").status_code == 410
    # a new link can be made after a revoke
    fresh = _link(world, day.jobs[0])
    assert fresh != token and c.get(f"/track/{fresh}/status").status_code == 200

    # expiry: the job closes, the link works for tracking_days_after_close, then not
    token2 = _link(world, day.jobs[1])
    _step(world, day.jobs[1], "accept", "start_travel", "arrive", "complete")
    done = c.get(f"/track/{token2}/status")
    assert done.status_code == 200 and done.json()["completion"]["outcome"] == "completed"
    app.state.settings.tracking_days_after_close = 0
    expired = c.get(f"/track/{token2}/status")
    assert expired.status_code == 410
    assert c.get(f"/track/{token2}").status_code == 410
    refused = world.api(Role.dispatcher).post(f"/jobs/{day.jobs[1]}/tracking-link")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "job_closed"


def test_en_route_shows_eta_and_position_only_for_this_job(world: World) -> None:
    day = field_day(world)
    first, second = day.jobs[0], day.jobs[1]
    t1, t2 = _link(world, first), _link(world, second)
    c = world.client
    before = c.get(f"/track/{t1}/status").json()
    assert before["technician"] == {"first_name": "Dana", "photo_url": "https://example.com/d.jpg"}
    assert before["eta"] is None and before["position"] is None
    _step(world, first, "accept", "start_travel")
    _step(world, second, "accept")
    _ping(world, day.tech_id, 41.88, -87.63)
    s1 = c.get(f"/track/{t1}/status").json()
    assert s1["job"]["status"] == "en_route" and s1["job"]["status_label"] == "On the way"
    assert s1["eta"] is not None and s1["position"]["lat"] == 41.88
    s2 = c.get(f"/track/{t2}/status").json()
    assert s2["position"] is None and s2["job"]["status"] == "accepted"
    _step(world, first, "arrive")
    s1 = c.get(f"/track/{t1}/status").json()
    assert s1["position"] is None and s1["eta"] is None
    assert s1["job"]["status_label"] == "Technician on site"


def test_nothing_else_leaks(world: World) -> None:
    day = field_day(world)
    token = _link(world, day.jobs[0])
    _step(world, day.jobs[0], "accept", "start_travel")
    _step(world, day.jobs[1], "accept")
    _ping(world, day.tech_id, 41.881234, -87.631234)
    c = world.client
    status = c.get(f"/track/{token}/status")
    page = c.get(f"/track/{token}")
    assert status.headers["cache-control"] == "no-store"
    assert status.headers["referrer-policy"] == "no-referrer"
    body = status.json()
    assert set(body) == ALLOWED_KEYS
    assert set(body["technician"]) == {"first_name", "photo_url"}
    assert set(body["job"]) == {"ref", "status", "status_label", "address", "windows",
                                "customer_confirmed"}
    text = json.dumps(body) + page.text
    for secret in ["Grace Hopper", "Alan Turing", "Lee Park", "Kim", "+13125550199",
                   "Key under the mat", "No hot water", "ladder", f"J-{day.jobs[1]}",
                   f"J-{day.jobs[2]}", "dana@example.com", "+1 312 555 0142",
                   "boiler service", str(day.tech_id) + ","]:
        assert secret not in text, secret
    assert "Dana" in text


def test_customer_confirm_and_requests_reach_the_board(world: World) -> None:
    day = field_day(world)
    token = _link(world, day.jobs[0])
    got: list[dict] = []
    unsubscribe = bus.subscribe(got.append)
    try:
        c = world.client
        r = c.post(f"/track/{token}/confirm")
        assert r.status_code == 200 and r.json()["job"]["customer_confirmed"] is True
        assert r.json()["can_confirm"] is False
        r = c.post(f"/track/{token}/reschedule", json={"note": "Can you come after 3pm?"})
        assert r.status_code == 200 and r.json()["last_request"]["kind"] == "reschedule"
        r = c.post(f"/track/{token}/cancel", json={"note": "Fixed it myself"})
        assert r.status_code == 200
        long = c.post(f"/track/{token}/cancel", json={"note": "x" * 1001})
        assert long.status_code == 422
    finally:
        unsubscribe()
    types = [m["type"] for m in got]
    assert types == ["job.customer_confirmed", "job.customer_requested_reschedule",
                     "job.customer_requested_cancel"]
    assert all(m["job_id"] == day.jobs[0] and m["technician_id"] == day.tech_id for m in got)
    job = world.run(lambda s: s.get(Job, day.jobs[0]))
    assert job.customer_confirmed is True and job.status.value == "dispatched"
    events = world.run(lambda s: list(s.scalars(select(Event).where(
        Event.job_id == day.jobs[0], Event.action.like("job.customer_%")).order_by(Event.id))))
    assert [e.reason for e in events] == [None, "Can you come after 3pm?", "Fixed it myself"]
    assert events[1].actor_name == "Ada Lovelace (customer)" and events[1].data["exception"]
    history = world.api(Role.dispatcher).get(f"/jobs/{day.jobs[0]}/history").json()
    assert any(e["action"] == "job.customer_requested_reschedule" for e in history["events"])


def test_customer_cannot_act_on_a_closed_visit(world: World) -> None:
    day = field_day(world)
    token = _link(world, day.jobs[0])
    _step(world, day.jobs[0], "accept", "start_travel", "arrive")
    r = world.client.post(f"/track/{token}/cancel", json={"note": "too late"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "job_not_open"
    _step(world, day.jobs[0], "complete")
    s = world.client.get(f"/track/{token}/status").json()
    assert s["can_request"] is False and s["completion"]["notes"] == "Replaced the valve"
    assert s["completion"]["minutes_on_site"] == 0


def test_open_customer_requests_for_the_board(world: World) -> None:
    from crewboard.tracking.queries import customer_exceptions

    day = field_day(world)
    token = _link(world, day.jobs[0])
    world.client.post(f"/track/{token}/confirm")
    world.client.post(f"/track/{token}/reschedule", json={"note": "after 3pm"})

    def read(s: Any) -> list[dict]:
        return customer_exceptions(s, [s.get(Job, j) for j in day.jobs])

    found = world.run(read)
    assert [(x["kind"], x["job_id"]) for x in found] == [("customer_reschedule", day.jobs[0])]
    assert "after 3pm" in found[0]["message"] and "Ada Lovelace" in found[0]["message"]
    office = world.api(Role.dispatcher)
    from tests.web.tech_day import today

    board = office.get(f"/planning/board?date={today().isoformat()}").json()
    assert any(x["kind"] == "customer_reschedule" and x["job_id"] == day.jobs[0]
               for x in board["exceptions"])
    note = office.post(f"/jobs/{day.jobs[0]}/notes", json={"text": "called back"})
    assert note.status_code == 201
    assert world.run(read) == []
