"""Browser fixtures: real headless Chromium (Debian's package) driven by Playwright.

Browser tests run on SQLite only (they test the pages, not the database) and
skip when /usr/bin/chromium is missing. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TestDB

CHROMIUM = os.environ.get("CREWBOARD_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1600, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def sqlite_only(db: TestDB) -> TestDB:
    if db.backend != "sqlite":
        pytest.skip("browser tests run on SQLite only")
    return db


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def new_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``new_page()`` opens a page in a fresh context (own cookies); all are closed after.

    When the test fails, every open page is saved to test-artifacts/ for a look.
    """
    contexts: list[Any] = []

    def make(**kw: Any) -> Any:
        context = browser.new_context(viewport=VIEWPORT, **kw)
        context.set_default_timeout(20000)
        context.set_default_navigation_timeout(30000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    errors: list[str] = []
    make.errors = errors  # type: ignore[attr-defined]
    yield make
    if request.node.stash.get(FAILED, False):
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                shot(page, f"FAILED-{request.node.name}-{i}-{j}")
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
