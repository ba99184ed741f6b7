"""A citizen rates the service on their phone, in a real browser: the QR code's page
``/t/{public_id}`` of a ticket served at Quầy 1, at phone size in Debian's chromium against
``central serve`` over loopback; the tap on a face is a plain form post (no script), and
the page then thanks them. The page with its faces passes axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx

from central.process import CentralProcess

from .conftest import COUNTER_TOKENS, KIOSK_TOKEN
from .test_accessibility import AXE, _violations

WAIT_MS = 10_000
PHONE = {"width": 390, "height": 844}


def _served(http: httpx.Client, key: str, language: str) -> dict[str, Any]:
    issued = http.post(
        "/api/v1/tickets",
        json={"idempotency_key": key, "service": "tu-phap", "language": language},
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
    )
    assert issued.status_code == 201, issued.text
    officer = {"Authorization": f"Bearer {COUNTER_TOKENS['Q1']}"}
    called = http.post("/api/v1/counters/Q1/call-next", headers=officer)
    assert called.status_code == 200 and called.json()["id"] == issued.json()["id"]
    for action in ("start", "complete"):
        done = http.post(f"/api/v1/tickets/{called.json()['id']}/{action}", headers=officer)
        assert done.status_code == 200, done.text
    ticket: dict[str, Any] = issued.json()
    return ticket


def test_rate_from_the_phone_page(central: CentralProcess, browser: Any, tmp_path: Path) -> None:
    http = httpx.Client(base_url=central.url, timeout=10)
    problems: dict[str, list[str]] = {}
    for index, language in enumerate(("vi", "en", "ko")):
        ticket = _served(http, f"phone-rating-{index:04d}", language)
        context = browser.new_context(viewport=PHONE, java_script_enabled=False)
        page = context.new_page()
        page.goto(ticket["status_url"].replace("http://127.0.0.1:8700", central.url))
        faces = page.locator("form.rate button.face")
        assert faces.count() == 5
        assert "Quầy 1" in page.inner_text("#rate-question")
        page.screenshot(path=str(tmp_path / f"phone-rate-{language}.png"), full_page=True)
        if AXE.is_file():
            axe_context = browser.new_context(viewport=PHONE)  # axe is a script: scripts on
            axe = axe_context.new_page()
            axe.goto(page.url)
            problems[language] = _violations(axe, AXE.read_text(encoding="utf-8"))
            axe_context.close()
        # Korean glyphs come from central's own font, fetched only for a page with Hangul
        probe_context = browser.new_context(viewport=PHONE)  # scripts on, to ask the page
        probe = probe_context.new_page()
        probe.goto(page.url)
        loaded = probe.evaluate(
            "document.fonts.ready.then(() => [...document.fonts].filter(f =>"
            " f.family.includes('Central Hangul') && f.status === 'loaded').length)"
        )
        probe.screenshot(path=str(tmp_path / f"phone-fonts-{language}.png"), full_page=True)
        probe_context.close()
        assert (loaded > 0) == (language == "ko"), (language, loaded)
        page.locator("form.rate button.face-4").click()  # a plain form post, no script
        page.wait_for_selector(".thanks", timeout=WAIT_MS)
        assert page.url.endswith(f"/t/{ticket['public_id']}")
        assert page.locator("form.rate").count() == 0
        page.screenshot(path=str(tmp_path / f"phone-rated-{language}.png"), full_page=True)
        context.close()
    assert {lang: found for lang, found in problems.items() if found} == {}
    with sqlite3.connect(tmp_path / "central.sqlite3") as db:
        stored = db.execute("SELECT kiosk_id, counter, score FROM ratings").fetchall()
    assert stored == [("phone", "Q1", 4)] * 3
