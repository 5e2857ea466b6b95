"""Screenshots of the board on the demo company (for the README and a look by eye).

Not a test: build and serve the demo, then run this against it::

    crewboard demo --db /tmp/demo.db --port 8765
    python -m tests.web.screenshot_demo http://127.0.0.1:8765 [docs/screenshots/board.png]

It logs in as the demo dispatcher and saves the board, a job drawer, the
suggestion list and an optimize proposal into test-artifacts/ (the first one
also to the given path).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.web.conftest import ARGS, ARTIFACTS, CHROMIUM, VIEWPORT

EMAIL, PASSWORD = "dispatcher@demo.crewboard", "crewboard-demo"


def main(url: str, readme_png: str | None) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(f"{url}/login?next=/board")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector(".tl-row")
        page.wait_for_selector("#live.on")
        page.wait_for_timeout(400)
        page.screenshot(path=str(ARTIFACTS / "demo-board.png"))
        if readme_png:
            Path(readme_png).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=readme_png)
        first = page.locator(".qcard").first
        if first.count():
            first.click()
            page.wait_for_selector("#job-history .history li, #job-history p")
            page.wait_for_timeout(200)
            page.screenshot(path=str(ARTIFACTS / "demo-drawer.png"))
            page.keyboard.press("s")
            page.wait_for_selector("dialog[open] .suggest, dialog[open] p")
            page.wait_for_timeout(200)
            page.screenshot(path=str(ARTIFACTS / "demo-suggest.png"))
            page.keyboard.press("Escape")
        page.locator(".tl-tech").nth(2).click()
        page.wait_for_selector(".drawer-tech")
        page.screenshot(path=str(ARTIFACTS / "demo-technician.png"))
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
        page.click("#btn-optimize")
        page.wait_for_selector("dialog[open] .proposal", timeout=60000)
        page.screenshot(path=str(ARTIFACTS / "demo-optimize.png"))
        page.click("#proposal-discard")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2] if len(sys.argv) > 2 else None)
