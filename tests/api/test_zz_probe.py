from crewboard.auth.actor import Role
from tests.conftest import World, at, iso

def test_probe(world: World) -> None:
    world.skill("hvac")
    tech = world.tech("Dana", {"hvac": 2})
    cust = world.customer()
    job = world.job(cust)
    office = world.api(Role.admin)
    for method, path, kw in [
        ("get", "/jobs/99999999999999999999", {}),
        ("get", "/jobs/9999999999", {}),
        ("get", "/jobs?offset=99999999999999999999", {}),
        ("get", f"/technicians/{tech}/locations?since=2030-01-01T00:00:00", {}),
        ("post", f"/jobs/{job}/assign", {"json": {"technician_id": 99999999999, "planned_start": iso(at("09:00"))}}),
        ("post", "/jobs", {"json": {"customer_id": cust, "parent_id": 12345}}),
        ("patch", f"/jobs/{job}", {"json": {"priority": None}}),
        ("patch", f"/jobs/{job}", {"json": {"duration_min": None}}),
        ("patch", f"/customers/{cust}", {"json": {"name": None}}),
        ("patch", f"/technicians/{tech}", {"json": {"name": None}}),
        ("patch", f"/technicians/{tech}", {"json": {"home_lat": None}}),
        ("patch", f"/technicians/{tech}", {"json": {"active": None}}),
        ("patch", "/company", {"json": {"timezone": ""}}),
        ("patch", "/company", {"json": {"timezone": "Mars/Olympus"}}),
        ("patch", "/company", {"json": {"timezone": "../etc"}}),
        ("patch", "/company", {"json": {"timezone": "/etc/passwd"}}),
        ("patch", "/company", {"json": {"timezone": "a\x00b"}}),
        ("patch", "/company", {"json": {"day_start": "nope"}}),
        ("patch", "/company", {"json": {"working_days": [9]}}),
        ("post", f"/technicians/{tech}/location", {"json": {"lat": 100, "lon": 0}}),
        ("post", f"/technicians/{tech}/location", {"content": '{"lat": NaN, "lon": 0}', "headers": {"content-type": "application/json"}}),
        ("post", "/customers", {"content": '{"name": "x", "locations": [{"address": "a", "lat": NaN, "lon": 0}]}', "headers": {"content-type": "application/json"}}),
        ("post", "/technicians", {"json": {"name": "x", "home_lat": 1, "home_lon": 2, "shifts": [{"weekday": 1, "start": "25:00", "end": "26:00"}]}}),
        ("post", "/technicians", {"json": {"name": "x", "home_lat": 1, "home_lon": 2, "end_lat": 3}}),
        ("post", "/technicians", {"json": {"name": "x", "home_lat": 1, "home_lon": 2, "skills": [{"name": "nope"}]}}),
        ("patch", f"/users/1", {"json": {"role": None}}),
        ("patch", f"/users/1", {"json": {"active": None}}),
        ("post", "/skills", {"json": {"name": "hvac"}}),
        ("patch", "/skills/1", {"json": {"name": "x"}}),
        ("post", "/job-types", {"json": {"name": "t", "default_skills": {"nope": 1}}}),
        ("post", "/job-types", {"json": {"name": "t2"}}),
        ("post", "/job-types", {"json": {"name": "t2"}}),
        ("patch", "/job-types/1", {"json": {"name": None}}),
        ("post", "/jobs", {"content": "not json", "headers": {"content-type": "application/json"}}),
        ("post", "/jobs", {"json": [1, 2]}),
        ("post", "/users", {"json": {"email": "a@b.io", "name": "x", "role": "technician", "technician_id": 99999999999}}),
        ("patch", f"/jobs/{job}", {"json": {"location_id": 99999999999}}),
        ("post", f"/jobs/{job}/reschedule", {"json": {"windows": []}}),
        ("post", f"/technicians/{tech}/absences", {"json": {"starts_at": iso(at("09:00")), "ends_at": iso(at("08:00"))}}),
        ("delete", f"/skills/1", {}),
        ("post", f"/jobs/{job}/notes", {"json": {"text": "  "}}),
        ("get", "/jobs?q=J-99999999999999999999", {}),
        ("get", "/jobs?technician_id=99999999999", {}),
        ("get", "/jobs?date=2030-13-01", {}),
    ]:
        r = getattr(office, method)(path, **kw)
        print(method.upper(), path, kw.get("json"), "->", r.status_code, r.text[:200])
