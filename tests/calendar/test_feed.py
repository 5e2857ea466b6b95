"""The technician's iCalendar feed at a private token URL."""

from __future__ import annotations

from sqlalchemy import select

from crewboard.auth.actor import Role
from crewboard.auth.secrets import hash_token
from crewboard.calendar.ics import fold
from crewboard.calendar.models import CalendarFeed
from tests.conftest import ApiClient, World
from tests.web.tech_day import field_day


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_feed_lists_the_technicians_jobs(world: World) -> None:
    day = field_day(world)
    me = ApiClient(world.client, day.token)
    r = me.post(f"/technicians/{day.tech_id}/calendar-feeds")
    assert r.status_code == 201, r.text
    body = r.json()
    token = body["token"]
    assert body["path"] == f"/calendar/{token}.ics"
    stored = world.run(lambda s: s.scalar(select(CalendarFeed)))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    ics = world.client.get(body["path"])
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    text = _unfold(ics.text)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 3
    for job_id in day.jobs:
        assert f"UID:job-{job_id}@" in text
    assert "SUMMARY:J-" in text and "Ada Lovelace" in text
    assert "Key under the mat" in text and "LOCATION:1 Main St\\, Chicago" in text
    assert all(len(line.encode()) <= 75 for line in ics.text.split("\r\n"))
    # nothing of the colleague's day
    assert "Lee Park" not in text


def test_wrong_and_revoked_tokens(world: World) -> None:
    day = field_day(world)
    me = ApiClient(world.client, day.token)
    feed = me.post(f"/technicians/{day.tech_id}/calendar-feeds").json()
    assert world.client.get("/calendar/cal_nope.ics").status_code == 404
    assert world.client.get(f"/calendar/{feed['token']}").status_code == 404  # needs .ics
    listed = me.get(f"/technicians/{day.tech_id}/calendar-feeds").json()["items"]
    assert len(listed) == 1 and "token" not in listed[0]
    assert me.delete(f"/technicians/{day.tech_id}/calendar-feeds/{feed['id']}").status_code == 204
    assert world.client.get(feed["path"]).status_code == 404


def test_only_the_technician_or_the_office(world: World) -> None:
    day = field_day(world)
    other = world.api(Role.technician, day.other_tech_id)
    assert other.post(f"/technicians/{day.tech_id}/calendar-feeds").status_code == 404
    assert world.api(Role.viewer).post(
        f"/technicians/{day.tech_id}/calendar-feeds").status_code == 403
    office = world.api(Role.dispatcher)
    assert office.post(f"/technicians/{day.tech_id}/calendar-feeds").status_code == 201


def test_fold_keeps_multibyte_characters_whole() -> None:
    line = "DESCRIPTION:" + "é" * 80
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
