"""Authentication, and that every bad input is a clear JSON error (never a 500)."""

from __future__ import annotations

import httpx
import pytest
from central_testkit import KIOSK_TOKEN, counter_headers, issue, kiosk_headers


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-000000"},
        {"Authorization": KIOSK_TOKEN},
        {"Authorization": "Basic " + KIOSK_TOKEN},
        {"Authorization": "Bearer "},
    ],
)
async def test_missing_or_wrong_token_is_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/tickets",
        headers=headers,
        json={"idempotency_key": "k-00000001", "service": "tu-phap"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_wrong_kind_of_token_is_403(client: httpx.AsyncClient) -> None:
    as_counter = await client.post(
        "/api/v1/tickets",
        headers=counter_headers("Q1"),
        json={"idempotency_key": "k-00000001", "service": "tu-phap"},
    )
    as_kiosk = await client.post("/api/v1/counters/Q1/call-next", headers=kiosk_headers())
    other_counter = await client.post(
        "/api/v1/counters/Q2/call-next", headers=counter_headers("Q1")
    )
    for response in (as_counter, as_kiosk, other_counter):
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


async def test_open_endpoints_need_no_token(client: httpx.AsyncClient) -> None:
    health = await client.get("/api/v1/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["local_day"] == "2026-11-23"
    schema = await client.get("/openapi.json")
    assert "/api/v1/tickets" in schema.json()["paths"]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe\x00garbage",
        b"{not json",
        b"[]",
        b"null",
        b'"text"',
        b"{}",
        b'{"idempotency_key": "short", "service": "tu-phap"}',
        b'{"idempotency_key": "key-00000001", "service": "tu-phap", "extra": 1}',
        b'{"idempotency_key": "key 0000 0001", "service": "tu-phap"}',
        b'{"idempotency_key": "key-00000001", "service": "tu-phap",'
        b' "offline": {"number": "K1-A1"}}',
        b'{"idempotency_key": "key-00000001", "service": "tu-phap",'
        b' "offline": {"number": "K1-A001", "issued_at": "2026-11-23T08:00:00"}}',
    ],
)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
async def test_garbage_bodies_are_422_bad_request(
    client: httpx.AsyncClient, content: bytes, content_type: str
) -> None:
    headers = {**kiosk_headers(), "Content-Type": content_type}
    response = await client.post("/api/v1/tickets", content=content, headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "bad-request" and error["message"]


async def test_unknown_service_and_priority(client: httpx.AsyncClient) -> None:
    service = await client.post(
        "/api/v1/tickets",
        headers=kiosk_headers(),
        json={"idempotency_key": "k-00000001", "service": "nope"},
    )
    priority = await client.post(
        "/api/v1/tickets",
        headers=kiosk_headers(),
        json={"idempotency_key": "k-00000002", "service": "tu-phap", "priority": "vip"},
    )
    assert (service.status_code, service.json()["error"]["code"]) == (422, "unknown-service")
    assert (priority.status_code, priority.json()["error"]["code"]) == (422, "unknown-priority")


async def test_not_found_shapes(client: httpx.AsyncClient) -> None:
    route = await client.get("/api/v1/nothing-here", headers=kiosk_headers())
    assert (route.status_code, route.json()["error"]["code"]) == (404, "not-found")
    ticket = await client.get("/api/v1/tickets/0000", headers=kiosk_headers())
    assert (ticket.status_code, ticket.json()["error"]["code"]) == (404, "unknown-ticket")
    method = await client.delete("/api/v1/tickets", headers=kiosk_headers())
    assert (method.status_code, method.json()["error"]["code"]) == (405, "method-not-allowed")


async def test_services_listing(client: httpx.AsyncClient) -> None:
    await issue(client)
    body = (await client.get("/api/v1/services", headers=kiosk_headers())).json()
    tu_phap = body["services"][0]
    assert (tu_phap["code"], tu_phap["prefix"], tu_phap["names"]["ko"]) == ("tu-phap", "A", "사법")
    assert [c["code"] for c in tu_phap["counters"]] == ["Q1", "Q2"]
    assert [c["code"] for c in body["priority_categories"]] == ["elderly", "pregnant"]
