"""The technician app end to end in headless Chromium on a phone viewport:
a whole day of stops, two completed offline with photos and a signature,
replayed actions applied once, and a refused action shown with its reason."""

from __future__ import annotations

import os
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

INIT = ("localStorage.setItem('cb.pingSeconds', '2'); localStorage.setItem('cb.noLive', '1');"
        + ("localStorage.setItem('cb.debug', '1');" if os.environ.get("DEBUG_BROWSER") else ""))
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
    try:
        card.get_by_role("button", name=label, exact=True).click()
    except Exception:
        page.screenshot(path="/tmp/tap-failed.png", full_page=True)
        raise


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
    _card(page, job_id).locator(".chip.s-completed").wait_for()


def _synced(page: Any, timeout_s: float = 20) -> None:
    """Every tap has been queued and everything queued (but pings) has been sent."""
    deadline = time.monotonic() + timeout_s
    clear = 0
    while clear < 2:
        left = page.evaluate("""async () => window.crewboardTech.state.busy
            + (await window.crewboardTech.queue.entries())
              .filter(e => e.kind !== "location").length""")
        clear = clear + 1 if left == 0 else 0
        assert time.monotonic() < deadline, f"{left} entries still waiting to sync"
        page.wait_for_timeout(150)


def _count(world: World, stmt: Any) -> int:
    return world.run(lambda s: s.scalar(select(func.count()).select_from(stmt.subquery())))


def test_a_whole_day_with_two_stops_completed_offline(world: World, live_server: Any, browser: Any,
                                                      tmp_path: Path, app: Any) -> None:
    need_browser(world.db)
    day = field_day(world, job_type_kw={"requires_photo": True, "requires_signature": True})
    first, second, third = day.jobs
    with phone(browser, live_server.url, init=INIT) as context:
        page = context.new_page()
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
        _complete(page, first, tmp_path, "Replaced the thermocouple")
        _synced(page)
        assert world.run(lambda s: s.get(Job, first).status.value) == "completed"
        if os.environ.get("CREWBOARD_SCREENSHOTS"):  # refresh docs/screenshots/tech.png
            _open(page, second)
            _card(page, first).locator(".stop-head").click()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOTS / "tech.png"))

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
        assert len(job["proof_photos"]) == 1 and job["signature_ref"]
        assert job["signed_by"] == "Ada L."
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
    last = world.run(lambda s: s.scalars(select(LocationPing).where(
        LocationPing.technician_id == day.tech_id).order_by(LocationPing.at.desc())).first())
    assert (tech.last_lat, tech.last_lon, tech.last_seen_at) == (last.lat, last.lon, last.at)
    set_by_test = select(LocationPing).where(LocationPing.lat.in_([41.88, 41.9]),
                                             LocationPing.lon.in_([-87.63, -87.65]))
    assert _count(world, set_by_test) == pings
    for job_id in day.jobs:
        for action in ("job.accepted", "job.en_route", "job.arrived", "job.completed"):
            assert _count(world, select(Event).where(Event.job_id == job_id,
                                                     Event.action == action)) == 1


def test_replayed_and_duplicated_actions_apply_once(world: World, live_server: Any,
                                                    browser: Any) -> None:
    need_browser(world.db)
    day = field_day(world)
    first = day.jobs[0]
    replays: list[str] = []
    with phone(browser, live_server.url, init=INIT) as context:
        page = context.new_page()
        page.on("response", lambda r: replays.append(r.url)
                if r.headers.get("idempotent-replayed") == "true" else None)
        login(page, day.email, day.password)
        page.wait_for_selector("article.stop")

        # the server applies "accept" but the answer never reaches the phone
        lost: list[int] = []

        def drop_answer(route: Any) -> None:
            if not lost:
                route.fetch()
                lost.append(1)
                route.abort("connectionreset")
            else:
                route.continue_()

        page.route("**/api/v1/jobs/*/accept", drop_answer)
        _tap(page, first, "Accept")
        for _ in range(100):
            if lost:
                break
            page.wait_for_timeout(100)
        page.wait_for_timeout(300)
        assert page.evaluate("async () => (await window.crewboardTech.queue.entries())"
                             ".some(e => e.action === 'accept' && e.state === 'waiting')")
        assert world.run(lambda s: s.get(Job, first).status.value) == "accepted"
        page.evaluate("window.crewboardTech.flush()")
        _synced(page)
        assert any(url.endswith(f"/jobs/{first}/accept") for url in replays)

        # the same queued action twice in the queue (a double replay)
        context.set_offline(True)
        page.wait_for_selector("#net[data-online='0']")
        _tap(page, first, "On my way")
        page.evaluate("""async () => {
            const t = window.crewboardTech;
            const entry = (await t.queue.entries()).find(e => e.action === 'start-travel');
            const copy = { ...entry }; delete copy.seq;
            await t.db.queueAdd(copy);
        }""")
        assert page.evaluate("""async () => (await window.crewboardTech.queue.entries())
            .filter(e => e.action === 'start-travel').length""") == 2
        context.set_offline(False)
        _synced(page)
        assert _status(page, first) == "On my way"
    assert any(url.endswith(f"/jobs/{first}/start-travel") for url in replays)
    for action in ("job.accepted", "job.en_route"):
        assert _count(world, select(Event).where(Event.job_id == first,
                                                 Event.action == action)) == 1
    assert world.run(lambda s: s.get(Job, first).status.value) == "en_route"


def test_refused_actions_are_shown_with_their_reason_and_nothing_is_lost(
        world: World, live_server: Any, browser: Any, tmp_path: Path) -> None:
    need_browser(world.db)
    day = field_day(world)
    first, second, third = day.jobs
    office = world.api(Role.dispatcher)
    with phone(browser, live_server.url, init=INIT) as context:
        page = context.new_page()
        login(page, day.email, day.password)
        page.wait_for_selector("article.stop")
        _tap(page, first, "Accept")
        for label in ("Accept", "On my way", "Arrived"):
            _tap(page, second, label)
        _synced(page)

        context.set_offline(True)
        page.wait_for_selector("#net[data-online='0']")
        _tap(page, first, "On my way")
        _complete(page, second, tmp_path, "Replaced the pump seal")
        # meanwhile the office moves the first job and cancels the second
        moved = office.post(f"/jobs/{first}/reassign", json={
            "technician_id": day.other_tech_id, "reason": "Dana is running late"})
        assert moved.status_code == 200
        assert office.post(f"/jobs/{second}/cancel",
                           json={"reason": "customer called"}).status_code == 200
        # and edits the third stop's access notes
        assert office.patch(f"/jobs/{third}",
                            json={"access_notes": "Gate code 4521"}).status_code == 200
        context.set_offline(False)
        page.wait_for_selector(".queued.refused >> nth=1", timeout=15_000)
        outbox = page.locator("#outbox").inner_text()
        assert f"Job J-{first} was not found" in outbox and "reassigned" in outbox
        assert f"Job J-{second} is cancelled; it cannot be completed" in outbox
        assert "Replaced the pump seal" in outbox  # what was typed is still there
        assert "Signed by: Ada L." in outbox
        notices = page.locator("#notices").inner_text()
        assert "not accepted" in notices
        page.wait_for_selector(f"[data-removed='{first}']")
        assert "no longer on your day" in page.locator("#notices").inner_text()
        card = _open(page, third)
        page.wait_for_selector(f"article.stop[data-job='{third}'] [data-testid=changes]")
        assert "access notes" in card.locator("[data-testid=changes]").inner_text()
        assert "Gate code 4521" in card.locator("dd.hl").all_inner_texts()[0]
        card.get_by_role("button", name="Got it").click()
        page.wait_for_function(f"!document.querySelector(\"article.stop[data-job='{third}']"
                               " [data-testid=changes]\")")
        # nothing is dropped until the technician says so
        entries = page.evaluate("async () => (await window.crewboardTech.queue.entries())"
                                ".filter(e => e.state === 'refused').map(e => e.action)")
        assert sorted(entries) == ["complete", "start-travel"]
        page.screenshot(path=str(tmp_path / "refused.png"))
    assert _count(world, select(Event).where(Event.job_id == first,
                                             Event.action == "job.en_route")) == 0
    assert world.run(lambda s: s.get(Job, second).status.value) == "cancelled"
