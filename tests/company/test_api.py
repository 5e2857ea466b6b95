"""Company settings: everyone signed in reads, the admin edits, the timezone is checked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from crewboard.auth.actor import Role
from crewboard.company.clock import check_hhmm, day_bounds, local_at
from crewboard.errors import ValidationFailed
from crewboard.events.models import Event
from tests.conftest import World


def test_read_and_edit(world: World) -> None:
    admin = world.api(Role.admin)
    tech = world.api(Role.technician, technician_id=world.tech("Dana"))
    assert tech.get("/company").json()["timezone"] == "America/Chicago"
    edited = admin.patch("/company", json={"timezone": "Europe/Berlin", "day_start": "07:30",
                                           "working_days": [0, 1, 2, 3, 4, 5]})
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert (body["timezone"], body["day_start"], body["working_days"]) == (
        "Europe/Berlin", "07:30", [0, 1, 2, 3, 4, 5])
    with world.db.session() as s:
        e = s.scalars(select(Event).where(Event.action == "company.updated")
                      .order_by(Event.id.desc())).first()
        assert e is not None and e.data["changed"]["timezone"] == ["America/Chicago",
                                                                    "Europe/Berlin"]
    assert tech.patch("/company", json={"name": "x"}).status_code == 403


def test_time_normalised_and_null_ignored(world: World) -> None:
    admin = world.api(Role.admin)
    reply = admin.patch("/company", json={"day_end": "18:00:00", "name": None})
    assert reply.status_code == 200
    assert reply.json()["day_end"] == "18:00" and reply.json()["name"] == "Acme Service"


def test_new_technician_gets_company_hours(world: World) -> None:
    admin = world.api(Role.admin)
    admin.patch("/company", json={"day_start": "07:00", "day_end": "15:00",
                                  "working_days": [1, 3]})
    made = admin.post("/technicians", json={"name": "T", "home_lat": 41.9, "home_lon": -87.6})
    assert made.status_code == 201
    assert [(s["weekday"], s["start"], s["end"]) for s in made.json()["shifts"]] == [
        (1, "07:00", "15:00"), (3, "07:00", "15:00")]


@pytest.mark.parametrize("value", ["8am", "24:00", "", "12:60"])
def test_check_hhmm_rejects(value: str) -> None:
    with pytest.raises(ValidationFailed):
        check_hhmm(value, "day_start")


def test_day_bounds_are_dst_safe() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("America/Chicago")
    start, end = day_bounds(tz, date(2030, 3, 10))  # spring forward: a 23-hour day
    assert (end - start).total_seconds() == 23 * 3600
    start, end = day_bounds(tz, date(2030, 11, 3))  # fall back: 25 hours
    assert (end - start).total_seconds() == 25 * 3600
    assert local_at(tz, date(2030, 1, 8), "08:00").hour == 14
