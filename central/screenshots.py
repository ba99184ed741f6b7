"""Screenshots of every page of central in vi, en and ko, at 1366x768 and on a phone.

    python -m central.screenshots --out screenshots/

Starts the simulated centre (``config/central.sim.toml``) with ``central serve`` in a
temporary folder, fills a morning's queue through the API (tickets, calls, a completed
ticket waiting for its rating, a help request), and photographs the counter page, the
hall display, the rating tablet and the ratings report with Debian's chromium.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path
from typing import Any

import httpx

from central.browser import launch
from central.pages.i18n import LANGUAGES
from central.process import CentralProcess

_LOGGER = logging.getLogger(__name__)

DISPLAY = "sim-display-token-00000"
MANAGER = "sim-manager-token-00000"
KIOSK = {"Authorization": "Bearer sim-kiosk-K1-token-00000"}
SIZES = {"office": (1366, 768), "phone": (390, 844)}


def _counter(code: str) -> dict[str, str]:
    return {"Authorization": f"Bearer sim-counter-{code}-token-0000"}


def seed(url: str) -> None:
    """A morning's queue: waiting tickets (some priority), calls, a rating and help."""
    with httpx.Client(base_url=url, timeout=10) as http:
        plan: list[tuple[str, str, str | None]] = [("tu-phap", "vi", None), ("tu-phap", "en", None)]
        plan += [("tu-phap", "vi", None)] * 5 + [("tu-phap", "en", "elderly")]
        plan += [("giao-thong-van-tai", "ko", None)] * 4 + [("dat-dai", "vi", "pregnant")] * 2
        for i, (service, language, priority) in enumerate(plan):
            body = {"idempotency_key": f"shot-{i:04d}", "service": service, "language": language}
            http.post("/api/v1/tickets", json={**body, "priority": priority}, headers=KIOSK)
        first = http.post("/api/v1/counters/Q1/call-next", headers=_counter("Q1")).json()
        http.post(f"/api/v1/tickets/{first['id']}/start", headers=_counter("Q1"))
        http.post(f"/api/v1/tickets/{first['id']}/complete", headers=_counter("Q1"))
        http.post(f"/rate/Q1?token={DISPLAY}", json={"ticket_id": first["id"], "score": 4})
        second = http.post("/api/v1/counters/Q2/call-next", headers=_counter("Q2")).json()
        http.post(f"/api/v1/tickets/{second['id']}/start", headers=_counter("Q2"))
        http.post(f"/api/v1/tickets/{second['id']}/complete", headers=_counter("Q2"))
        http.post("/api/v1/counters/Q1/call-next", headers=_counter("Q1"))
        http.post("/api/v1/counters/Q4/call-next", headers=_counter("Q4"))
        http.post("/api/v1/counters/Q7/call-next", headers=_counter("Q7"))
        http.post("/api/v1/counters/Q1/recall", headers=_counter("Q1"))
        http.post(
            "/api/v1/help-requests",
            json={"idempotency_key": "shot-help-1", "screen": "choose_service", "language": "ko"},
            headers=KIOSK,
        )


def shoot(url: str, browser: Any, out: Path) -> list[Path]:
    """Photograph every page in every language and size; returns the files written."""
    written: list[Path] = []
    for size, (width, height) in SIZES.items():
        for lang in LANGUAGES:
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()

            def snap(name: str, page: Any = page, size: str = size, lang: str = lang) -> None:
                path = out / f"{name}-{lang}-{size}.png"
                page.evaluate("document.fonts.ready.then(() => true)")  # Korean font loaded
                page.screenshot(path=str(path), full_page=True)
                written.append(path)

            page.goto(f"{url}/counter/?lang={lang}")
            snap("counter-signin")
            page.select_option("#counter", "Q1")
            page.fill("#secret", "1001")
            page.click("button[type=submit]")
            page.wait_for_selector("#panel")
            snap("counter")
            page.goto(f"{url}/display/?token={DISPLAY}&lang={lang}")
            page.wait_for_selector("#current td")
            snap("display")
            page.goto(f"{url}/rate/Q2?token={DISPLAY}&lang={lang}")
            page.wait_for_selector("#ask:not([hidden])")
            snap("rate")
            page.goto(f"{url}/reports/ratings?lang={lang}")
            page.fill("#secret", MANAGER)
            page.click("button[type=submit]")
            page.wait_for_selector("table.report")
            snap("reports")
            context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots to ``--out``."""
    parser = argparse.ArgumentParser(prog="python -m central.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="central-shots-") as work:
        with CentralProcess.sim(Path(work)) as central, sync_playwright() as playwright:
            seed(central.url)
            browser = launch(playwright)
            try:
                written = shoot(central.url, browser, args.out)
            finally:
                browser.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
