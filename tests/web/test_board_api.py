"""The board's move route (assign / reassign / reschedule / unassign with a version)
and the /board page's access rules, without a browser (SQLite and PostgreSQL)."""

from __future__ import annotations

from crewboard.auth.actor import Role
from tests.conftest import World, at, iso


def _setup(world: World) -> tuple[int, int, int]:
    world.skill("gas-cert")
    a = world.tech("Dana Kim", {"gas-cert": 1})
    b = world.tech("Lee Park")
    job = world.job(windows=[("08:00", "12:00")])
    return a, b, job


def test_a_move_picks_the_transition_and_answers_how_to_undo_it(world: World) -> None:
    a, b, job = _setup(world)
    api = world.api(Role.dispatcher)
    version = api.get(f"/jobs/{job}").json()["version"]
    dry = api.post(f"/board/jobs/{job}/move", json={
        "version": version, "technician_id": a, "planned_start": iso(at("09:00")),
        "dry_run": True})
    assert dry.status_code == 200 and dry.json()["action"] == "assign"
    assert api.get(f"/jobs/{job}").json()["status"] == "scheduled"  # dry run changed nothing

    done = api.post(f"/board/jobs/{job}/move", json={
        "version": version, "technician_id": a, "planned_start": iso(at("09:00"))}).json()
    assert done["action"] == "assign" and done["job"]["technician_id"] == a
    assert done["undo"] == {"technician_id": None, "version": done["job"]["version"]}

    moved = api.post(f"/board/jobs/{job}/move", json={
        "version": done["job"]["version"], "technician_id": b,
        "planned_start": iso(at("10:00"))}).json()
    assert moved["action"] == "reassign"
    assert moved["undo"]["technician_id"] == a
    back = api.post(f"/board/jobs/{job}/move", json={**moved["undo"], "reason": "Undo"}).json()
    assert back["action"] == "reassign" and back["job"]["technician_id"] == a
    assert back["job"]["planned_start"].startswith(iso(at("09:00"))[:16])

    same = api.post(f"/board/jobs/{job}/move", json={
        "version": back["job"]["version"], "technician_id": a,
        "planned_start": iso(at("11:00"))}).json()
    assert same["action"] == "reschedule"
    gone = api.post(f"/board/jobs/{job}/move", json={
        "version": same["job"]["version"], "technician_id": None}).json()
    assert gone["action"] == "unassign" and gone["job"]["technician_id"] is None


def test_a_stale_move_is_refused_with_the_current_job(world: World) -> None:
    a, b, job = _setup(world)
    api = world.api(Role.dispatcher)
    version = api.get(f"/jobs/{job}").json()["version"]
    first = api.post(f"/board/jobs/{job}/move", json={
        "version": version, "technician_id": a, "planned_start": iso(at("09:00"))})
    assert first.status_code == 200
    late = api.post(f"/board/jobs/{job}/move", json={
        "version": version, "technician_id": b, "planned_start": iso(at("10:00"))})
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "stale_version"
    assert error["current"]["technician_id"] == a
    assert api.get(f"/jobs/{job}").json()["technician_id"] == a


def test_hard_findings_refuse_unless_overridden_with_a_reason(world: World) -> None:
    a, b, job = _setup(world)
    gas = world.job(windows=[("08:00", "12:00")], skills={"gas-cert": 1})
    api = world.api(Role.dispatcher)
    dry = api.post(f"/board/jobs/{gas}/move", json={
        "technician_id": b, "planned_start": iso(at("09:00")), "dry_run": True}).json()
    assert [w["code"] for w in dry["warnings"] if w["hard"]] == ["skill_mismatch"]
    refused = api.post(f"/board/jobs/{gas}/move", json={
        "technician_id": b, "planned_start": iso(at("09:00"))})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "skill_mismatch"
    ok = api.post(f"/board/jobs/{gas}/move", json={
        "technician_id": b, "planned_start": iso(at("09:00")), "override": True,
        "override_reason": "permit on file"})
    assert ok.status_code == 200 and ok.json()["job"]["technician_id"] == b


def test_viewers_cannot_move_and_the_page_sends_each_role_to_its_place(world: World) -> None:
    a, _b, job = _setup(world)
    viewer = world.api(Role.viewer)
    r = viewer.post(f"/board/jobs/{job}/move", json={
        "technician_id": a, "planned_start": iso(at("09:00"))})
    assert r.status_code == 403
    client = world.client
    assert client is not None
    page = client.get("/board", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/board"
    _uid, token = world.user(Role.viewer)
    page = client.get("/board", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 200 and 'data-readonly="true"' in page.text
    _uid, token = world.user(Role.dispatcher)
    page = client.get("/board", headers={"Authorization": f"Bearer {token}"})
    assert 'data-readonly="false"' in page.text and 'data-tz="America/Chicago"' in page.text
    _uid, token = world.user(Role.technician, technician_id=a)
    page = client.get("/board", headers={"Authorization": f"Bearer {token}"},
                      follow_redirects=False)
    assert page.headers["location"] == "/tech"
