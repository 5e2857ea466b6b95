"""Webhook signatures: ``X-Crewboard-Signature: t=<unix seconds>,v1=<hex>``.

``v1`` is HMAC-SHA256 with the subscription's secret over ``"<t>.<raw body>"``.
A receiver recomputes it, compares in constant time and refuses old ``t``
values (replays); :func:`verify` does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-Crewboard-Signature"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, tolerance_s: int = TOLERANCE_S,
           now: int | None = None) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is recent enough."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((int(time.time()) if now is None else now) - t) > tolerance_s:
        return False
    expected = sign(secret, body, t).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
