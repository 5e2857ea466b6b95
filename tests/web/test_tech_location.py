"""Location ingestion from the phone: good pings stored, bad ones refused with a
clear error and nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crewboard.auth.actor import Role
from crewboard.db import utcnow
from crewboard.events.models import Event
from crewboard.technicians.models import LocationPing, Technician
from tests.conftest import World


def _counts(world: World, tech_id: int) -> tuple[int, int, object]:
    def read(s):  # type: ignore[no-untyped-def]
        pings = s.scalar(select(func.count()).select_from(LocationPing)
                         .where(LocationPing.technician_id == tech_id))
        events = s.scalar(select(func.count()).select_from(Event)
                          .where(Event.action == "technician.location"))
        return pings, events, s.get(Technician, tech_id).last_seen_at

    return world.run(read)


def test_a_ping_updates_breadcrumbs_and_latest_position(world: World) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    at = (utcnow() - timedelta(seconds=30)).isoformat()
    r = api.post(f"/technicians/{tech}/location", json={"lat": 41.9, "lon": -87.6, "at": at,
                                                        "accuracy_m": 12})
    assert r.status_code == 201, r.text
    pings, events, seen = _counts(world, tech)
    assert (pings, events) == (1, 1) and seen is not None
    # an older fix arriving late is kept as a breadcrumb but does not move the latest position
    older = (utcnow() - timedelta(minutes=5)).isoformat()
    assert api.post(f"/technicians/{tech}/location",
                    json={"lat": 40.0, "lon": -80.0, "at": older}).status_code == 201
    t = api.get(f"/technicians/{tech}").json()
    assert (t["last_lat"], t["last_lon"]) == (41.9, -87.6)


def test_replayed_ping_is_stored_once(world: World) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    body = {"lat": 41.9, "lon": -87.6}
    first = api.post(f"/technicians/{tech}/location", json=body,
                     headers={"Idempotency-Key": "ping-000000001"})
    again = api.post(f"/technicians/{tech}/location", json=body,
                     headers={"Idempotency-Key": "ping-000000001"})
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert _counts(world, tech)[0] == 1


@pytest.mark.parametrize(("body", "code", "field", "words"), [
    ({"lat": 91.0, "lon": 0.0}, "bad_coordinates", "lat", "out of range"),
    ({"lat": -90.5, "lon": 0.0}, "bad_coordinates", "lat", "out of range"),
    ({"lat": 41.0, "lon": 180.01}, "bad_coordinates", "lon", "out of range"),
    ({"lat": 41.0, "lon": -999}, "bad_coordinates", "lon", "out of range"),
    ({"lat": "north", "lon": 1.0}, "invalid_input", "lat", "number"),
    ({"lon": 1.0}, "invalid_input", "lat", "required"),
    ({"lat": 1.0, "lon": 1.0, "accuracy_m": -5}, "invalid_input", "accuracy_m", "greater"),
    ({"lat": 1.0, "lon": 1.0, "at": "2026-01-01T10:00:00"}, "invalid_input", "at", "timezone"),
    ({"lat": 1.0, "lon": 1.0, "extra": 1}, "invalid_input", "extra", "not permitted"),
])
def test_bad_coordinates_and_shapes_are_refused(world: World, body: dict, code: str,
                                                field: str, words: str) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    r = api.post(f"/technicians/{tech}/location", json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == code and err["field"] == field
    assert words in err["message"].lower()
    assert _counts(world, tech) == (0, 0, None)


def test_timestamp_from_the_future_is_refused(world: World) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    future = (utcnow() + timedelta(minutes=30)).isoformat()
    r = api.post(f"/technicians/{tech}/location", json={"lat": 41.9, "lon": -87.6, "at": future})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "time_in_future" and err["field"] == "at"
    assert "future" in err["message"] and "clock" in err["message"]
    assert _counts(world, tech) == (0, 0, None)


def test_timestamp_too_old_is_refused(world: World) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    old = (utcnow() - timedelta(days=3)).isoformat()
    r = api.post(f"/technicians/{tech}/location", json={"lat": 41.9, "lon": -87.6, "at": old})
    assert r.status_code == 422 and r.json()["error"]["code"] == "time_too_old"
    assert _counts(world, tech) == (0, 0, None)


def test_another_technicians_id_is_not_found(world: World) -> None:
    mine, theirs = world.tech("Dana Kim"), world.tech("Lee Park")
    api = world.api(Role.technician, mine)
    r = api.post(f"/technicians/{theirs}/location", json={"lat": 41.9, "lon": -87.6})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    assert _counts(world, theirs) == (0, 0, None)
    r = api.post("/technicians/999999/location", json={"lat": 41.9, "lon": -87.6})
    assert r.status_code == 404


def test_viewer_and_anonymous_cannot_report(world: World) -> None:
    tech = world.tech("Dana Kim")
    assert world.api(Role.viewer).post(f"/technicians/{tech}/location",
                                       json={"lat": 1.0, "lon": 1.0}).status_code == 403
    assert world.client.post(f"/api/v1/technicians/{tech}/location",
                             json={"lat": 1.0, "lon": 1.0}).status_code == 401
    assert _counts(world, tech) == (0, 0, None)
