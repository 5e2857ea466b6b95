"""Turning spreadsheet cells into the shapes our schemas take.

These only change the *form* a person typed ("Mon-Fri 08:00-17:00",
"hvac:2; plumbing", "1h30", "6/4/2030 8:00 AM"); whether the result is
allowed is decided by the pydantic schemas and ``do_*`` actions, as for the
API.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from crewboard.errors import ValidationFailed

DAYS = {"mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
        "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4,
        "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SPLIT = re.compile(r"\s*[;,\n]\s*")
_CLOCK = r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?"
_SHIFT = re.compile(rf"^(?P<days>[a-z ,&+/\-–]+?)\s*:?\s+(?P<start>{_CLOCK})\s*(?:-|–|to)\s*"
                    rf"(?P<end>{_CLOCK})$", re.IGNORECASE)
_SKILL = re.compile(r"^(?P<name>.+?)\s*(?:[:=]\s*|\(\s*|\s+(?:l(?:evel|vl)?\s*)?)"
                    r"(?P<level>\d+)\s*\)?$", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p", "%H.%M")


def bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("bad_value", message, field=field)


def split_list(value: Any) -> list[str]:
    """``"ladder; torch, pipe cam"`` -> ``["ladder", "torch", "pipe cam"]``."""
    if value is None:
        return []
    return [part for part in _SPLIT.split(str(value).strip()) if part]


def parse_skills(value: Any, field: str) -> dict[str, str]:
    """``"hvac:2; Plumbing"`` -> ``{"hvac": "2", "plumbing": "1"}`` (levels checked later)."""
    out: dict[str, str] = {}
    for part in split_list(value):
        match = _SKILL.match(part)
        name, level = (match["name"], match["level"]) if match else (part, "1")
        out[name.strip().lower().replace(" ", "-")] = level
    return out


def format_skills(levels: dict[str, int]) -> str:
    return "; ".join(f"{name}:{level}" for name, level in sorted(levels.items()))


def _clock(text: str, field: str, whole: str) -> str:
    raw = text.strip().lower().replace(".", ":").replace("a:m:", "am").replace("p:m:", "pm")
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", raw)
    if not match:
        raise bad(field, f"Cannot read the time '{text}' in '{whole}'.")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise bad(field, f"Cannot read the time '{text}' in '{whole}'.")
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    return f"{hour:02d}:{minute:02d}"


def _days(text: str, field: str, whole: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*(?:,|&|\+|/|\s)\s*", text.strip().lower()):
        if not part:
            continue
        ends = re.split(r"\s*[-–]\s*", part)
        try:
            first, last = DAYS[ends[0]], DAYS[ends[-1]]
        except KeyError:
            raise bad(field, f"Cannot read the days '{text}' in '{whole}'; use Mon, Tue, ... "
                      "or a range like Mon-Fri.") from None
        day = first
        out.append(day)
        while day != last:
            day = (day + 1) % 7
            out.append(day)
    return out


def parse_shifts(value: Any, field: str = "shifts",
                 break_minutes: Any = None) -> list[dict[str, Any]] | None:
    """``"Mon-Fri 08:00-17:00; Sat 9am-1pm"`` -> one shift dict per weekday."""
    if value is None:
        return None
    shifts = []
    for part in re.split(r"\s*[;\n]\s*", str(value).strip()):
        if not part:
            continue
        match = _SHIFT.match(part)
        if not match:
            raise bad(field, f"Cannot read the shift hours '{part}'; write them like "
                      "'Mon-Fri 08:00-17:00' (several separated by ';').")
        start = _clock(match["start"], field, part)
        end = _clock(match["end"], field, part)
        for day in _days(match["days"], field, part):
            shift: dict[str, Any] = {"weekday": day, "start": start, "end": end}
            if break_minutes is not None:
                shift["break_minutes"] = break_minutes
            shifts.append(shift)
    return shifts


def format_shifts(shifts: list[tuple[int, str, str]]) -> str:
    """``[(0, "08:00", "17:00"), ... (4, ...)]`` -> ``"Mon-Fri 08:00-17:00"``."""
    groups: list[list[Any]] = []
    for weekday, start, end in sorted(shifts):
        last = groups[-1] if groups else None
        if last and last[1] == weekday - 1 and (last[2], last[3]) == (start, end):
            last[1] = weekday
        else:
            groups.append([weekday, weekday, start, end])
    parts = []
    for first, last, start, end in groups:
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}-{DAY_NAMES[last]}"
        parts.append(f"{days} {start}-{end}")
    return "; ".join(parts)


def parse_minutes(value: Any, field: str) -> Any:
    """``"90"``, ``"90 min"``, ``"1:30"``, ``"1h30"``, ``"1.5 h"`` -> minutes; else as given."""
    if isinstance(value, timedelta):
        return int(value.total_seconds() // 60)
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    text = str(value).strip().lower()
    if m := re.fullmatch(r"(\d+)\s*(?:m|min|mins|minutes?)?", text):
        return int(m[1])
    if m := re.fullmatch(r"(\d+):(\d{2})", text):
        return int(m[1]) * 60 + int(m[2])
    if m := re.fullmatch(r"(\d+)\s*h(?:ours?|rs?)?\s*(?:(\d+)\s*(?:m|min|mins|minutes?)?)?", text):
        return int(m[1]) * 60 + int(m[2] or 0)
    if m := re.fullmatch(r"(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?", text):
        return round(float(m[1]) * 60)
    return value  # the schema says why it is not a number of minutes


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    return None


def _parse_time(text: str) -> time | None:
    cleaned = re.sub(r"\s+", " ", text.strip().upper().replace(".", ""))
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).time()  # noqa: DTZ007 (a wall-clock time)
        except ValueError:
            continue
    return None


def parse_when(value: Any, tz: ZoneInfo, field: str, *, day: Any = None) -> datetime:
    """A cell as an aware UTC instant; naive values are company-local wall-clock time.

    Takes Excel datetimes, ISO strings (with or without an offset),
    ``6/4/2030 8:00 AM``, ``04.06.2030 08:00``, or a time alone when ``day``
    (a date column, or the window's other end) says which day.
    """
    when: datetime | None = None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        raise bad(field, f"'{value.isoformat()}' is a date without a time of day.")
    elif isinstance(value, time):
        when = _on_day(value, day, tz, field)
    else:
        text = str(value).strip()
        if _parse_date(text) is not None:
            raise bad(field, f"'{text}' is a date without a time of day.")
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            when = _parse_text(text, tz, field, day)
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(UTC)


def _parse_text(text: str, tz: ZoneInfo, field: str, day: Any) -> datetime:
    clock = _parse_time(text)
    if clock is not None:
        return _on_day(clock, day, tz, field)
    head, _, tail = text.partition(" ")
    found_day, clock = _parse_date(head), _parse_time(tail)
    if found_day is not None and clock is not None:
        return datetime.combine(found_day, clock)
    if found_day is not None:
        raise bad(field, f"'{text}' is a date without a time of day.")
    raise bad(field, f"Cannot read '{text}' as a date and time; write it like "
              "2030-06-04 08:00.")


def _on_day(clock: time, day: Any, tz: ZoneInfo, field: str) -> datetime:
    if day is None:
        raise bad(field, f"The time {clock.strftime('%H:%M')} needs a date (add a 'date' "
                  "column or write the date and time).")
    if isinstance(day, datetime):
        day = day.astimezone(tz).date() if day.tzinfo else day.date()
    elif not isinstance(day, date):
        text = str(day).strip()
        parsed = _parse_date(text) or _parse_date(text.partition(" ")[0])
        if parsed is None:
            raise ValidationFailed("bad_value", f"Cannot read '{text}' as a date; write it "
                                   "like 2030-06-04.", field="date")
        day = parsed
    return datetime.combine(day, clock)


def format_local(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")
