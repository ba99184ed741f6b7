"""Help requests and transfers through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
from central_testkit import COUNTER_TOKENS, KIOSK2_TOKEN, KIOSK_TOKEN

KIOSK = {"Authorization": f"Bearer {KIOSK_TOKEN}"}
KIOSK2 = {"Authorization": f"Bearer {KIOSK2_TOKEN}"}
Q = {code: {"Authorization": f"Bearer {token}"} for code, token in COUNTER_TOKENS.items()}


async def _help(
    client: httpx.AsyncClient, key: str = "help-key-0001", **body: object
) -> httpx.Response:
    return await client.post(
        "/api/v1/help-requests", json={"idempotency_key": key, **body}, headers=KIOSK
    )


async def test_a_citizen_calls_staff_and_a_counter_takes_and_closes(
    client: httpx.AsyncClient,
) -> None:
    created = await _help(client, screen="choose_service", language="en")
    assert created.status_code == 201
    request = created.json()
    assert request["status"] == "open" and request["kiosk_id"] == "K1"
    assert request["screen"] == "choose_service" and request["language"] == "en"

    listed = (await client.get("/api/v1/help-requests", headers=Q["Q1"])).json()
    assert [r["id"] for r in listed["help_requests"]] == [request["id"]]

    taken = await client.post(f"/api/v1/help-requests/{request['id']}/take", headers=Q["Q1"])
    assert taken.status_code == 200
    assert taken.json()["taken_by"] == "Q1" and taken.json()["taken_by_name"] == "Quầy 1"

    seen_by_kiosk = await client.get(f"/api/v1/help-requests/{request['id']}", headers=KIOSK)
    assert seen_by_kiosk.json()["status"] == "taken"

    other = await client.post(f"/api/v1/help-requests/{request['id']}/take", headers=Q["Q2"])
    assert other.status_code == 409 and other.json()["error"]["code"] == "invalid-state"
    assert (
        await client.post(f"/api/v1/help-requests/{request['id']}/close", headers=Q["Q2"])
    ).status_code == 409

    closed = await client.post(f"/api/v1/help-requests/{request['id']}/close", headers=Q["Q1"])
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert (await client.get("/api/v1/help-requests", headers=Q["Q1"])).json() == {
        "help_requests": []
    }


async def test_replay_conflict_and_who_may_see_a_request(client: httpx.AsyncClient) -> None:
    first = await _help(client, screen="menu")
    again = await _help(client, screen="menu")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = await _help(client, screen="booking")
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "idempotency-conflict"

    request_id = first.json()["id"]
    assert (
        await client.get(f"/api/v1/help-requests/{request_id}", headers=KIOSK2)
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/help-requests/{request_id}", headers=Q["Q3"])
    ).status_code == 200
    assert (await client.get("/api/v1/help-requests", headers=KIOSK)).status_code == 403
    assert (
        await client.post(f"/api/v1/help-requests/{request_id}/take", headers=KIOSK)
    ).status_code == 403
    assert (
        await client.post("/api/v1/help-requests", json={"idempotency_key": "x"}, headers=Q["Q1"])
    ).status_code in (403, 422)
    missing = await client.post("/api/v1/help-requests/nope/take", headers=Q["Q1"])
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown-help-request"


async def test_garbage_help_requests_are_refused_cleanly(client: httpx.AsyncClient) -> None:
    for body in (
        b"\xff\xfe",
        b"[]",
        b'{"idempotency_key": "short"}',
        b'{"idempotency_key": "help-key-0009", "screen": "<script>"}',
        b'{"idempotency_key": "help-key-0009", "extra": 1}',
    ):
        answer = await client.post(
            "/api/v1/help-requests",
            content=body,
            headers={**KIOSK, "content-type": "application/json"},
        )
        assert answer.status_code == 422, body
        assert answer.json()["error"]["code"] == "bad-request"


async def _ticket(
    client: httpx.AsyncClient, key: str, service: str = "tu-phap"
) -> dict[str, object]:
    answer = await client.post(
        "/api/v1/tickets", json={"idempotency_key": key, "service": service}, headers=KIOSK
    )
    assert answer.status_code == 201
    body: dict[str, object] = answer.json()
    return body


async def test_transfer_keeps_number_and_place_in_the_new_queue(client: httpx.AsyncClient) -> None:
    early = await _ticket(client, "ticket-0001")  # A001
    await _ticket(client, "ticket-0002", "dat-dai")  # D001, issued after A001
    called = (await client.post("/api/v1/counters/Q1/call-next", headers=Q["Q1"])).json()
    assert called["id"] == early["id"]

    wrong_counter = await client.post(
        f"/api/v1/tickets/{early['id']}/transfer", json={"service": "dat-dai"}, headers=Q["Q2"]
    )
    assert wrong_counter.status_code == 409
    unknown = await client.post(
        f"/api/v1/tickets/{early['id']}/transfer", json={"service": "nope"}, headers=Q["Q1"]
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown-service"

    moved = await client.post(
        f"/api/v1/tickets/{early['id']}/transfer", json={"service": "dat-dai"}, headers=Q["Q1"]
    )
    assert moved.status_code == 200
    body = moved.json()
    assert body["number"] == "A001" and body["service"] == "dat-dai"
    assert body["status"] == "waiting" and body["called_counter"] is None
    assert body["people_ahead"] == 0  # issued before D001: it keeps its place
    # the land counter calls it first, under its old number
    at_q3 = (await client.post("/api/v1/counters/Q3/call-next", headers=Q["Q3"])).json()
    assert at_q3["number"] == "A001"
    # the next land ticket still gets its own sequence number
    later = await _ticket(client, "ticket-0003", "dat-dai")
    assert later["number"] == "D002"
