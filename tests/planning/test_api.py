"""Planning endpoints on a small day: board, suggestions, optimize and apply."""

from __future__ import annotations

from crewboard.auth.actor import Role
from tests.conftest import DAY, World, at, iso


def _day(world: World) -> dict[str, int]:
    world.skill("hvac")
    world.skill("gas-cert", max_level=1)
    ids = {
        "dana": world.tech("Dana Kim", {"hvac": 2, "gas-cert": 1}, home_lat=41.90,
                           home_lon=-87.65),
        "eli": world.tech("Eli Ross", {"hvac": 1}, home_lat=41.80, home_lon=-87.60),
    }
    north = world.customer("North Co", lat=41.92, lon=-87.66)
    south = world.customer("South Co", lat=41.79, lon=-87.61)
    ids["gas"] = world.job(north, skills={"gas-cert": 1}, windows=[("09:00", "12:00")])
    ids["south"] = world.job(south, skills={"hvac": 1}, windows=[("08:00", "12:00")])
    ids["north"] = world.job(north, skills={"hvac": 1}, windows=[("13:00", "16:00")])
    return ids


def _assign(office, job_id: int, technician_id: int, hhmm: str) -> None:  # type: ignore[no-untyped-def]
    r = office.post(f"/jobs/{job_id}/assign",
                    json={"technician_id": technician_id, "planned_start": iso(at(hhmm))})
    assert r.status_code == 200, r.text


def test_suggestions_rank_with_reasons(world: World) -> None:
    ids = _day(world)
    office = world.api(Role.dispatcher)
    reply = office.get("/planning/suggestions", params={"job_id": ids["gas"],
                                                        "date": DAY.isoformat()})
    assert reply.status_code == 200, reply.text
    cands = reply.json()["candidates"]
    assert [c["technician_name"] for c in cands] == ["Dana Kim", "Eli Ross"]
    assert cands[0]["feasible"] and cands[0]["eta"]
    assert not cands[1]["feasible"] and "gas-cert" in cands[1]["reason"]


def test_optimize_then_apply_goes_through_audit_trail(world: World) -> None:
    ids = _day(world)
    office = world.api(Role.dispatcher)
    # a poor manual plan: the north customer's job on the south technician
    _assign(office, ids["north"], ids["eli"], "13:30")
    proposal = office.post("/planning/optimize", json={"date": DAY.isoformat(),
                                                       "time_limit_s": 1})
    assert proposal.status_code == 201, proposal.text
    body = proposal.json()
    assert body["unassigned"] == []
    assert body["kpis_before"]["jobs_unassigned"] == 2
    assert body["kpis_after"]["jobs_assigned"] == 3
    kinds = {c["job_id"]: c["kind"] for c in body["changes"]}
    assert kinds[ids["gas"]] == "assign" and kinds[ids["south"]] == "assign"
    by_job = {s["job_id"]: r["technician_id"] for r in body["routes"] for s in r["stops"]}
    assert by_job[ids["gas"]] == ids["dana"] and by_job[ids["south"]] == ids["eli"]

    applied = office.post(f"/planning/proposals/{body['id']}/apply")
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] == len(body["changes"])
    job = office.get(f"/jobs/{ids['gas']}").json()
    assert job["status"] == "assigned" and job["technician_id"] == ids["dana"]
    history = office.get(f"/jobs/{ids['gas']}/history").json()
    assert history["assignments"][0]["technician"] == "Dana Kim"
    again = office.post(f"/planning/proposals/{body['id']}/apply")
    assert again.status_code == 409 and again.json()["error"]["code"] == "proposal_closed"


def test_stale_proposal_is_refused(world: World) -> None:
    ids = _day(world)
    office = world.api(Role.dispatcher)
    body = office.post("/planning/optimize", json={"date": DAY.isoformat(),
                                                   "time_limit_s": 1}).json()
    office.patch(f"/jobs/{ids['south']}", json={"description": "changed meanwhile"})
    reply = office.post(f"/planning/proposals/{body['id']}/apply")
    assert reply.status_code == 409
    assert reply.json()["error"]["code"] == "proposal_stale"
    assert f"J-{ids['south']}" in reply.json()["error"]["message"]


def test_board_day_shows_routes_queue_and_exceptions(world: World) -> None:
    ids = _day(world)
    office = world.api(Role.dispatcher)
    office.post(f"/jobs/{ids['south']}/assign",
                json={"technician_id": ids["eli"], "planned_start": iso(at("09:00"))})
    emergency = world.job(priority="emergency", windows=[("08:00", "10:00")])
    board = office.get("/planning/board", params={"date": DAY.isoformat()}).json()
    eli = next(t for t in board["technicians"] if t["id"] == ids["eli"])
    assert [s["job_id"] for s in eli["route"]] == [ids["south"]]
    assert eli["route"][0]["travel_s"] > 0
    assert {j["id"] for j in board["jobs"]} >= {ids["gas"], ids["north"], emergency}
    assert any(e["kind"] == "urgent_unassigned" and e["job_id"] == emergency
               for e in board["exceptions"])
    tech = world.api(Role.technician, technician_id=ids["eli"])
    mine = tech.get("/planning/board", params={"date": DAY.isoformat()}).json()
    assert [t["id"] for t in mine["technicians"]] == [ids["eli"]]
    assert {j["id"] for j in mine["jobs"]} == {ids["south"]}
    assert tech.post("/planning/optimize", json={}).status_code == 403


def test_optimize_after_a_call_out_hands_the_dispatched_jobs_to_others(world: World) -> None:
    """Dispatched work is kept with its technician, unless they called out."""
    ids = _day(world)
    office = world.api(Role.dispatcher)
    for job, start in (("south", "09:00"), ("north", "13:30")):
        _assign(office, ids[job], ids["eli"], start)
        assert office.post(f"/jobs/{ids[job]}/dispatch").status_code == 200
    r = office.post(f"/technicians/{ids['eli']}/absences",
                    json={"kind": "call_out", "starts_at": iso(at("00:00")),
                          "ends_at": iso(at("23:30")), "reason": "flu"})
    assert r.status_code in (200, 201), r.text
    proposal = office.post("/planning/optimize", json={"date": DAY.isoformat(),
                                                       "time_limit_s": 1})
    assert proposal.status_code == 201, proposal.text
    body = proposal.json()
    by_job = {s["job_id"]: r["technician_id"] for r in body["routes"] for s in r["stops"]}
    assert by_job[ids["south"]] == ids["dana"] and by_job[ids["north"]] == ids["dana"]
    kinds = {c["job_id"]: c["kind"] for c in body["changes"]}
    assert kinds[ids["south"]] == kinds[ids["north"]] == "reassign"
    assert all(u["reason_code"] != "pinned_unavailable" for u in body["unassigned"])


def test_optimize_at_midday_keeps_a_booked_job_whose_window_passed_late(world: World) -> None:
    """At 12:30 the 08:00-12:00 visit cannot be on time: it stays booked, shown late."""
    from crewboard.auth.actor import SYSTEM
    from crewboard.planning.propose import do_propose_plan

    ids = _day(world)
    _assign(world.api(Role.dispatcher), ids["south"], ids["eli"], "10:30")
    body = world.run(lambda s: do_propose_plan(s, SYSTEM, DAY, time_limit_s=1,
                                               now=at("12:30")).payload)
    stops = {s["job_id"]: s for r in body["routes"] for s in r["stops"]}
    assert ids["south"] in stops and stops[ids["south"]]["late_min"] > 0
    assert stops[ids["south"]]["job_ref"].startswith("J-")
    assert ids["south"] not in {u["job_id"] for u in body["unassigned"]}
    assert body["kpis_after"]["late_count"] >= 1
    assert all(s["late_min"] == 0 for k, s in stops.items() if k != ids["south"])
