"""Skills, technicians, absences and location reports through the API."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crewboard.auth.actor import Role
from crewboard.events.models import Event
from tests.conftest import World, at, iso, later


def _events(world: World, tech_id: int) -> list[Event]:
    with world.db.session() as s:
        return list(s.scalars(select(Event).where(Event.technician_id == tech_id,
                                                  Event.entity_type == "technician")
                              .order_by(Event.id)))


def _create(api: Any, name: str = "Dana Kim", **kw: Any) -> dict[str, Any]:
    reply = api.post("/technicians", json={"name": name, "home_lat": 41.9,
                                           "home_lon": -87.6, **kw})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_skills_crud(world: World) -> None:
    api = world.api(Role.dispatcher)
    made = api.post("/skills", json={"name": "hvac", "max_level": 3})
    assert made.status_code == 201
    sid = made.json()["id"]
    dup = api.post("/skills", json={"name": "hvac"})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "duplicate_skill"
    assert api.patch(f"/skills/{sid}", json={"name": "hvac",
                                             "description": "heating"}).status_code == 200
    tech = _create(api, skills=[{"name": "hvac", "level": 2}])
    in_use = api.delete(f"/skills/{sid}")
    assert in_use.status_code == 409 and in_use.json()["error"]["code"] == "skill_in_use"
    assert api.patch(f"/technicians/{tech['id']}", json={"skills": []}).status_code == 200
    assert api.delete(f"/skills/{sid}").status_code == 204
    assert api.get("/skills").json()["total"] == 0
    assert api.delete(f"/skills/{sid}").status_code == 404


def test_create_and_edit_technician(world: World) -> None:
    world.skill("hvac", max_level=3)
    api = world.api(Role.dispatcher)
    tech = _create(api, skills=[{"name": "hvac", "level": 2}], equipment=["ladder"],
                   region="north",
                   shifts=[{"weekday": 0, "start": "7:00".zfill(5), "end": "15:00"}])
    assert tech["skills"] == [{"name": "hvac", "level": 2}]
    assert [(s["weekday"], s["start"]) for s in tech["shifts"]] == [(0, "07:00")]
    too_high = api.patch(f"/technicians/{tech['id']}",
                         json={"skills": [{"name": "hvac", "level": 4}]})
    assert too_high.status_code == 422
    assert too_high.json()["error"]["code"] == "bad_skill_level"
    edited = api.patch(f"/technicians/{tech['id']}", json={
        "version": tech["version"], "skills": [{"name": "hvac", "level": 3}],
        "shifts": [{"weekday": 1, "start": "08:00", "end": "16:00"}]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == tech["version"] + 1  # child rows bump the version too
    assert edited.json()["skills"] == [{"name": "hvac", "level": 3}]
    twice = api.patch(f"/technicians/{tech['id']}", json={"shifts": [
        {"weekday": 1, "start": "08:00", "end": "16:00"},
        {"weekday": 1, "start": "09:00", "end": "12:00"}]})
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "bad_shift"
    changes = [e.data.get("changed") for e in _events(world, tech["id"])
               if e.action == "technician.updated"]
    assert changes[-1]["skills"] == [{"hvac": 2}, {"hvac": 3}]


def test_list_filters_and_deactivate(world: World) -> None:
    world.skill("gas")
    api = world.api(Role.dispatcher)
    north = _create(api, "Nia North", region="north", skills=[{"name": "gas", "level": 1}])
    south = _create(api, "Sam South", region="south")
    names = lambda q: [t["name"] for t in api.get(f"/technicians{q}").json()["items"]]  # noqa: E731
    assert names("") == ["Nia North", "Sam South"]
    assert names("?region=south") == ["Sam South"]
    assert names("?skill=gas") == ["Nia North"]
    assert names("?q=nia") == ["Nia North"]
    assert api.delete(f"/technicians/{south['id']}").status_code == 204
    assert names("") == ["Nia North"]
    assert names("?active=false") == ["Sam South"]
    me = world.api(Role.technician, technician_id=north["id"])
    assert [t["id"] for t in me.get("/technicians").json()["items"]] == [north["id"]]
    assert me.get(f"/technicians/{south['id']}").status_code == 404


def test_absences(world: World) -> None:
    api = world.api(Role.dispatcher)
    tech = _create(api)
    made = api.post(f"/technicians/{tech['id']}/absences", json={
        "kind": "call_out", "starts_at": iso(at("08:00")), "ends_at": iso(at("17:00")),
        "reason": "flu"})
    assert made.status_code == 201, made.text
    aid = made.json()["id"]
    read = api.get(f"/technicians/{tech['id']}").json()
    assert [a["id"] for a in read["absences"]] == [aid]
    other = _create(api, "Other")
    assert api.delete(f"/technicians/{other['id']}/absences/{aid}").status_code == 404
    assert api.delete(f"/technicians/{tech['id']}/absences/{aid}").status_code == 204
    assert api.get(f"/technicians/{tech['id']}").json()["absences"] == []
    actions = [e.action for e in _events(world, tech["id"])]
    assert actions == ["technician.created", "technician.call_out",
                       "technician.absence_removed"]
    call_out = _events(world, tech["id"])[1]
    assert call_out.reason == "flu" and call_out.data["absence_id"] == aid


def test_location_reports(world: World) -> None:
    office = world.api(Role.dispatcher)
    tech = _create(office)
    me = world.api(Role.technician, technician_id=tech["id"])
    first = me.post(f"/technicians/{tech['id']}/location",
                    json={"lat": 41.95, "lon": -87.7, "at": iso(later(-10)),
                          "accuracy_m": 8})
    assert first.status_code == 201, first.text
    older = me.post(f"/technicians/{tech['id']}/location",
                    json={"lat": 41.0, "lon": -87.0, "at": iso(later(-20))})
    assert older.status_code == 201
    now = office.get(f"/technicians/{tech['id']}").json()
    assert (now["last_lat"], now["last_lon"]) == (41.95, -87.7)  # a late old fix never wins
    future = me.post(f"/technicians/{tech['id']}/location",
                     json={"lat": 1, "lon": 1, "at": iso(later(30))})
    assert future.status_code == 422 and future.json()["error"]["code"] == "time_in_future"
    stale = me.post(f"/technicians/{tech['id']}/location",
                    json={"lat": 1, "lon": 1, "at": iso(later(-60 * 24 * 3))})
    assert stale.status_code == 422 and stale.json()["error"]["code"] == "time_too_old"
    crumbs = office.get(f"/technicians/{tech['id']}/locations").json()
    assert crumbs["total"] == 2 and crumbs["items"][0]["lat"] == 41.95
    since = office.get(f"/technicians/{tech['id']}/locations",
                       params={"since": iso(later(-15))}).json()
    assert since["total"] == 1
    key = {"Idempotency-Key": "ping-000001"}
    a = me.post(f"/technicians/{tech['id']}/location", json={"lat": 41.9, "lon": -87.6},
                headers=key)
    b = me.post(f"/technicians/{tech['id']}/location", json={"lat": 41.9, "lon": -87.6},
                headers=key)
    assert a.status_code == b.status_code == 201 and a.json() == b.json()
    assert office.get(f"/technicians/{tech['id']}/locations").json()["total"] == 3
