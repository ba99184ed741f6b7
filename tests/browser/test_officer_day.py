"""The officer's day in a real browser: sign in at Quầy 1, call, recall, start, complete,
no-show, transfer and take a help request, while the hall display (a second page) shows
and announces every call and the counter's rating tablet (a third) asks and records.

Everything goes through ``central serve`` over loopback and Debian's chromium; the
kiosk's side is played with plain HTTP calls carrying the kiosk's token.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import pytest

from central.process import CentralProcess

from .conftest import COUNTER_TOKENS, DISPLAY_TOKEN, KIOSK_TOKEN, MANAGER_TOKEN

WAIT_MS = 10_000  # generous for a loaded machine; the benchmark measures the real latency
SPOKEN_MS = 90_000  # announcements play one after another, each a few seconds of speech


def _issue(http: httpx.Client, key: str, service: str, language: str) -> dict[str, Any]:
    answer = http.post(
        "/api/v1/tickets",
        json={"idempotency_key": key, "service": service, "language": language},
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _announced(display: Any, expected: list[str]) -> None:
    display.wait_for_function(
        "expected => expected.every(x => window.announced.includes(x))",
        arg=expected,
        timeout=SPOKEN_MS,
    )


@pytest.mark.slow
def test_the_officers_day(central: CentralProcess, browser: Any) -> None:
    http = httpx.Client(base_url=central.url, timeout=10)
    first = _issue(http, "day-0001-key", "tu-phap", "vi")
    second = _issue(http, "day-0002-key", "tu-phap", "en")
    third = _issue(http, "day-0003-key", "tu-phap", "ko")
    assert [first["number"], second["number"], third["number"]] == ["A001", "A002", "A003"]

    speech_requests: list[str] = []
    display = browser.new_page(viewport={"width": 1366, "height": 768})
    display.on(
        "request", lambda r: speech_requests.append(r.url) if "speech.wav" in r.url else None
    )
    display.goto(f"{central.url}/display/?token={DISPLAY_TOKEN}")
    display.wait_for_selector("#conn:not(.stale)", timeout=WAIT_MS)
    display.wait_for_function("document.body.dataset.lastId !== undefined", timeout=WAIT_MS)
    assert "Tư pháp" in display.inner_text("#waiting") and "3" in display.inner_text("#waiting")

    tablet = browser.new_page(viewport={"width": 1024, "height": 768})
    tablet.goto(f"{central.url}/rate/Q1?token={DISPLAY_TOKEN}")
    tablet.wait_for_selector("#idle:not([hidden])", timeout=WAIT_MS)

    officer = browser.new_page(viewport={"width": 1366, "height": 768})
    officer.goto(f"{central.url}/counter/")
    officer.select_option("#counter", "Q1")
    officer.fill("#secret", "9999")
    officer.click("button[type=submit]")
    assert officer.locator("#signin-error").is_visible()  # a wrong PIN is told, not ignored
    officer.select_option("#counter", "Q1")
    officer.fill("#secret", "1001")
    officer.click("button[type=submit]")
    officer.wait_for_selector("#line", timeout=WAIT_MS)
    assert re.findall(r"A00\d", officer.inner_text("#line")) == ["A001", "A002", "A003"]

    # call next with the keyboard: the display shows it and announces it (chime + speech)
    officer.keyboard.press("n")
    officer.wait_for_selector("#current-number:text('A001')", timeout=WAIT_MS)
    display.wait_for_selector("#current td:text('A001')", timeout=WAIT_MS)
    assert "Quầy 1" in display.inner_text("#current")
    _announced(display, ["A001@Q1"])

    officer.keyboard.press("r")  # recall: announced again
    _announced(display, ["A001@Q1", "A001@Q1:recall"])
    officer.keyboard.press("s")
    officer.wait_for_selector("#current-status:has-text('Đang phục vụ')", timeout=WAIT_MS)
    officer.keyboard.press("c")
    officer.wait_for_selector("#message:has-text('Đã hoàn thành số A001')", timeout=WAIT_MS)

    # the tablet asks the citizen just served, names ticket and counter, and records
    tablet.wait_for_selector("#ask:not([hidden])", timeout=WAIT_MS)
    question = tablet.inner_text("#ask-question")
    assert "A001" in question and "Quầy 1" in question
    tablet.click(".face-5")
    tablet.wait_for_selector("#thanks:not([hidden])", timeout=WAIT_MS)
    assert tablet.evaluate("document.body.dataset.rated") == "A001"

    # the English citizen does not come: called, announced in vi then en, no-show
    officer.keyboard.press("n")
    officer.wait_for_selector("#current-number:text('A002')", timeout=WAIT_MS)
    _announced(display, ["A002@Q1"])
    officer.keyboard.press("x")
    officer.wait_for_selector("#message:has-text('A002')", timeout=WAIT_MS)
    assert (
        http.get(
            f"/api/v1/tickets/{second['id']}", headers={"Authorization": f"Bearer {KIOSK_TOKEN}"}
        ).json()["status"]
        == "no_show"
    )

    # the Korean citizen came to the wrong field: transfer to transport (Quầy 3 serves it)
    officer.keyboard.press("n")
    officer.wait_for_selector("#current-number:text('A003')", timeout=WAIT_MS)
    officer.select_option("#transfer-to", "giao-thong-van-tai")
    officer.keyboard.press("t")
    officer.wait_for_selector("#message:has-text('A003')", timeout=WAIT_MS)
    moved = http.get(
        f"/api/v1/tickets/{third['id']}", headers={"Authorization": f"Bearer {KIOSK_TOKEN}"}
    ).json()
    assert moved["service"] == "giao-thong-van-tai" and moved["status"] == "waiting"
    q3 = http.post(
        "/api/v1/counters/Q3/call-next", headers={"Authorization": f"Bearer {COUNTER_TOKENS['Q3']}"}
    ).json()
    assert q3["number"] == "A003"
    display.wait_for_selector("#current td:text('Quầy 3')", timeout=WAIT_MS)
    _announced(display, ["A003@Q3"])
    assert any("language=ko" in url and "number=A003" in url for url in speech_requests)
    assert any("language=en" in url and "number=A002" in url for url in speech_requests)

    # a kiosk asks for help: the counter page shows it live; the officer takes it
    help_request = http.post(
        "/api/v1/help-requests",
        json={"idempotency_key": "help-0001-key", "screen": "choose_service", "language": "en"},
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
    ).json()
    officer.wait_for_selector("#help-list:has-text('K1')", timeout=WAIT_MS)
    officer.click("#help-list button[value=take]")
    officer.wait_for_selector("#message:has-text('Đã nhận yêu cầu hỗ trợ')", timeout=WAIT_MS)
    state = http.get(
        f"/api/v1/help-requests/{help_request['id']}",
        headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
    ).json()
    assert state["status"] == "taken" and state["taken_by"] == "Q1"

    # the speech the display plays is a real WAV made by espeak-ng on central
    audio = http.get(speech_requests[0])
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF" and len(audio.content) > 20_000

    # management sees the rating in the month's report
    manager = browser.new_page()
    manager.goto(f"{central.url}/reports/ratings?lang=en")
    manager.fill("#secret", MANAGER_TOKEN)
    manager.click("button[type=submit]")
    row = manager.locator("table.report").first.locator("tbody tr").first
    assert row.locator("th").inner_text() == "Quầy 1"
    assert row.locator("td").nth(0).inner_text() == "1"  # one rating
    assert row.locator("td").nth(6).inner_text() == "1"  # ... of 5


def test_display_shows_it_is_stale_and_reconnects(central: CentralProcess, browser: Any) -> None:
    http = httpx.Client(base_url=central.url, timeout=10)
    display = browser.new_page(viewport={"width": 1366, "height": 768})
    display.goto(f"{central.url}/display/?token={DISPLAY_TOKEN}")
    display.wait_for_selector("#conn:not(.stale)", timeout=WAIT_MS)
    central.stop()
    display.wait_for_selector("body.stale", timeout=WAIT_MS)
    assert "Mất kết nối" in display.inner_text("#conn")
    central.start()
    _issue(http, "stale-0001-key", "tu-phap", "vi")
    http.post(
        "/api/v1/counters/Q1/call-next", headers={"Authorization": f"Bearer {COUNTER_TOKENS['Q1']}"}
    )
    display.wait_for_selector("body:not(.stale) #current td:text('A001')", timeout=WAIT_MS + 5000)
    _announced(display, ["A001@Q1"])
    time.sleep(0)  # nothing else: the page did it all by itself


def test_wrong_display_token_is_refused(central: CentralProcess, browser: Any) -> None:
    page = browser.new_page()
    answer = page.goto(f"{central.url}/display/?token=not-the-token-000000")
    assert answer is not None and answer.status == 403
    assert "Mã màn hình không đúng" in page.inner_text("main")
