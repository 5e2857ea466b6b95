"""The web tests' company clock: a fixed-offset zone where the session starts mid-morning.

Pages, the planner and field taps all run on the real clock, while the web
days are built at fixed local hours (jobs between 08:00 and 17:00, shifts
08:00-17:00). A test suite run at 19:00 in Chicago found every shift over.
So the web tests' company lives in the whole-hour UTC offset where "now" is
10:xx when the session starts, and every browser test sees the same point
of its day whatever hour the suite runs.
"""

from __future__ import annotations

from datetime import UTC, datetime

LOCAL_HOUR = 10


def _zone(utc_hour: int) -> str:
    offset = LOCAL_HOUR - utc_hour  # local = UTC + offset
    if offset > 14:
        offset -= 24
    if offset < -12:
        offset += 24
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"  # POSIX sign: Etc/GMT-3 is UTC+3


WEB_TZ = _zone(datetime.now(UTC).hour)
