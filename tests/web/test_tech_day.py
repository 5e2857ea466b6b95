"""GET /api/v1/tech/day: a technician's stops with what they need at the door."""

from __future__ import annotations

from crewboard.auth.actor import SYSTEM, Role
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import IncompleteReason
from crewboard.jobs.models import Job
from tests.conftest import ApiClient, World
from tests.web.tech_day import field_day, local, today


def test_day_has_stops_in_order_with_details_and_history(world: World) -> None:
    day = field_day(world)
    # an earlier visit to the first customer, by the colleague
    old = world.job(day.customers[0], windows=[])

    def earlier(s) -> None:  # type: ignore[no-untyped-def]
        from datetime import timedelta

        from crewboard.technicians.models import Technician

        job = s.get(Job, old)
        A.do_assign_job(s, SYSTEM, job, s.get(Technician, day.other_tech_id),
                        local("09:00", today() - timedelta(days=7)))
        A.do_mark_incomplete(s, SYSTEM, job, reason=IncompleteReason.parts_needed,
                             note="valve on order", follow_up=False)

    world.run(earlier)
    me = ApiClient(world.client, day.token)
    r = me.get("/tech/day")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["technician"]["first_name"] == "Dana"
    assert [d["date"] for d in body["days"]][0] == today().isoformat()
    stops = body["days"][0]["stops"]
    assert [s["id"] for s in stops] == day.jobs
    first = stops[0]
    assert first["customer_name"] == "Ada Lovelace" and first["customer_phone"] == "+13125550100"
    assert first["access_notes"] == "Key under the mat"
    assert first["required_equipment"] == ["ladder"]
    assert first["job_type"] == "boiler service" and first["description"].startswith("No hot")
    assert first["proof_required"] == {"notes": True, "photo": False, "signature": False}
    assert [h["ref"] for h in first["history"]] == [f"J-{old}"]
    assert first["history"][0]["outcome"] == "parts_needed: valve on order"
    assert stops[1]["history"] == []
    assert body["days"][1]["stops"] == []


def test_tomorrow_and_only_own_jobs(world: World) -> None:
    day = field_day(world)
    from datetime import timedelta

    tomorrow = today() + timedelta(days=1)
    job = world.job(world.customer("Tom Morrow"), windows=[])

    def plan(s) -> None:  # type: ignore[no-untyped-def]
        from crewboard.technicians.models import Technician

        A.do_schedule_job(s, SYSTEM, s.get(Job, job), [(local("08:00", tomorrow),
                                                         local("12:00", tomorrow))])
        A.do_assign_job(s, SYSTEM, s.get(Job, job), s.get(Technician, day.other_tech_id),
                        local("09:00", tomorrow))

    world.run(plan)
    me = ApiClient(world.client, day.token)
    assert me.get("/tech/day").json()["days"][1]["stops"] == []
    other = world.api(Role.technician, day.other_tech_id)
    theirs = other.get("/tech/day").json()
    assert theirs["days"][0]["stops"] == []
    assert [s["id"] for s in theirs["days"][1]["stops"]] == [job]
    refused = me.get(f"/tech/day?technician_id={day.other_tech_id}")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "not_your_day"
    office = world.api(Role.dispatcher).get(f"/tech/day?technician_id={day.tech_id}")
    assert len(office.json()["days"][0]["stops"]) == 3


def test_pages_and_pwa_files(world: World) -> None:
    day = field_day(world)
    c = world.client
    assert c.get("/tech", follow_redirects=False).headers["location"] == "/login?next=/tech"
    login = c.post("/api/v1/auth/login", json={"email": day.email, "password": day.password})
    assert login.status_code == 200
    page = c.get("/tech")
    assert page.status_code == 200 and 'rel="manifest"' in page.text
    sw = c.get("/tech/sw.js")
    assert sw.headers["service-worker-allowed"] == "/tech"
    assert "__VERSION__" not in sw.text and '"/static/js/tech/app.js"' in sw.text
    manifest = c.get("/tech/manifest.webmanifest").json()
    assert manifest["start_url"] == "/tech" and manifest["display"] == "standalone"
    from crewboard.web.tech import SHELL

    for url in SHELL:
        assert c.get(url).status_code == 200, url
    # an admin revokes the phone's login: the app is signed out
    admin = world.api(Role.admin)
    assert admin.post(f"/users/{day.user_id}/revoke-sessions").status_code == 204
    assert c.get("/tech", follow_redirects=False).status_code == 303
    assert c.get("/api/v1/tech/day").status_code == 401
