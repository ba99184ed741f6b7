"""The pages through the real app in-process (SQLite and PostgreSQL): sign-in, sessions
that expire, CSRF, the rating rules, the report's figures, the spoken sentences and the
catalogues. The live parts (server-sent events, sound, keyboard) run in tests/browser."""

from __future__ import annotations

import re
import wave
from datetime import timedelta
from io import BytesIO
from typing import Any

import httpx
import pytest
from central_testkit import COUNTER_TOKENS, KIOSK_TOKEN, AppFactory, SettableClock

from central.announce import Announcer, chime_wav, say_counter, sentences, spell_number
from central.pages.i18n import check_catalogues

DISPLAY = "display-token-0000000"
MANAGER = "manager-token-00000000"
FORM = {"content-type": "application/x-www-form-urlencoded"}
KIOSK = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
Q1 = {"Authorization": f"Bearer {COUNTER_TOKENS['Q1']}"}


@pytest.fixture
async def pages(make_app: AppFactory) -> Any:
    """A client on an app with display and manager tokens and a PIN for Q1."""
    from central_testkit import settings_dict

    counters = settings_dict("sqlite://")["counters"]
    counters[0] = {**counters[0], "pin": "2468"}
    app = make_app(
        counters=counters,
        pages={"display_tokens": [DISPLAY], "manager_tokens": [MANAGER], "session_minutes": 10},
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://central.test", timeout=10
    ) as http:
        yield http


async def _sign_in(http: httpx.AsyncClient, counter: str, secret: str) -> httpx.Response:
    return await http.post(
        "/counter/sign-in", content=f"counter={counter}&secret={secret}&lang=vi", headers=FORM
    )


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF field on the counter page"
    return found.group(1)


async def _issue(http: httpx.AsyncClient, key: str, language: str = "vi") -> dict[str, Any]:
    answer = await http.post(
        "/api/v1/tickets",
        json={"idempotency_key": key, "service": "tu-phap", "language": language},
        headers=KIOSK,
    )
    body: dict[str, Any] = answer.json()
    return body


async def test_sign_in_with_pin_or_token_act_and_expire(
    pages: httpx.AsyncClient, clock: SettableClock
) -> None:
    await _issue(pages, "pages-0001")
    assert (await _sign_in(pages, "Q1", "1111")).status_code == 401
    assert (await _sign_in(pages, "Q2", "2468")).status_code == 401  # Q1's PIN is not Q2's
    assert (await _sign_in(pages, "Q9", "2468")).status_code == 401
    signed = await _sign_in(pages, "Q1", "2468")
    assert signed.status_code == 303 and "central_session" in signed.headers["set-cookie"]
    assert "httponly" in signed.headers["set-cookie"].lower()
    page = (await pages.get("/counter/")).text
    assert "A001" in page and "Quầy 1" in page

    # an action without the session's CSRF token does nothing
    await pages.post("/counter/act", content="action=call-next&csrf=forged", headers=FORM)
    assert "A001" in (await pages.get("/counter/")).text.split('id="line"')[1]
    done = await pages.post(
        "/counter/act", content=f"action=call-next&csrf={_csrf(page)}", headers=FORM
    )
    assert done.status_code == 303 and "ok=call-next" in done.headers["location"]
    page = (await pages.get(done.headers["location"])).text
    assert "Đã gọi số A001" in page and 'id="current-number">A001' in page

    nothing = await pages.post(
        "/counter/act", content=f"action=call-next&csrf={_csrf(page)}", headers=FORM
    )
    assert "error=no-ticket-waiting" in nothing.headers["location"]
    assert "Không có số nào đang chờ" in (await pages.get(nothing.headers["location"])).text

    clock.moment += timedelta(minutes=11)  # idle longer than session_minutes
    assert 'name="secret"' in (await pages.get("/counter/")).text  # the sign-in form again
    assert (await pages.get("/counter/panel")).status_code == 401

    # the token of the counter signs in too
    assert (await _sign_in(pages, "Q1", COUNTER_TOKENS["Q1"])).status_code == 303


async def test_wrong_pins_lock_the_counter_for_a_while(pages: httpx.AsyncClient) -> None:
    for _ in range(5):
        assert (await _sign_in(pages, "Q2", "0000")).status_code == 401
    locked = await _sign_in(pages, "Q2", COUNTER_TOKENS["Q2"])
    assert locked.status_code == 401 and "Nhập sai quá nhiều lần" in locked.text


async def test_display_and_tablet_need_their_token(pages: httpx.AsyncClient) -> None:
    assert (await pages.get("/display/")).status_code == 403
    assert (await pages.get("/display/?token=wrong-token-000000000")).status_code == 403
    assert (await pages.get(f"/display/?token={DISPLAY}")).status_code == 200
    assert (await pages.get("/rate/Q1?token=nope")).status_code == 403
    assert (await pages.get(f"/rate/Q7?token={DISPLAY}")).status_code == 404
    english = await pages.get(f"/display/?token={DISPLAY}&lang=en")
    assert "Now calling" in english.text and 'lang="en"' in english.text
    bad_speech = await pages.get(
        f"/display/speech.wav?token={DISPLAY}&number=A001;rm%20-rf&counter=Q1"
    )
    assert bad_speech.status_code == 404


async def test_tablet_rates_only_the_ticket_just_completed_once(
    pages: httpx.AsyncClient, clock: SettableClock
) -> None:
    ticket = await _issue(pages, "pages-0002", "ko")
    rate_url = f"/rate/Q1?token={DISPLAY}"
    early = await pages.post(rate_url, json={"ticket_id": ticket["id"], "score": 5})
    assert early.status_code == 409  # not served yet: nothing to rate
    await pages.post("/api/v1/counters/Q1/call-next", headers=Q1)
    await pages.post(f"/api/v1/tickets/{ticket['id']}/start", headers=Q1)
    await pages.post(f"/api/v1/tickets/{ticket['id']}/complete", headers=Q1)
    at_q2 = await pages.post(
        f"/rate/Q2?token={DISPLAY}", json={"ticket_id": ticket["id"], "score": 1}
    )
    assert at_q2.status_code == 409  # another counter's tablet cannot rate it
    for garbage in (b"{", b"[]", b'{"ticket_id": "x"}', b'{"ticket_id": "x", "score": 9}'):
        assert (await pages.post(rate_url, content=garbage)).status_code in (409, 422)
    rated = await pages.post(rate_url, json={"ticket_id": ticket["id"], "score": 4})
    assert rated.status_code == 201
    again = await pages.post(rate_url, json={"ticket_id": ticket["id"], "score": 4})
    assert again.status_code == 409  # once per ticket

    # the month's report counts it for the counter and for the service
    assert "secret" in (await pages.get("/reports/ratings")).text
    wrong = await pages.post("/reports/sign-in", content="secret=nope", headers=FORM)
    assert wrong.status_code == 401
    await pages.post("/reports/sign-in", content=f"secret={MANAGER}", headers=FORM)
    report = (await pages.get("/reports/ratings?month=2026-11&lang=en")).text
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td><td>([\d.]+)</td>", report)
    assert rows == [("Quầy 1", "1", "4.00"), ("Justice", "1", "4.00")]
    other_month = (await pages.get("/reports/ratings?month=2026-10&lang=en")).text
    assert "No ratings this month" in other_month


async def test_the_rating_window_closes(pages: httpx.AsyncClient, clock: SettableClock) -> None:
    ticket = await _issue(pages, "pages-0003")
    await pages.post("/api/v1/counters/Q1/call-next", headers=Q1)
    await pages.post(f"/api/v1/tickets/{ticket['id']}/start", headers=Q1)
    await pages.post(f"/api/v1/tickets/{ticket['id']}/complete", headers=Q1)
    clock.moment += timedelta(seconds=301)
    late = await pages.post(
        f"/rate/Q1?token={DISPLAY}", json={"ticket_id": ticket["id"], "score": 2}
    )
    assert late.status_code == 409


async def test_help_requests_on_the_counter_page(pages: httpx.AsyncClient) -> None:
    created = await pages.post(
        "/api/v1/help-requests",
        json={"idempotency_key": "pages-help-1", "screen": "booking", "language": "en"},
        headers=KIOSK,
    )
    await _sign_in(pages, "Q1", "2468")
    page = (await pages.get("/counter/")).text
    assert "Ki-ốt K1" in page and "đang dùng lịch hẹn" in page
    request_id = created.json()["id"]
    answer = await pages.post(
        "/counter/help",
        content=f"action=take&request_id={request_id}&csrf={_csrf(page)}",
        headers=FORM,
    )
    assert "ok=help-take" in answer.headers["location"]
    state = await pages.get(f"/api/v1/help-requests/{request_id}", headers=KIOSK)
    assert state.json()["status"] == "taken" and state.json()["taken_by"] == "Q1"


def test_calls_are_said_digit_by_digit_as_the_kiosk_does() -> None:
    assert spell_number("A012", "vi") == "A, không, một, hai"
    assert spell_number("K1-B007", "en") == "K 1, B, zero, zero, seven"
    assert say_counter("Quầy 10", "vi") == "Quầy mười"
    assert say_counter("Quầy 21", "vi") == "Quầy hai mươi mốt"
    assert say_counter("Quầy 15", "vi") == "Quầy mười lăm"
    assert say_counter("Counter 3", "en") == "Counter 3"
    said = sentences("A012", "Quầy 3", "ko")
    assert said[0] == ("vi", "Mời số A, không, một, hai, đến Quầy ba.")
    assert said[1][0] == "ko" and "공, 일, 이" in said[1][1]
    assert [lang for lang, _ in sentences("A012", "Quầy 3", "vi")] == ["vi"]


async def test_espeak_ng_makes_one_wav_per_call() -> None:
    announcer = Announcer()
    if announcer.program is None:
        pytest.skip("espeak-ng not installed")
    vi_only = await announcer.call_wav("A012", "Quầy 3", "vi")
    with_english = await announcer.call_wav("A012", "Quầy 3", "en")
    with wave.open(BytesIO(vi_only)) as a, wave.open(BytesIO(with_english)) as b:
        assert a.getnframes() > a.getframerate()  # more than a second of speech
        assert b.getnframes() > a.getnframes() + b.getframerate()  # plus the English sentence
    with wave.open(BytesIO(chime_wav())) as chime:
        assert 0.5 < chime.getnframes() / chime.getframerate() < 2


def test_every_text_exists_in_vi_en_and_ko() -> None:
    assert check_catalogues() == []
