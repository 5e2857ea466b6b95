"""The foundation's user story end to end through the API."""

from __future__ import annotations

from crewboard.auth.actor import Role
from tests.conftest import World, at, iso


def test_book_assign_work_complete_and_read_history(world: World) -> None:
    world.skill("hvac")
    tech = world.tech("Dana Kim", {"hvac": 2})
    cust = world.customer("Ann Lee")
    office = world.api(Role.dispatcher)

    booked = office.post("/jobs", json={
        "customer_id": cust, "required_skills": {"hvac": 1}, "priority": "high",
        "description": "No heat", "duration_min": 90,
        "windows": [{"start": iso(at("08:00")), "end": iso(at("10:00"))}]})
    assert booked.status_code == 201, booked.text
    job = booked.json()
    assert job["status"] == "scheduled" and job["ref"] == f"J-{job['id']}"

    other = world.job(cust, windows=[("08:00", "12:00")])
    first = office.post(f"/jobs/{other}/assign",
                        json={"technician_id": tech, "planned_start": iso(at("08:30"))})
    assert first.status_code == 200 and first.json()["warnings"] == []

    assigned = office.post(f"/jobs/{job['id']}/assign",
                           json={"technician_id": tech, "planned_start": iso(at("09:00"))})
    assert assigned.status_code == 200, assigned.text
    warnings = assigned.json()["warnings"]
    assert [w["code"] for w in warnings] == ["double_booking"]
    assert f"J-{other}" in warnings[0]["message"]
    assert assigned.json()["job"]["status"] == "assigned"

    me = world.api(Role.technician, technician_id=tech)
    assert office.post(f"/jobs/{job['id']}/dispatch").json()["status"] == "dispatched"
    for step, status in (("accept", "accepted"), ("start-travel", "en_route"),
                         ("arrive", "on_site")):
        reply = me.post(f"/jobs/{job['id']}/{step}", json={})
        assert reply.status_code == 200, reply.text
        assert reply.json()["status"] == status

    no_proof = me.post(f"/jobs/{job['id']}/complete", json={})
    assert no_proof.status_code == 422
    assert no_proof.json()["error"]["code"] == "proof_required"
    done = me.post(f"/jobs/{job['id']}/complete",
                   json={"notes": "Replaced igniter", "signed_by": "Ann Lee"})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["completed_at"]

    history = office.get(f"/jobs/{job['id']}/history").json()
    assert list(history["status_timestamps"]) == [
        "scheduled", "assigned", "dispatched", "accepted", "en_route", "on_site", "completed"]
    assert history["assignments"][0]["technician"] == "Dana Kim"
    assert history["assignments"][0]["warnings"][0]["code"] == "double_booking"
    assert history["outcome"]["notes"] == "Replaced igniter"
    actions = [e["action"] for e in history["events"]]
    assert actions == ["job.created", "job.assigned", "job.dispatched", "job.accepted",
                       "job.en_route", "job.arrived", "job.completed"]
    assert {e["actor_name"] for e in history["events"][3:]} == {"Technician User"}
