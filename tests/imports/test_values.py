"""Cell forms: shifts, skills, durations, lists and company-local date-times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from crewboard.errors import ValidationFailed
from crewboard.imports.values import (
    format_shifts,
    format_skills,
    parse_minutes,
    parse_shifts,
    parse_skills,
    parse_when,
    split_list,
)

CHICAGO = ZoneInfo("America/Chicago")


def test_shifts_ranges_lists_and_am_pm() -> None:
    shifts = parse_shifts("Mon-Fri 08:00-17:00; Sat 9am-1pm")
    assert shifts is not None
    assert [s["weekday"] for s in shifts] == [0, 1, 2, 3, 4, 5]
    assert shifts[0] == {"weekday": 0, "start": "08:00", "end": "17:00"}
    assert shifts[-1] == {"weekday": 5, "start": "09:00", "end": "13:00"}
    assert [s["weekday"] for s in parse_shifts("mon, wed & Fri 7:30 to 16:00") or []] == [0, 2, 4]
    assert [s["weekday"] for s in parse_shifts("Sat-Mon 08:00-12:00") or []] == [5, 6, 0]
    assert parse_shifts("Tuesday 8-12", break_minutes="15") == [
        {"weekday": 1, "start": "08:00", "end": "12:00", "break_minutes": "15"}]
    assert parse_shifts(None) is None


@pytest.mark.parametrize("text", ["weekdays 8-5", "Mon-Fri", "Mon-Fri 25:00-26:00pm",
                                  "Funday 08:00-12:00"])
def test_unreadable_shifts_say_how_to_write_them(text: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_shifts(text)
    assert info.value.field == "shifts"


def test_format_shifts_groups_consecutive_days() -> None:
    shifts = [(d, "08:00", "17:00") for d in range(5)] + [(5, "09:00", "13:00")]
    assert format_shifts(shifts) == "Mon-Fri 08:00-17:00; Sat 09:00-13:00"
    assert format_shifts([(0, "08:00", "17:00"), (2, "08:00", "17:00")]) == (
        "Mon 08:00-17:00; Wed 08:00-17:00")
    again = parse_shifts(format_shifts(shifts)) or []
    assert [(s["weekday"], s["start"], s["end"]) for s in again] == shifts


def test_skills_forms() -> None:
    assert parse_skills("hvac:2; Plumbing, gas-cert=3, electrical (2), roofing level 4",
                        "skills") == {"hvac": "2", "plumbing": "1", "gas-cert": "3",
                                      "electrical": "2", "roofing": "4"}
    assert parse_skills(None, "skills") == {}
    assert format_skills({"plumbing": 1, "hvac": 2}) == "hvac:2; plumbing:1"


def test_lists_and_minutes() -> None:
    assert split_list("ladder; torch, pipe cam") == ["ladder", "torch", "pipe cam"]
    assert [parse_minutes(v, "d") for v in ("90", "90 min", "1:30", "1h30", "1.5 h", "2 hours",
                                            time(1, 30), timedelta(minutes=45))] == [
        90, 90, 90, 90, 90, 120, 90, 45]
    assert parse_minutes("soon", "d") == "soon"  # the schema explains the problem


def test_when_reads_naive_values_as_company_local() -> None:
    eight = datetime(2030, 6, 4, 13, 0, tzinfo=UTC)  # 08:00 CDT
    for value in ("2030-06-04 08:00", "2030-06-04T08:00:00", "6/4/2030 8:00 AM",
                  "04.06.2030 08:00", datetime(2030, 6, 4, 8, 0)):  # noqa: DTZ001 (Excel cell)
        assert parse_when(value, CHICAGO, "window_start") == eight, value
    assert parse_when("2030-06-04T08:00:00+00:00", CHICAGO, "w") == datetime(
        2030, 6, 4, 8, 0, tzinfo=UTC)
    assert parse_when("08:00", CHICAGO, "w", day="2030-06-04") == eight
    assert parse_when(time(8, 0), CHICAGO, "w", day=date(2030, 6, 4)) == eight
    assert parse_when("12:00", CHICAGO, "w", day=eight) == eight + timedelta(hours=4)
    winter = parse_when("2030-01-15 08:00", CHICAGO, "w")
    assert winter == datetime(2030, 1, 15, 14, 0, tzinfo=UTC)  # CST, not CDT


@pytest.mark.parametrize("value", ["tomorrow", "08:00", "2030-06-04", date(2030, 6, 4)])
def test_when_refuses_what_does_not_say_when(value: object) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_when(value, CHICAGO, "window_start")
    assert info.value.field == "window_start"
