"""Headless Chromium for the technician-app and tracking-page tests (Debian's
chromium driven by Playwright; the test is skipped where it is missing)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "en-US",
         "timezone_id": "America/Chicago"}


def need_browser(db: Any) -> None:
    if db.backend != "sqlite":
        pytest.skip("browser tests run on SQLite only")
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed")


@contextmanager
def phone(base_url: str, lat: float = 41.88, lon: float = -87.63,
          init: str = "") -> Iterator[Any]:
    """A phone-sized browser context with geolocation granted at (lat, lon)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(base_url=base_url, geolocation={
                "latitude": lat, "longitude": lon, "accuracy": 8},
                permissions=["geolocation"], **PHONE)
            if init:
                context.add_init_script(init)
            context.set_default_timeout(10_000)
            yield context
            context.close()
        finally:
            browser.close()


def login(page: Any, email: str, password: str) -> None:
    page.goto("/tech")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/tech")
