"""Customers and service locations through the API, with their audit rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from crewboard.auth.actor import Role
from crewboard.events.models import Event
from tests.conftest import World


def _events(world: World, customer_id: int) -> list[Event]:
    with world.db.session() as s:
        return list(s.scalars(select(Event).where(Event.entity_type == "customer",
                                                  Event.entity_id == customer_id)
                              .order_by(Event.id)))


def _create(api: Any, name: str = "Ann Lee", **kw: Any) -> dict[str, Any]:
    reply = api.post("/customers", json={
        "name": name, "phone": "+1 312 555 0100", "email": "ann@example.com",
        "locations": [{"label": "Home", "address": "1 Main St", "lat": 41.9, "lon": -87.65,
                       "access_notes": "side gate"}], **kw})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_create_read_update_archive(world: World) -> None:
    api = world.api(Role.dispatcher)
    made = _create(api)
    cid = made["id"]
    assert made["locations"][0]["access_notes"] == "side gate" and made["version"] == 1
    assert api.get(f"/customers/{cid}").json()["name"] == "Ann Lee"
    edited = api.patch(f"/customers/{cid}", json={"consent_sms": False, "notes": "dog"})
    assert edited.status_code == 200 and edited.json()["consent_sms"] is False
    assert api.delete(f"/customers/{cid}").status_code == 204
    assert api.get("/customers").json()["total"] == 0
    assert api.get("/customers?include_archived=true").json()["total"] == 1
    assert api.get(f"/customers/{cid}").json()["archived"] is True
    # an archived customer takes no new jobs
    refused = api.post("/jobs", json={"customer_id": cid})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "customer_id"
    actions = [e.action for e in _events(world, cid)]
    assert actions == ["customer.created", "customer.updated", "customer.archived"]
    upd = _events(world, cid)[1]
    assert upd.data["changed"] == {"consent_sms": [True, False], "notes": [None, "dog"]}
    assert upd.actor_name == "Dispatcher User"
    assert api.get("/customers/999999").status_code == 404


def test_locations(world: World) -> None:
    api = world.api(Role.dispatcher)
    cid = _create(api)["id"]
    added = api.post(f"/customers/{cid}/locations",
                     json={"label": "Shop", "address": "9 Elm St", "lat": 42.0, "lon": -87.7})
    assert added.status_code == 201, added.text
    lid = added.json()["id"]
    # two live locations: a job must say which
    ambiguous = api.post("/jobs", json={"customer_id": cid})
    assert ambiguous.status_code == 422
    assert ambiguous.json()["error"]["code"] == "location_required"
    assert api.post("/jobs", json={"customer_id": cid, "location_id": lid}).status_code == 201
    moved = api.patch(f"/customers/{cid}/locations/{lid}", json={"lat": 42.1})
    assert moved.status_code == 200 and moved.json()["lat"] == 42.1
    bad = api.patch(f"/customers/{cid}/locations/{lid}", json={"lat": 95})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "lat"
    assert api.delete(f"/customers/{cid}/locations/{lid}").status_code == 204
    assert api.post("/jobs", json={"customer_id": cid, "location_id": lid}).status_code == 422
    assert api.post("/jobs", json={"customer_id": cid}).status_code == 201
    other = _create(api, "Bob")["id"]
    assert api.patch(f"/customers/{other}/locations/{lid}",
                     json={"label": "x"}).status_code == 404
    actions = [e.action for e in _events(world, cid)]
    assert actions == ["customer.created", "customer.location_added",
                       "customer.location_updated", "customer.location_archived"]


def test_search_and_paging(world: World) -> None:
    api = world.api(Role.viewer)
    office = world.api(Role.dispatcher)
    for name in ("Ann Lee", "Bob Stone", "Cy Fox"):
        _create(office, name)
    assert [c["name"] for c in api.get("/customers?q=STONE").json()["items"]] == ["Bob Stone"]
    assert api.get("/customers?q=main st").json()["total"] == 3
    assert api.get("/customers?q=555").json()["total"] == 3
    page = api.get("/customers?limit=2&offset=2").json()
    assert [c["name"] for c in page["items"]] == ["Cy Fox"] and page["total"] == 3


def test_technician_cannot_read_customers(world: World) -> None:
    office = world.api(Role.dispatcher)
    cid = _create(office)["id"]
    me = world.api(Role.technician, technician_id=world.tech("Dana"))
    assert me.get("/customers").status_code == 403
    assert me.get(f"/customers/{cid}").status_code == 403
