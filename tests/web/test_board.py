"""The dispatch board in real headless Chromium against a live server."""

from __future__ import annotations

import time
from typing import Any

import httpx2 as httpx
import pytest

from crewboard.api.deps import SESSION_COOKIE
from tests.conftest import LiveServer, World
from tests.web.board_day import PASSWORD, BoardDay, board_day, job_row, local, web_session
from tests.web.conftest import shot

pytestmark = pytest.mark.usefixtures("sqlite_only")


@pytest.fixture
def day(world: World) -> BoardDay:
    made = board_day(world)
    from sqlalchemy import select

    from crewboard.company.models import Company
    names = world.run(lambda s: [c.name for c in s.scalars(select(Company))])
    assert names == ["Acme Service"], names
    return made


def login(page: Any, server: LiveServer, email: str, *, ui: bool = False,
          world: World | None = None) -> None:
    if ui:
        page.goto(f"{server.url}/board")
        assert "/login?next=/board" in page.url
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/board")
    else:
        assert world is not None
        page.context.add_cookies([{"name": SESSION_COOKIE, "value": web_session(world, email),
                                   "url": server.url}])
        page.goto(f"{server.url}/board")
    page.wait_for_selector(".tl-row")
    page.wait_for_selector("#live.on")


def lane_point(page: Any, tech_id: int, hhmm: str, grab_px: float = 0) -> tuple[float, float]:
    """Screen point on ``tech_id``'s lane where a drop starts the job at ``hhmm``."""
    box = page.locator(f'.tl-lane[data-tech="{tech_id}"]').bounding_box()
    frac = page.evaluate(
        """(t) => { const s = window.board.state; const at = window.board.at(t);
                    return (at - s.dayStartMs) / (s.dayEndMs - s.dayStartMs); }""", hhmm)
    return box["x"] + frac * box["width"] + grab_px, box["y"] + box["height"] / 2


def drag(page: Any, source: str, tech_id: int, hhmm: str) -> None:
    """Drag ``source`` (a queue card or a block) so that it starts at ``hhmm`` on the lane."""
    box = page.locator(source).bounding_box()
    x0, y0 = box["x"] + 3, box["y"] + box["height"] / 2
    grab = 3 if source.startswith(".job") else 0
    x1, y1 = lane_point(page, tech_id, hhmm, grab)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 10, y0 + 10, steps=2)
    page.mouse.move(x1, y1, steps=8)
    page.mouse.up()


def placed(page: Any, done: str) -> None:
    """Wait for ``done``, confirming the warnings dialog first if the board asks."""
    page.wait_for_selector(f"{done}, dialog[open] #confirm-warnings")
    if page.locator("dialog[open] #confirm-warnings").count():
        page.click("dialog[open] #confirm-warnings")
    page.wait_for_selector(done)


def block(job_id: int) -> str:
    return f'.job[data-job="{job_id}"]'


def card(job_id: int) -> str:
    return f'.qcard[data-job="{job_id}"]'


# ---------------------------------------------------------------------------- tests

def test_login_drag_assign_persists_and_undo(world: World, day: BoardDay,
                                             live_server: LiveServer, new_page: Any) -> None:
    page = new_page()
    login(page, live_server, day.dispatcher, ui=True)
    assert page.locator(".tl-row").count() == 3
    assert page.locator(".qcard").count() == 4
    # urgency order: the emergency first
    assert page.locator(".qcard").first.get_attribute("data-job") == str(day.jobs["sparks"])
    shot(page, "board-fixture-day")

    pipe, dana = day.jobs["pipe"], day.techs["dana"]
    drag(page, card(pipe), dana, "13:00")
    placed(page, f'.tl-lane[data-tech="{dana}"] {block(pipe)}')
    row = job_row(world, pipe)
    assert row.technician_id == dana and row.status.value == "assigned"
    assert row.planned_start == local("13:00")

    page.reload()
    page.wait_for_selector(f'.tl-lane[data-tech="{dana}"] {block(pipe)}')
    assert page.locator(card(pipe)).count() == 0

    # drag along the row = reschedule; then undo puts it back at 13:00
    drag(page, block(pipe), dana, "14:30")
    placed(page, ".toast.ok:has-text('rescheduled')")
    assert job_row(world, pipe).planned_start == local("14:30")
    page.keyboard.press("z")
    page.wait_for_selector(".toast.ok:has-text('Undone')")
    assert job_row(world, pipe).planned_start == local("13:00")
    assert not page_errors(new_page)


def page_errors(new_page: Any) -> list[str]:
    return new_page.errors


def test_skill_mismatch_is_refused_with_the_reason_then_overridden(
        world: World, day: BoardDay, live_server: LiveServer, new_page: Any) -> None:
    page = new_page()
    login(page, live_server, day.dispatcher, world=world)
    gas, ravi = day.jobs["gas"], day.techs["ravi"]
    drag(page, card(gas), ravi, "15:00")
    dialog = page.wait_for_selector("dialog[open] .refused")
    assert "skill mismatch" in dialog.inner_text().lower()
    assert "lacks the skill 'gas-cert'" in page.locator(f"{card(gas)} .qflash").inner_text()
    shot(page, "board-refused")
    page.click("dialog[open] >> text=Keep as it was")
    assert job_row(world, gas).technician_id is None

    drag(page, card(gas), ravi, "15:00")
    page.wait_for_selector("dialog[open] .refused")
    page.fill("#override-reason", "Ravi holds a temporary gas permit")
    page.click("#override-go")
    page.wait_for_selector(f'.tl-lane[data-tech="{ravi}"] {block(gas)}')
    assert job_row(world, gas).technician_id == ravi

    # Ravi calls in sick from now on: the call-out shows on his row, and the jobs
    # still ahead of him today (which depends on the hour the suite runs) go
    # back to the queue
    from datetime import timedelta

    from crewboard.db import utcnow

    ends = {"ravi1": local("09:30"), "ravi2": local("13:30"), "gas": local("16:30")}
    now = utcnow()
    if any(abs(end - now) < timedelta(minutes=2) for end in ends.values()):
        pytest.skip("a job of Ravi's ends right now: whether it is affected is a coin toss")
    ahead = [key for key, end in ends.items() if end > now]
    page.click(f'.tl-tech[data-tech="{ravi}"]')
    page.click("#act-callout")
    page.fill("#callout-reason", "sick")
    page.click("#callout-go")
    page.wait_for_selector(f'.tl-lane[data-tech="{ravi}"] .absence.call_out')
    if not ahead:
        page.wait_for_selector("dialog[open] >> text=No open jobs are affected.")
        return
    page.wait_for_selector("dialog[open] ul.diff li")
    assert page.locator("dialog[open] ul.diff li").count() == len(ahead)
    shot(page, "board-callout")
    page.click("dialog[open] >> text=Move them to the queue")
    for key in ahead:
        page.wait_for_selector(card(day.jobs[key]))
        assert job_row(world, day.jobs[key]).technician_id is None


def test_suggest_technician_then_optimize_and_apply(world: World, day: BoardDay,
                                                 live_server: LiveServer, new_page: Any) -> None:
    page = new_page()
    login(page, live_server, day.dispatcher, world=world)
    sparks = day.jobs["sparks"]
    page.click(card(sparks))
    page.wait_for_selector(f'.drawer-job[data-job="{sparks}"]')
    page.wait_for_selector("#job-history .history li")
    page.keyboard.press("s")
    table = page.wait_for_selector("dialog[open] .suggest-table")
    shot(page, "board-suggest")
    first = page.locator("dialog[open] .suggest-table tbody tr").first
    tech_id = int(first.get_attribute("data-tech"))
    assert tech_id in (day.techs["ravi"], day.techs["maria"])  # the electricians
    assert table.query_selector("td.why").inner_text()
    first.locator("button").click()
    placed(page, f'.tl-lane[data-tech="{tech_id}"] {block(sparks)}')
    assert job_row(world, sparks).technician_id == tech_id

    # a call comes in: book it (customer search, job type fills duration and skills)
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.fill("#cust-q", "Ada")
    page.click("dialog[open] .cust-results >> text=Ada Lovelace")
    page.select_option("#b-type", label="Leak repair")
    assert page.locator("#b-skills").inner_text() == "plumbing 1"
    page.select_option("#b-priority", "high")
    page.fill("#b-from", "13:00")
    page.fill("#b-to", "17:00")
    page.fill("#b-descr", "Water under the sink")
    page.click("#b-submit")
    page.wait_for_selector("dialog[open] .suggest")  # suggestion in the same flow
    booked = int(page.locator(".drawer-job").get_attribute("data-job"))
    row = job_row(world, booked)
    assert row.duration_min == 60 and row.priority.value == "high"
    assert row.windows[0].starts_at == local("13:00")
    page.keyboard.press("Escape")

    # then optimize the day: a diff with KPIs, applied in one click
    page.keyboard.press("Escape")
    page.keyboard.press("o")
    page.wait_for_selector("dialog[open] .proposal", timeout=20000)
    assert page.locator("dialog[open] table.kpis tbody tr").count() >= 3
    shot(page, "board-optimize")
    assert page.locator("dialog[open] .diff-sec").count() >= 1
    page.click("#proposal-apply")
    page.wait_for_selector(".toast.ok:has-text('Plan applied')")
    queued = [day.jobs[k] for k in ("pipe", "tap")]
    assigned = [j for j in queued if job_row(world, j).technician_id is not None]
    assert assigned, "optimize placed none of the queued jobs"
    for j in assigned:
        page.wait_for_selector(block(j))


def test_live_updates_and_two_dispatchers_moving_the_same_job(
        world: World, day: BoardDay, live_server: LiveServer, new_page: Any) -> None:
    a, b = new_page(), new_page()
    login(a, live_server, day.dispatcher, world=world)
    # B's live stream is cut, so B keeps looking at the plan as it was when loaded
    b.route("**/api/v1/events/stream", lambda route: route.abort())
    b.context.add_cookies([{"name": SESSION_COOKIE, "value": web_session(world, day.dispatcher),
                            "url": live_server.url}])
    b.goto(f"{live_server.url}/board")
    b.wait_for_selector(".tl-row")

    # a change made through the API reaches A's open board without a reload
    a.evaluate("window.__same_document = true")
    pipe, maria = day.jobs["pipe"], day.techs["maria"]
    started = time.monotonic()
    reply = httpx.post(f"{live_server.url}/api/v1/jobs/{pipe}/assign",
                       headers={"Authorization": f"Bearer {day.token}"},
                       json={"technician_id": maria, "planned_start": local("15:00").isoformat()})
    assert reply.status_code == 200, reply.text
    a.wait_for_selector(f'.tl-lane[data-tech="{maria}"] {block(pipe)}')
    assert time.monotonic() - started < 5
    assert a.evaluate("window.__same_document") is True
    assert a.locator(card(pipe)).count() == 0

    # A moves Ravi's job to Maria; B, still seeing it on Ravi, moves it to Dana
    job, dana, ravi = day.jobs["ravi2"], day.techs["dana"], day.techs["ravi"]
    drag(a, block(job), maria, "13:00")
    placed(a, f'.tl-lane[data-tech="{maria}"] {block(job)}')
    assert job_row(world, job).technician_id == maria

    b.wait_for_selector(f'.tl-lane[data-tech="{ravi}"] {block(job)}')  # stale view
    drag(b, block(job), dana, "14:00")
    placed(b, ".toast.warn")
    toast = b.wait_for_selector(".toast.warn")
    assert "changed by someone else" in toast.inner_text()
    assert "Maria Lopez" in toast.inner_text()
    b.wait_for_selector(f'.tl-lane[data-tech="{maria}"] {block(job)}')  # now shows the truth
    shot(b, "board-conflict")
    row = job_row(world, job)
    assert row.technician_id == maria and row.planned_start == local("13:00")


def test_viewer_is_read_only_and_other_roles_are_routed(
        world: World, day: BoardDay, live_server: LiveServer, new_page: Any) -> None:
    page = new_page()
    login(page, live_server, day.viewer, world=world)
    assert page.locator("#btn-new").is_hidden()
    assert page.locator("#btn-optimize").is_hidden()
    assert page.locator(".qcard.movable, .job.movable").count() == 0
    page.click(card(day.jobs["pipe"]))
    page.wait_for_selector(".drawer-job")
    assert page.locator("#act-suggest, #act-dispatch, #act-cancel").count() == 0
    with httpx.Client(base_url=live_server.url) as client:
        assert client.get("/board").headers["location"] == "/login?next=/board"
    from crewboard.auth.actor import Role

    world.user(Role.technician, day.techs["dana"], email="dana@example.com", password=PASSWORD)
    with httpx.Client(base_url=live_server.url) as client:
        client.post("/api/v1/auth/login", json={"email": "dana@example.com", "password": PASSWORD})
        assert client.get("/board").headers["location"] == "/tech"


def test_optimize_shows_a_booked_job_past_its_window_kept_but_late(
        world: World, day: BoardDay, live_server: LiveServer, new_page: Any) -> None:
    """A visit promised for two hours ago stays on the plan, flagged late, not dropped."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from crewboard.auth.actor import SYSTEM
    from crewboard.db import utcnow
    from crewboard.jobs import actions as A
    from crewboard.jobs.models import Job
    from crewboard.technicians.models import Technician
    from tests.web.board_day import today
    from tests.web.clock import WEB_TZ

    now = utcnow().astimezone(ZoneInfo(WEB_TZ))
    if not 4 <= now.hour <= 20:
        pytest.skip("needs a window two hours back and time left today")
    night = world.tech("Nia Owl", {"plumbing": 1}, home_lat=41.90, home_lon=-87.64,
                       shifts=[{"weekday": d, "start": "00:00", "end": "23:59"} for d in range(7)])
    cust = world.customer("Late Larry", lat=41.91, lon=-87.65)
    start, end = now - timedelta(hours=3), now - timedelta(hours=2)

    def book(s: Any) -> int:
        job = A.do_create_job(s, SYSTEM, customer_id=cust, windows=[(start, end)],
                              required_skills={"plumbing": 1}, duration_min=30)
        A.do_assign_job(s, SYSTEM, job, s.get(Technician, night), start,
                        override=True, override_reason="test")
        return job.id

    late_job = world.run(book)
    ref = world.run(lambda s: s.get(Job, late_job).ref)
    assert today() == now.date()
    page = new_page()
    login(page, live_server, day.dispatcher, world=world)
    page.keyboard.press("o")
    page.wait_for_selector("dialog[open] .proposal", timeout=20000)
    kept = page.locator("dialog[open] .diff-sec:has(h3:has-text('Kept, but late'))")
    kept.wait_for()
    item = kept.locator(f'li[data-job="{late_job}"]')
    text = item.inner_text().lower()
    assert ref.lower() in text and "min past the window" in text
    shot(page, "board-optimize-late")
    taken = page.locator("dialog[open] .diff-sec:has(h3:has-text('Taken off the plan'))")
    assert taken.locator(f'li[data-job="{late_job}"]').count() == 0
