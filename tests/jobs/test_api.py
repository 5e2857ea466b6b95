"""Job routes: visibility per role, list filters and pagination, idempotent field taps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crewboard.auth.actor import SYSTEM, Role
from crewboard.events.models import Event
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import JobStatus, Priority
from crewboard.jobs.models import Job
from crewboard.technicians.models import Technician
from tests.conftest import DAY, World, at, iso, later
from tests.jobs.drive import place

S = JobStatus


def _assign(world: World, job_id: int, tech_id: int, start: str = "09:00",
            dispatch: bool = False) -> None:
    def run(s: Session) -> None:
        job, tech = s.get(Job, job_id), s.get(Technician, tech_id)
        assert job is not None and tech is not None
        A.do_assign_job(s, SYSTEM, job, tech, at(start))
        if dispatch:
            A.do_dispatch_job(s, SYSTEM, job)

    world.run(run)


def _ids(reply: Any) -> list[int]:
    assert reply.status_code == 200, reply.text
    return [j["id"] for j in reply.json()["items"]]


def _event_count(world: World, job_id: int, action: str) -> int:
    with world.db.session() as s:
        return s.scalar(select(func.count()).select_from(Event).where(
            Event.job_id == job_id, Event.action == action)) or 0


# ------------------------------------------------------------------ technician visibility

def test_technician_sees_only_own_jobs(world: World) -> None:
    mine, theirs = world.tech("Me Tech"), world.tech("Them Tech")
    own, other, unassigned = world.job(), world.job(), world.job()
    _assign(world, own, mine, dispatch=True)
    _assign(world, other, theirs, dispatch=True)
    me = world.api(Role.technician, technician_id=mine)
    assert _ids(me.get("/jobs")) == [own]
    assert me.get("/jobs").json()["total"] == 1
    assert _ids(me.get(f"/jobs?technician_id={theirs}")) == []
    assert _ids(me.get("/jobs?unassigned=true")) == []
    assert me.get(f"/jobs/{own}").status_code == 200
    for path in (f"/jobs/{other}", f"/jobs/{unassigned}", f"/jobs/{other}/history",
                 "/jobs/999999"):
        reply = me.get(path)
        assert reply.status_code == 404, path
        assert reply.json()["error"]["code"] == "not_found"
    # missing and forbidden read exactly alike
    assert (me.get(f"/jobs/{other}").json()["error"]["message"]
            == f"Job J-{other} was not found.")
    for step in ("accept", "start-travel", "arrive", "complete", "incomplete"):
        body = {"reason": "no_access"} if step == "incomplete" else {}
        assert me.post(f"/jobs/{other}/{step}", json=body).status_code == 404, step
    assert me.post(f"/jobs/{other}/notes", json={"text": "hi"}).status_code == 404
    assert me.post(f"/jobs/{other}/delays",
                   json={"minutes": 5, "reason": "x"}).status_code == 404
    with world.db.session() as s:
        job = s.get(Job, other)
        assert job is not None and job.status is S.dispatched
    own_read = me.get(f"/jobs/{own}").json()
    assert own_read["allowed_actions"] == ["accept", "mark_incomplete"]


def test_job_moved_away_disappears_for_the_first_technician(world: World) -> None:
    first, second = world.tech("First"), world.tech("Second")
    job = world.job()
    _assign(world, job, first)
    me = world.api(Role.technician, technician_id=first)
    assert me.get(f"/jobs/{job}").status_code == 200
    office = world.api(Role.dispatcher)
    assert office.post(f"/jobs/{job}/reassign",
                       json={"technician_id": second}).status_code == 200
    assert me.get(f"/jobs/{job}").status_code == 404
    assert _ids(me.get("/jobs")) == []


def test_technician_user_without_technician_sees_nothing() -> None:
    from crewboard.auth.actor import Actor
    from crewboard.errors import NotFound
    from crewboard.jobs.queries import access_job

    class FakeSession:
        def get(self, _model: Any, _id: int) -> Any:
            return type("J", (), {"technician_id": None})()

    with pytest.raises(NotFound):
        access_job(FakeSession(), Actor(1, Role.technician, "t", None), 1)  # type: ignore[arg-type]


def test_viewer_reads_but_never_writes(world: World) -> None:
    tech = world.tech("Dana")
    job = world.job()
    _assign(world, job, tech, dispatch=True)
    viewer = world.api(Role.viewer)
    assert viewer.get(f"/jobs/{job}").status_code == 200
    assert viewer.get(f"/jobs/{job}").json()["allowed_actions"] == []
    assert viewer.get(f"/jobs/{job}/history").status_code == 200
    for step, body in [("accept", {}), ("cancel", {"reason": "x"}), ("notes", {"text": "x"}),
                       ("delays", {"minutes": 5, "reason": "x"}), ("unassign", {})]:
        reply = viewer.post(f"/jobs/{job}/{step}", json=body)
        assert reply.status_code == 403, step
        assert reply.json()["error"]["code"] == "forbidden"
    assert viewer.patch(f"/jobs/{job}", json={"description": "x"}).status_code == 403
    assert viewer.delete(f"/jobs/{job}").status_code == 403
    assert _event_count(world, job, "job.note") == 0


# ------------------------------------------------------------------ list: pagination

def test_pagination(world: World) -> None:
    cust = world.customer()
    jobs = [world.job(cust) for _ in range(5)]
    office = world.api(Role.viewer)
    page = office.get("/jobs?limit=2").json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 0)
    assert [j["id"] for j in page["items"]] == jobs[:2]
    assert _ids(office.get("/jobs?limit=2&offset=2")) == jobs[2:4]
    assert _ids(office.get("/jobs?limit=2&offset=4")) == jobs[4:]
    last = office.get("/jobs?limit=2&offset=10").json()
    assert last["items"] == [] and last["total"] == 5
    for bad in ("limit=0", "limit=1001", "offset=-1", "limit=abc"):
        reply = office.get(f"/jobs?{bad}")
        assert reply.status_code == 422, bad
        err = reply.json()["error"]
        assert err["code"] == "invalid_input" and err["field"] == bad.split("=")[0]


def test_list_orders_by_planned_start_then_unplanned(world: World) -> None:
    tech = world.tech("Dana")
    unplanned, late, early = world.job(), world.job(), world.job()
    _assign(world, late, tech, "11:00")
    _assign(world, early, tech, "08:00")
    assert _ids(world.api(Role.viewer).get("/jobs")) == [early, late, unplanned]


# ------------------------------------------------------------------ list: filters

@pytest.fixture
def board(world: World) -> dict[str, Any]:
    """A small day: jobs across technicians, regions, priorities, statuses and skills."""
    world.skill("hvac")
    world.skill("gas")
    north = world.tech("North Nia", {"hvac": 2}, region="north")
    south = world.tech("South Sam", {"gas": 1}, region="south")
    ann = world.customer("Ann Lee")
    bob = world.customer("Bob Stone")
    ids = {
        "hvac_north": world.job(ann, skills={"hvac": 1}, priority=Priority.high),
        "gas_south": world.job(bob, skills={"gas": 1}, priority=Priority.emergency),
        "queue": world.job(bob),
        "late_evening": world.job(ann, windows=[("21:00", "23:30")]),
        "next_day": world.job(ann, windows=[("09:00", "10:00")], priority=Priority.low),
        "unscheduled": world.job(ann, windows=[]),
    }
    with world.db.scope() as s:
        job = s.get(Job, ids["next_day"])
        assert job is not None
        A.do_reschedule_job(s, SYSTEM, job, windows=[(at("09:00", DAY + timedelta(days=1)),
                                                      at("10:00", DAY + timedelta(days=1)))])
    _assign(world, ids["hvac_north"], north)
    _assign(world, ids["gas_south"], south, dispatch=True)
    return {"ids": ids, "north": north, "south": south, "ann": ann, "bob": bob,
            "api": world.api(Role.dispatcher)}


def test_filter_by_company_local_date(board: dict[str, Any]) -> None:
    ids, api = board["ids"], board["api"]
    today = set(_ids(api.get(f"/jobs?date={DAY.isoformat()}")))
    # the 21:00-23:30 Chicago window is the next day in UTC, but today locally
    assert today == {ids["hvac_north"], ids["gas_south"], ids["queue"], ids["late_evening"]}
    tomorrow = _ids(api.get(f"/jobs?date={(DAY + timedelta(days=1)).isoformat()}"))
    assert tomorrow == [ids["next_day"]]
    assert api.get("/jobs?date=2030-02-30").status_code == 422


def test_filter_by_status(board: dict[str, Any]) -> None:
    ids, api = board["ids"], board["api"]
    assert _ids(api.get("/jobs?status=dispatched")) == [ids["gas_south"]]
    both = set(_ids(api.get("/jobs?status=dispatched&status=assigned")))
    assert both == {ids["gas_south"], ids["hvac_north"]}
    assert _ids(api.get("/jobs?status=unscheduled")) == [ids["unscheduled"]]
    bad = api.get("/jobs?status=done")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status.0"


def test_filter_by_technician_region_priority_skill(board: dict[str, Any]) -> None:
    ids, api = board["ids"], board["api"]
    assert _ids(api.get(f"/jobs?technician_id={board['north']}")) == [ids["hvac_north"]]
    assert _ids(api.get("/jobs?region=south")) == [ids["gas_south"]]
    assert _ids(api.get("/jobs?region=west")) == []
    assert _ids(api.get("/jobs?priority=emergency")) == [ids["gas_south"]]
    assert set(_ids(api.get("/jobs?priority=emergency&priority=low"))) == {
        ids["gas_south"], ids["next_day"]}
    assert api.get("/jobs?priority=urgent").status_code == 422
    assert _ids(api.get("/jobs?skill=hvac")) == [ids["hvac_north"]]
    assert _ids(api.get("/jobs?skill=plumbing")) == []


def test_filter_unassigned(board: dict[str, Any]) -> None:
    ids, api = board["ids"], board["api"]
    assert set(_ids(api.get("/jobs?unassigned=true"))) == {
        ids["queue"], ids["late_evening"], ids["next_day"], ids["unscheduled"]}
    assert set(_ids(api.get("/jobs?unassigned=false"))) == {ids["hvac_north"],
                                                            ids["gas_south"]}


def test_search_q(board: dict[str, Any]) -> None:
    ids, api = board["ids"], board["api"]
    bob = {ids["gas_south"], ids["queue"]}
    assert set(_ids(api.get("/jobs?q=bob"))) == bob
    assert set(_ids(api.get("/jobs?q=STONE"))) == bob
    assert len(_ids(api.get("/jobs?q=main st"))) == 6  # every test address is 1 Main St
    assert _ids(api.get(f"/jobs?q=J-{ids['queue']}")) == [ids["queue"]]
    assert _ids(api.get(f"/jobs?q=j-{ids['queue']}")) == [ids["queue"]]
    assert _ids(api.get(f"/jobs?q={ids['queue']}")) == [ids["queue"]]
    assert _ids(api.get("/jobs?q=nobody")) == []
    assert api.get("/jobs?q=%25").status_code == 200  # a bare % must not crash
    # a phone number or a huge J-number is searched as text, not refused
    assert _ids(api.get("/jobs?q=3125550100")) == []
    assert _ids(api.get("/jobs?q=J-99999999999999999999")) == []


def test_filter_customer_job_type_and_archived(world: World) -> None:
    type_id = world.job_type("install")
    ann, bob = world.customer("Ann"), world.customer("Bob")
    a, b = world.job(ann, job_type_id=type_id), world.job(bob)
    api = world.api(Role.dispatcher)
    assert _ids(api.get(f"/jobs?customer_id={ann}")) == [a]
    assert _ids(api.get(f"/jobs?job_type_id={type_id}")) == [a]
    assert api.post(f"/jobs/{b}/cancel", json={"reason": "dup"}).status_code == 200
    assert api.delete(f"/jobs/{b}").status_code == 204
    assert _ids(api.get("/jobs")) == [a]
    assert _ids(api.get("/jobs?include_archived=true")) == [a, b]


# ------------------------------------------------------------------ create / read / update

def test_create_read_update_job(world: World) -> None:
    world.skill("hvac")
    cust = world.customer("Ann Lee")
    api = world.api(Role.dispatcher)
    created = api.post("/jobs", json={
        "customer_id": cust, "required_skills": {"hvac": 1}, "required_equipment": ["ladder"],
        "priority": "emergency", "description": "No heat", "contact_email": "a@b.io",
        "windows": [{"start": iso(at("10:00")), "end": iso(at("12:00"))},
                    {"start": iso(at("08:00")), "end": iso(at("09:00"))}]})
    assert created.status_code == 201, created.text
    job = created.json()
    assert job["status"] == "scheduled" and job["customer_name"] == "Ann Lee"
    assert [datetime.fromisoformat(w["start"]) for w in job["windows"]] == [
        at("08:00"), at("10:00")]  # stored in order
    assert job["source"] == "api" and job["version"] == 1
    assert job["allowed_actions"] == ["schedule", "assign", "reschedule", "cancel"]
    edited = api.patch(f"/jobs/{job['id']}", json={"version": 1, "priority": "low",
                                                   "access_notes": "dog"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["priority"] == "low" and edited.json()["version"] == 2
    unscheduled = api.post("/jobs", json={"customer_id": cust}).json()
    assert unscheduled["status"] == "unscheduled" and unscheduled["duration_min"] == 60


def test_schedule_and_reschedule_routes(world: World) -> None:
    tech = world.tech("Dana")
    job = world.job(windows=[])
    api = world.api(Role.dispatcher)
    win = [{"start": iso(at("13:00")), "end": iso(at("15:00"))}]
    assert api.post(f"/jobs/{job}/schedule", json={"windows": []}).status_code == 422
    assert api.post(f"/jobs/{job}/schedule", json={"windows": win}).json()["status"] == \
        "scheduled"
    assert api.post(f"/jobs/{job}/assign", json={
        "technician_id": tech, "planned_start": iso(at("13:30"))}).status_code == 200
    moved = api.post(f"/jobs/{job}/reschedule", json={"planned_start": iso(at("14:00")),
                                                       "reason": "customer late"})
    assert moved.status_code == 200
    assert moved.json()["job"]["planned_start"].startswith(at("14:00").strftime("%Y-%m-%dT%H"))
    history = api.get(f"/jobs/{job}/history").json()
    assert [c["action"] for c in history["schedule_changes"]] == ["job.scheduled",
                                                                  "job.rescheduled"]
    assert history["schedule_changes"][1]["reason"] == "customer late"


def test_unknown_technician_or_job_type(world: World) -> None:
    job = world.job()
    api = world.api(Role.dispatcher)
    reply = api.post(f"/jobs/{job}/assign", json={"technician_id": 424242,
                                                  "planned_start": iso(at("09:00"))})
    assert reply.status_code == 422
    assert reply.json()["error"] == {"code": "unknown_technician", "field": "technician_id",
                                     "message": "Technician 424242 does not exist."}
    assert api.get("/job-types/424242").status_code == 404


# ------------------------------------------------------------------ idempotency

def test_same_field_action_replayed_applies_once(world: World) -> None:
    tech = world.tech("Dana")
    job = world.job()
    _assign(world, job, tech, dispatch=True)
    me = world.api(Role.technician, technician_id=tech)
    headers = {"Idempotency-Key": "phone-queue-0001"}
    first = me.post(f"/jobs/{job}/accept", json={"at": iso(later(-5))}, headers=headers)
    again = me.post(f"/jobs/{job}/accept", json={"at": iso(later(-5))}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _event_count(world, job, "job.accepted") == 1
    # without the key the replay is a transition error
    plain = me.post(f"/jobs/{job}/accept", json={})
    assert plain.status_code == 409 and plain.json()["error"]["code"] == "invalid_transition"
    assert f"J-{job} is accepted" in plain.json()["error"]["message"]


def test_idempotent_complete_and_incomplete(world: World) -> None:
    tech = world.tech("Dana")
    me = world.api(Role.technician, technician_id=tech)
    done = place(world, S.on_site, tech_id=tech).job_id
    key = {"Idempotency-Key": "complete-key-1"}
    replies = [me.post(f"/jobs/{done}/complete", json={"notes": "ok"}, headers=key)
               for _ in range(3)]
    assert {r.status_code for r in replies} == {200}
    assert replies[0].json() == replies[2].json()
    assert _event_count(world, done, "job.completed") == 1
    failed = place(world, S.on_site, tech_id=tech).job_id
    key = {"Idempotency-Key": "incomplete-key-1"}
    replies = [me.post(f"/jobs/{failed}/incomplete", json={"reason": "parts_needed"},
                       headers=key) for _ in range(2)]
    assert replies[0].json() == replies[1].json()
    assert replies[0].json()["follow_up"]["parent_id"] == failed
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Job).where(
            Job.parent_id == failed)) == 1


def test_failed_request_does_not_burn_its_key(world: World) -> None:
    tech = world.tech("Dana")
    job = place(world, S.on_site, tech_id=tech).job_id
    me = world.api(Role.technician, technician_id=tech)
    key = {"Idempotency-Key": "retry-after-fix"}
    refused = me.post(f"/jobs/{job}/complete", json={}, headers=key)
    assert refused.status_code == 422
    ok = me.post(f"/jobs/{job}/complete", json={"notes": "ok"}, headers=key)
    assert ok.status_code == 200 and ok.json()["status"] == "completed"


def test_idempotency_key_rules(world: World) -> None:
    tech = world.tech("Dana")
    job = world.job()
    _assign(world, job, tech, dispatch=True)
    me = world.api(Role.technician, technician_id=tech)
    office = world.api(Role.dispatcher)
    short = me.post(f"/jobs/{job}/accept", json={}, headers={"Idempotency-Key": "abc"})
    assert short.status_code == 422
    assert short.json()["error"] == {"code": "bad_idempotency_key", "field": "Idempotency-Key",
                                     "message": "Idempotency-Key must be 8 to 100 characters."}
    assert me.post(f"/jobs/{job}/accept", json={},
                   headers={"Idempotency-Key": "shared-key-1"}).status_code == 200
    stolen = office.post(f"/jobs/{job}/start-travel", json={},
                         headers={"Idempotency-Key": "shared-key-1"})
    assert stolen.status_code == 422
    assert stolen.json()["error"]["code"] == "bad_idempotency_key"


# ------------------------------------------------------------------ field time checks via API

def test_field_time_rules_via_api(world: World) -> None:
    tech = world.tech("Dana")
    me = world.api(Role.technician, technician_id=tech)
    job = place(world, S.en_route, tech_id=tech).job_id
    future = me.post(f"/jobs/{job}/arrive", json={"at": iso(later(30))})
    assert future.status_code == 422
    assert future.json()["error"]["code"] == "time_in_future"
    assert future.json()["error"]["field"] == "at"
    naive = me.post(f"/jobs/{job}/arrive", json={"at": "2030-06-04T09:00:00"})
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "at"
    arrived_at = later(-30)
    arrived = me.post(f"/jobs/{job}/arrive", json={"at": iso(arrived_at)})
    assert arrived.status_code == 200
    early = me.post(f"/jobs/{job}/complete", json={"notes": "x", "at": iso(later(-45))})
    assert early.status_code == 422 and early.json()["error"]["code"] == "bad_time"
    history = world.api(Role.dispatcher).get(f"/jobs/{job}/history").json()
    assert history["status_timestamps"]["on_site"].startswith(  # the time given, not now
        arrived_at.strftime("%Y-%m-%dT%H:%M"))
