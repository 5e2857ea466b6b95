"""The customer's tracking page in headless Chromium on a phone: ETA while the
technician drives here, refusal of wrong and expired links, and nothing else
about the technician's day in the page or the API answers behind it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from crewboard.auth.actor import Role
from crewboard.events.models import Event
from crewboard.jobs.models import Job
from tests.conftest import World
from tests.tracking.test_api import _link, _ping, _step
from tests.web.browser import need_browser, phone
from tests.web.tech_day import field_day

SECRETS = ["Grace Hopper", "Alan Turing", "Lee Park", "Kim", "+13125550199", "+1 312 555 0142",
           "Key under the mat", "No hot water", "ladder", "boiler service", "dana@example.com",
           "Technician User"]


def test_tracking_page_en_route_then_done(world: World, live_server: Any, app: Any,
                                          browser: Any) -> None:
    need_browser(world.db)
    day = field_day(world)
    job = day.jobs[0]
    token = _link(world, job)
    _step(world, job, "accept", "start_travel")
    _step(world, day.jobs[1], "accept")
    _ping(world, day.tech_id, 41.8801, -87.6301)
    bodies: list[str] = []
    urls: list[str] = []
    with phone(browser, live_server.url) as context:
        page = context.new_page()

        def keep(response: Any) -> None:
            urls.append(response.url)
            if response.url.startswith(live_server.url) and "/static/" not in response.url:
                bodies.append(response.text())

        page.on("response", keep)
        page.goto(f"/track/{token}")
        page.wait_for_selector("#eta")
        assert page.locator("#job-status").inner_text() == "On the way"
        assert page.locator("#tech-first-name").inner_text() == "Dana"
        eta = page.locator("#eta").inner_text()
        assert ":" in eta  # a clock time
        assert "41.88" in page.locator("#position").inner_text()
        assert "Acme Service" in page.content()
        page.screenshot(path=str(app.state.settings.upload_dir.parent / "track.png"))
        text = page.locator("body").inner_text() + page.content() + "".join(bodies)
        for secret in SECRETS + [f"J-{j}" for j in day.jobs[1:]]:
            assert secret not in text, secret
        assert all(u.startswith(live_server.url + "/track/") or "/static/" in u
                   or u == "https://example.com/d.jpg" for u in urls), urls

        # the customer asks to reschedule with a note
        page.fill("#note", "Please come after 4pm")
        page.click("#reschedule")
        page.wait_for_selector("#last-request")
        assert "reschedule" in page.locator("#last-request").inner_text()

        # arrival hides the position; completion shows the summary
        _step(world, job, "arrive")
        page.reload()
        page.wait_for_selector("#job-status")
        assert page.locator("#job-status").inner_text() == "Technician on site"
        assert page.locator("#position").count() == 0 and page.locator("#eta").count() == 0
        _step(world, job, "complete")
        page.reload()
        page.wait_for_selector("#summary-notes")
        assert page.locator("#summary-notes").inner_text() == "Replaced the valve"

        # wrong and expired links
        page.goto(f"/track/{token[:-3]}abc")
        assert "not valid" in page.locator("#problem").inner_text()
        app.state.settings.tracking_days_after_close = 0
        page.goto(f"/track/{token}")
        assert "expired" in page.locator("#problem").inner_text()
        assert page.locator("#status-card").count() == 0
    events = world.run(lambda s: [e.reason for e in s.scalars(select(Event).where(
        Event.job_id == job, Event.action == "job.customer_requested_reschedule"))])
    assert events == ["Please come after 4pm"]
    assert world.run(lambda s: s.get(Job, job).status.value) == "completed"
    assert json.dumps(world.api(Role.dispatcher).get(f"/jobs/{job}/history").json()).count(
        "customer_requested_reschedule") == 1
