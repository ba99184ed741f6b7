"""Bookings (create, redeem once, wrong day) and ratings."""

from __future__ import annotations

from typing import Any

import httpx
from central_testkit import SettableClock, counter_headers, issue, kiosk_headers

from central.bookings import CODE_ALPHABET


async def _book(
    http: httpx.AsyncClient,
    day: str = "2026-11-23",
    key: str = "booking-key-1",
    expect: int = 201,
    service: str = "dat-dai",
) -> dict[str, Any]:
    response = await http.post(
        "/api/v1/bookings",
        headers=kiosk_headers(),
        json={"service": service, "date": day, "language": "en", "idempotency_key": key},
    )
    assert response.status_code == expect, response.text
    body: dict[str, Any] = response.json()
    return body


async def _redeem(http: httpx.AsyncClient, code: str, key: str, expect: int) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/bookings/{code}/redeem",
        headers=kiosk_headers(),
        json={"idempotency_key": key, "language": "en"},
    )
    assert response.status_code == expect, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_booking_code_and_replay(client: httpx.AsyncClient) -> None:
    booking = await _book(client)
    assert booking["status"] == "booked" and booking["date"] == "2026-11-23"
    assert len(booking["code"]) == 6 and set(booking["code"]) <= set(CODE_ALPHABET)
    again = await _book(client, expect=200)
    assert again["code"] == booking["code"]
    other = await _book(client, "2026-11-24", expect=409)
    assert other["error"]["code"] == "idempotency-conflict"
    assert (await _book(client, key="booking-key-2"))["code"] != booking["code"]


async def test_booking_validation(client: httpx.AsyncClient) -> None:
    assert (await _book(client, "2026-11-22", expect=409))["error"]["code"] == "booking-date-past"
    assert (await _book(client, service="x", expect=422))["error"]["code"] == "unknown-service"
    assert (await _book(client, "23/11/2026", expect=422))["error"]["code"] == "bad-request"


async def test_redeem_once(client: httpx.AsyncClient) -> None:
    code = (await _book(client))["code"]
    ticket = await _redeem(client, code, "redeem-key-1", 200)
    assert (ticket["number"], ticket["service"], ticket["language"]) == ("D001", "dat-dai", "en")
    replay = await _redeem(client, code.lower(), "redeem-key-1", 200)
    assert replay["id"] == ticket["id"]
    used = await _redeem(client, code, "redeem-key-2", 409)
    assert used["error"]["code"] == "booking-used"
    assert (await _redeem(client, "ZZZZZZ", "redeem-key-3", 404))["error"]["code"] == (
        "unknown-booking"
    )


async def test_redeem_on_wrong_day(client: httpx.AsyncClient, clock: SettableClock) -> None:
    code = (await _book(client, "2026-11-24"))["code"]
    assert (await _redeem(client, code, "redeem-key-1", 409))["error"]["code"] == (
        "booking-wrong-day"
    )
    clock.advance(days=1)
    assert (await _redeem(client, code, "redeem-key-1", 200))["local_day"] == "2026-11-24"


async def _served(client: httpx.AsyncClient, counter: str) -> dict[str, Any]:
    """A ticket called, started and completed at ``counter``."""
    called = (
        await client.post(f"/api/v1/counters/{counter}/call-next", headers=counter_headers(counter))
    ).json()
    for action in ("start", "complete"):
        answer = await client.post(
            f"/api/v1/tickets/{called['id']}/{action}", headers=counter_headers(counter)
        )
        assert answer.status_code == 200, answer.text
    return dict(called)


async def test_a_rating_names_the_served_ticket_and_so_its_counter(
    client: httpx.AsyncClient,
) -> None:
    waiting = await issue(client)
    by_qr = {"ticket_id": waiting["public_id"], "score": 4, "idempotency_key": "rating-01"}
    early = await client.post("/api/v1/ratings", headers=kiosk_headers(), json=by_qr)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "not-served"), early.text
    served = await _served(client, "Q2")
    assert served["id"] == waiting["id"]
    # the kiosk names the ticket by the public id of its QR code; central finds the counter
    rated = await client.post("/api/v1/ratings", headers=kiosk_headers(), json=by_qr)
    assert rated.status_code == 201, rated.text
    twice = await client.post(
        "/api/v1/ratings", headers=kiosk_headers(), json={**by_qr, "idempotency_key": "rating-02"}
    )
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already-rated")
    nothing = await client.post(
        "/api/v1/ratings",
        headers=kiosk_headers(),
        json={"score": 3, "idempotency_key": "rating-03"},
    )
    assert (nothing.status_code, nothing.json()["error"]["code"]) == (409, "ticket-required")
    other = await issue(client)
    await _served(client, "Q1")
    wrong = await client.post(
        "/api/v1/ratings",
        headers=kiosk_headers(),
        json={
            "ticket_id": other["id"],
            "counter": "Q3",
            "score": 2,
            "idempotency_key": "rating-04",
        },
    )
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (409, "wrong-counter")


async def test_ratings(client: httpx.AsyncClient) -> None:
    ticket = await issue(client)
    await _served(client, "Q1")
    body = {
        "ticket_id": ticket["id"],
        "counter": "Q1",
        "score": 5,
        "reasons": ["friendly"],
        "idempotency_key": "rating-key-1",
    }
    first = await client.post("/api/v1/ratings", headers=kiosk_headers(), json=body)
    assert first.status_code == 201 and first.json()["id"]
    again = await client.post("/api/v1/ratings", headers=kiosk_headers(), json=body)
    assert (again.status_code, again.json()["id"]) == (200, first.json()["id"])
    changed = await client.post(
        "/api/v1/ratings", headers=kiosk_headers(), json={**body, "score": 1}
    )
    assert changed.json()["error"]["code"] == "idempotency-conflict"
    by_counter = await client.post(  # the counter's tablet names its counter
        "/api/v1/ratings",
        headers=kiosk_headers(),
        json={"score": 3, "counter": "Q1", "idempotency_key": "rating-key-2"},
    )
    assert by_counter.status_code == 201
    for bad, code, status in (
        ({"score": 6}, "bad-request", 422),
        ({"reasons": ["x" * 33]}, "bad-request", 422),
        ({"score": 0}, "bad-request", 422),
        ({"counter": "Q99"}, "unknown-counter", 422),
        ({"ticket_id": "nope"}, "unknown-ticket", 404),
    ):
        response = await client.post(
            "/api/v1/ratings",
            headers=kiosk_headers(),
            json={**body, "idempotency_key": "rating-key-3", **bad},
        )
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), bad
