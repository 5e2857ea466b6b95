"""Company-local time: shifts, windows and days are local; storage is UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crewboard.errors import ValidationFailed


def check_timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed("unknown_timezone",
                               f"'{name}' is not an IANA timezone (e.g. America/Chicago).",
                               field="timezone") from None


def check_hhmm(value: str, field: str) -> str:
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("bad_time", f"{field} must be a time like 08:30, got '{value}'.",
                               field=field) from None
    return parsed.strftime("%H:%M")


def local_at(tz: ZoneInfo, day: date, hhmm: str) -> datetime:
    """The UTC instant of wall-clock ``hhmm`` on ``day`` in ``tz``."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=tz).astimezone(UTC)


def day_bounds(tz: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    """UTC start and end of a company-local calendar day (DST-safe)."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_day(tz: ZoneInfo, instant: datetime) -> date:
    return instant.astimezone(tz).date()


def fmt_local(tz: ZoneInfo, instant: datetime) -> str:
    return instant.astimezone(tz).strftime("%H:%M")
