"""Phone contexts for the technician-app and tracking-page tests, in the
session's headless Chromium (Debian's chromium driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.web.clock import WEB_TZ

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "en-US",
         "timezone_id": WEB_TZ}


def need_browser(db: Any) -> None:
    if db.backend != "sqlite":
        pytest.skip("browser tests run on SQLite only")


@contextmanager
def phone(browser: Any, base_url: str, lat: float = 41.88, lon: float = -87.63,
          init: str = "") -> Iterator[Any]:
    """A phone-sized context of the session's Chromium (``browser`` fixture in
    tests/web/conftest.py), geolocation granted at (lat, lon)."""
    context = browser.new_context(base_url=base_url, geolocation={
        "latitude": lat, "longitude": lon, "accuracy": 8},
        permissions=["geolocation"], **PHONE)
    try:
        if init:
            context.add_init_script(init)
        context.set_default_timeout(10_000)
        yield context
    finally:
        context.close()


def login(page: Any, email: str, password: str) -> None:
    page.goto("/tech")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/tech")
