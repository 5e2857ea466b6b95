"""Error shapes: validation names the field, stale edits answer 409 with the current
record, and nothing a user can type gives a 500 (the test client re-raises server errors)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from crewboard.auth.actor import Role
from tests.conftest import World, at, iso


@pytest.fixture
def admin(world: World) -> Any:
    return world.api(Role.admin)


@pytest.fixture
def ids(world: World) -> dict[str, int]:
    world.skill("hvac")
    tech = world.tech("Dana Kim", {"hvac": 1})
    cust = world.customer("Ann Lee")
    return {"tech": tech, "cust": cust, "job": world.job(cust),
            "type": world.job_type("repair")}


def _invalid(reply: Any, field: str, code: str = "invalid_input") -> None:
    assert reply.status_code == 422, reply.text
    error = reply.json()["error"]
    assert error["code"] == code, error
    assert error["field"] == field, error
    assert error["message"]


BAD_INPUT = [
    # (method, path, body, field, code)
    ("post", "/jobs", {}, "customer_id", "invalid_input"),
    ("post", "/jobs", {"customer_id": "abc"}, "customer_id", "invalid_input"),
    ("post", "/jobs", {"customer_id": "{cust}", "priority": "urgent"}, "priority",
     "invalid_input"),
    ("post", "/jobs", {"customer_id": "{cust}", "colour": "red"}, "colour", "invalid_input"),
    ("post", "/jobs", {"customer_id": "{cust}", "duration_min": 0}, "duration_min",
     "invalid_input"),
    ("post", "/jobs", {"customer_id": "{cust}", "windows": [
        {"start": "2030-06-04T08:00:00", "end": "2030-06-04T10:00:00"}]}, "windows.0.start",
     "invalid_input"),
    ("post", "/jobs", {"customer_id": "{cust}", "windows": [
        {"start": iso(at("10:00")), "end": iso(at("08:00"))}]}, "windows.0", "bad_window"),
    ("post", "/jobs", {"customer_id": "{cust}", "required_skills": {"welding": 1}},
     "required_skills", "unknown_skill"),
    ("post", "/jobs", {"customer_id": "{cust}", "required_skills": {"hvac": 9}},
     "required_skills", "bad_skill_level"),
    ("post", "/jobs", {"customer_id": "{cust}", "required_skills": {"hvac": "x"}},
     "required_skills.hvac", "invalid_input"),
    ("post", "/jobs", {"customer_id": 99_999}, "customer_id", "unknown_customer"),
    ("post", "/jobs", {"customer_id": "{cust}", "parent_id": 99_999}, "parent_id",
     "unknown_parent"),
    ("post", "/jobs", {"customer_id": "{cust}", "contact_email": "nope"}, "contact_email",
     "invalid_input"),
    ("post", "/jobs", {"customer_id": "{cust}", "job_type_id": 99_999}, "job_type_id",
     "unknown_job_type"),
    ("patch", "/jobs/{job}", {"status": "completed"}, "status", "invalid_input"),
    ("patch", "/jobs/{job}", {"priority": None}, "priority", "value_required"),
    ("patch", "/jobs/{job}", {"duration_min": None}, "duration_min", "value_required"),
    ("patch", "/jobs/{job}", {"version": "one"}, "version", "invalid_input"),
    ("post", "/jobs/{job}/assign", {"technician_id": "{tech}"}, "planned_start",
     "invalid_input"),
    ("post", "/jobs/{job}/assign", {"technician_id": "{tech}",
                                    "planned_start": "2030-06-04T09:00:00"},
     "planned_start", "invalid_input"),
    ("post", "/jobs/{job}/assign", {"technician_id": "{tech}", "planned_start": "tomorrow"},
     "planned_start", "invalid_input"),
    ("post", "/jobs/{job}/assign", {"technician_id": 99_999,
                                    "planned_start": iso(at("09:00"))},
     "technician_id", "unknown_technician"),
    ("post", "/jobs/{job}/cancel", {}, "reason", "invalid_input"),
    ("post", "/jobs/{job}/cancel", {"reason": ""}, "reason", "invalid_input"),
    ("post", "/jobs/{job}/cancel", {"reason": "   "}, "reason", "reason_required"),
    ("post", "/jobs/{job}/delays", {"minutes": -5, "reason": "x"}, "minutes",
     "invalid_input"),
    ("post", "/jobs/{job}/notes", {"text": 5}, "text", "invalid_input"),
    ("post", "/jobs/{job}/reschedule", {}, "windows", "nothing_to_change"),
    ("post", "/jobs/{job}/reschedule", {"windows": []}, "windows", "window_required"),
    ("post", "/customers", {"name": "X", "locations": [{"address": "a", "lat": 91,
                                                          "lon": 0}]},
     "locations.0.lat", "invalid_input"),
    ("post", "/customers", {"name": "X", "locations": [{"address": "a", "lat": 0,
                                                          "lon": -181}]},
     "locations.0.lon", "invalid_input"),
    ("post", "/customers", {"name": ""}, "name", "invalid_input"),
    ("post", "/customers", {"name": "X", "vip": True}, "vip", "invalid_input"),
    ("patch", "/customers/{cust}", {"name": None}, "name", "value_required"),
    ("patch", "/customers/{cust}", {"consent_sms": "maybe"}, "consent_sms", "invalid_input"),
    ("post", "/technicians", {"name": "T", "home_lat": 100, "home_lon": 0}, "home_lat",
     "invalid_input"),
    ("post", "/technicians", {"name": "T", "home_lat": 1, "home_lon": 1,
                              "skills": [{"name": "juggling"}]}, "skills", "unknown_skill"),
    ("post", "/technicians", {"name": "T", "home_lat": 1, "home_lon": 1,
                              "shifts": [{"weekday": 7, "start": "08:00", "end": "17:00"}]},
     "shifts.0.weekday", "invalid_input"),
    ("post", "/technicians", {"name": "T", "home_lat": 1, "home_lon": 1,
                              "shifts": [{"weekday": 1, "start": "25:00", "end": "26:00"}]},
     "shifts.start", "bad_time"),
    ("post", "/technicians", {"name": "T", "home_lat": 1, "home_lon": 1,
                              "shifts": [{"weekday": 1, "start": "17:00", "end": "08:00"}]},
     "shifts", "bad_shift"),
    ("post", "/technicians", {"name": "T", "home_lat": 1, "home_lon": 1, "end_lat": 2},
     "end.lat", "bad_coordinates"),
    ("patch", "/technicians/{tech}", {"name": None}, "name", "value_required"),
    ("patch", "/technicians/{tech}", {"active": None}, "active", "value_required"),
    ("patch", "/technicians/{tech}", {"home_lon": 500}, "home_lon", "invalid_input"),
    ("post", "/technicians/{tech}/location", {"lat": 95, "lon": 0}, "lat", "bad_coordinates"),
    ("post", "/technicians/{tech}/location", {"lat": 1, "lon": 181}, "lon", "bad_coordinates"),
    ("post", "/technicians/{tech}/location", {"lat": 1, "lon": 1,
                                              "at": "2030-01-01T00:00:00"},
     "at", "invalid_input"),
    ("post", "/technicians/{tech}/absences", {"starts_at": iso(at("10:00")),
                                              "ends_at": iso(at("09:00"))},
     "ends_at", "bad_interval"),
    ("post", "/technicians/{tech}/absences", {"kind": "call_out",
                                              "starts_at": iso(at("08:00")),
                                              "ends_at": iso(at("09:00"))},
     "reason", "reason_required"),
    ("post", "/technicians/{tech}/absences", {"kind": "holiday",
                                              "starts_at": iso(at("08:00")),
                                              "ends_at": iso(at("09:00"))},
     "kind", "invalid_input"),
    ("get", "/technicians/{tech}/locations?since=2030-01-01T00:00:00", None, "since",
     "invalid_input"),
    ("post", "/skills", {"name": "Has Spaces"}, "name", "invalid_input"),
    ("post", "/job-types", {"name": "t", "default_skills": {"nope": 1}}, "default_skills",
     "unknown_skill"),
    ("patch", "/job-types/{type}", {"name": None}, "name", "value_required"),
    ("patch", "/company", {"timezone": "Mars/Olympus"}, "timezone", "unknown_timezone"),
    ("patch", "/company", {"timezone": ""}, "timezone", "unknown_timezone"),
    ("patch", "/company", {"timezone": "../../etc/passwd"}, "timezone", "unknown_timezone"),
    ("patch", "/company", {"timezone": 5}, "timezone", "invalid_input"),
    ("patch", "/company", {"day_start": "8am"}, "day_start", "bad_time"),
    ("patch", "/company", {"working_days": [0, 9]}, "working_days", "bad_weekday"),
    ("post", "/users", {"email": "not-an-email", "name": "x", "role": "viewer"}, "email",
     "invalid_input"),
    ("post", "/users", {"email": "a@b.io", "name": "x", "role": "owner"}, "role",
     "invalid_input"),
    ("post", "/users", {"email": "t@b.io", "name": "x", "role": "technician"},
     "technician_id", "technician_required"),
    ("post", "/users", {"email": "w@b.io", "name": "x", "role": "viewer", "password": "short"},
     "password", "weak_password"),
    ("get", "/jobs?date=yesterday", None, "date", "invalid_input"),
    ("get", "/jobs?unassigned=perhaps", None, "unassigned", "invalid_input"),
    ("get", "/jobs?technician_id=x", None, "technician_id", "invalid_input"),
    ("get", "/jobs/abc", None, "job_id", "invalid_input"),
]


def test_bad_input_names_the_field(world: World, admin: Any, ids: dict[str, int],
                                   subtests: pytest.Subtests) -> None:
    for method, path, body, field, code in BAD_INPUT:
        with subtests.test(f"{method} {path} {body}"):
            path = path.format(**ids)
            if isinstance(body, dict):
                body = {k: (int(v.format(**ids)) if isinstance(v, str) and v.startswith("{")
                            else v) for k, v in body.items()}
            kw = {"json": body} if body is not None else {}
            _invalid(getattr(admin, method)(path, **kw), field, code)


def test_users_role_null_is_refused(world: World, admin: Any) -> None:
    uid, _ = world.user(Role.viewer)
    _invalid(admin.patch(f"/users/{uid}", json={"role": None}), "role", "value_required")
    _invalid(admin.patch(f"/users/{uid}", json={"active": None}), "active", "value_required")


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null", '{"customer_id": 1,',
                                  '"text"'])
def test_malformed_json_body(client: TestClient, admin: Any, body: str) -> None:
    reply = admin.post("/jobs", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == 422
    assert reply.json()["error"]["code"] == "invalid_input"
    assert reply.json()["error"]["field"]


@pytest.mark.parametrize("path", [
    "/jobs/99999999999999999999", "/jobs/9999999999", "/jobs?offset=99999999999999999999",
"/jobs?technician_id=99999999999999999999",
    "/customers/99999999999999999999", "/technicians/99999999999999999999",
    "/users/99999999999999999999", "/job-types/99999999999999999999",
])
def test_huge_numbers_are_not_a_server_error(admin: Any, path: str) -> None:
    reply = admin.get(path)
    assert reply.status_code in (404, 422), reply.text
    if reply.status_code == 422:
        assert reply.json()["error"]["code"] == "invalid_input"


def test_huge_numbers_in_bodies(admin: Any, ids: dict[str, int]) -> None:
    for path, body in [
        (f"/jobs/{ids['job']}/assign", {"technician_id": 10**20,
                                        "planned_start": iso(at("09:00"))}),
        ("/jobs", {"customer_id": 10**20}),
        ("/users", {"email": "h@b.io", "name": "x", "role": "viewer", "technician_id": 10**20}),
    ]:
        reply = admin.post(path, json=body)
        assert reply.status_code == 422, (path, reply.text)


def test_unknown_route_and_method(client: TestClient, admin: Any) -> None:
    reply = admin.get("/no-such-thing")
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"
    reply = admin.put("/jobs")
    assert reply.status_code == 405
    assert reply.json()["error"]["code"] == "method_not_allowed"


def test_healthz(client: TestClient) -> None:
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json()["status"] == "ok" and reply.json()["version"]


# ------------------------------------------------------------------ stale versions

def _stale(admin: Any, path: str, change: dict[str, Any], other: dict[str, Any]) -> None:
    current = admin.get(path).json()
    version = current["version"]
    first = admin.patch(path, json={"version": version, **change})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == version + 1
    late = admin.patch(path, json={"version": version, **other})
    assert late.status_code == 409, late.text
    error = late.json()["error"]
    assert error["code"] == "stale_version"
    assert f"you sent version {version}, current is {version + 1}" in error["message"]
    assert error["current"]["version"] == version + 1
    for key, value in change.items():
        assert error["current"][key] == value
    # nothing of the stale edit was applied
    after = admin.get(path).json()
    assert after["version"] == version + 1
    for key in other:
        assert after[key] == first.json()[key]


def test_stale_job_edit(admin: Any, ids: dict[str, int]) -> None:
    _stale(admin, f"/jobs/{ids['job']}", {"description": "mine"}, {"description": "theirs"})


def test_stale_customer_edit(admin: Any, ids: dict[str, int]) -> None:
    _stale(admin, f"/customers/{ids['cust']}", {"notes": "gate 12"}, {"notes": "gate 99"})


def test_stale_technician_edit(admin: Any, ids: dict[str, int]) -> None:
    _stale(admin, f"/technicians/{ids['tech']}", {"region": "north"}, {"region": "south"})


def test_stale_company_edit(admin: Any) -> None:
    _stale(admin, "/company", {"name": "Acme One"}, {"name": "Acme Two"})


def test_stale_user_edit(world: World, admin: Any) -> None:
    uid, _ = world.user(Role.viewer)
    _stale(admin, f"/users/{uid}", {"name": "First Edit"}, {"name": "Second Edit"})


def test_stale_job_type_edit(admin: Any, ids: dict[str, int]) -> None:
    _stale(admin, f"/job-types/{ids['type']}", {"requires_photo": True},
           {"requires_photo": False})


def test_transition_bumps_the_version(world: World, admin: Any, ids: dict[str, int]) -> None:
    """An edit made against the copy read before a transition is stale."""
    job = admin.get(f"/jobs/{ids['job']}").json()
    assert admin.post(f"/jobs/{ids['job']}/assign", json={
        "technician_id": ids["tech"], "planned_start": iso(at("09:00"))}).status_code == 200
    late = admin.patch(f"/jobs/{ids['job']}", json={"version": job["version"],
                                                    "description": "x"})
    assert late.status_code == 409
    assert late.json()["error"]["current"]["status"] == "assigned"
