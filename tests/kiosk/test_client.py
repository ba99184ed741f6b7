"""The kiosk's central client against the real central app, and against bad servers."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from kiosk_testkit import TOKENS

from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import CentralProtocolError, CentralRejected, CentralUnavailable


def _body(service: str = "tu-phap", key: str | None = None, **extra: object) -> dict[str, object]:
    return {
        "idempotency_key": key or uuid.uuid4().hex,
        "service": service,
        "language": "vi",
        "priority": None,
        "offline": None,
        **extra,
    }


async def test_services_and_tickets_in_process(asgi_transport: httpx.ASGITransport) -> None:
    client = CentralClient("http://central", TOKENS["K1"], transport=asgi_transport)
    services = await client.services()
    codes = [s.code for s in services.services]
    assert "tu-phap" in codes and "xuat-nhap-canh" in codes
    assert {c.code for c in services.priority_categories} >= {"elderly", "disability"}
    first = await client.create_ticket(_body())
    second = await client.create_ticket(_body())
    assert (first.number, second.number) == ("A001", "A002")
    assert second.people_ahead == 1
    assert second.status_url.endswith(second.public_id)
    await client.close()


async def test_replay_is_idempotent_and_bad_requests_are_rejected(
    asgi_transport: httpx.ASGITransport,
) -> None:
    client = CentralClient("http://central", TOKENS["K1"], transport=asgi_transport)
    body = _body()
    first = await client.create_ticket(body)
    again = await client.create_ticket(body)
    assert again.id == first.id and again.number == first.number
    with pytest.raises(CentralRejected) as caught:
        await client.create_ticket(_body(service="no-such-service"))
    assert caught.value.code == "unknown-service" and caught.value.status == 422
    intruder = CentralClient("http://central", "not-a-real-token", transport=asgi_transport)
    with pytest.raises(CentralRejected) as caught:
        await intruder.services()
    assert caught.value.status == 401
    await client.close()
    await intruder.close()


async def test_over_loopback(loopback_central) -> None:  # type: ignore[no-untyped-def]
    client = CentralClient(loopback_central.url, TOKENS["K2"])
    assert (await client.health())["status"] == "ok"
    ticket = await client.create_ticket(_body("dat-dai"))
    assert ticket.number == "D001"
    assert (await client.get_ticket(ticket.id)).number == "D001"
    await client.close()


def _server(status: int, content: bytes, delay_s: float = 0.0) -> httpx.MockTransport:
    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(delay_s)
        return httpx.Response(status, content=content, headers={"content-type": "application/json"})

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(
    ("status", "content", "error"),
    [
        (200, b"\x00\xff garbage", CentralProtocolError),
        (200, b'{"number": 12}', CentralProtocolError),
        (
            200,
            b'{"id": "x", "public_id": "abcdefgh", "number": "A 1; rm -rf", "service": "s",'
            b' "status": "waiting", "people_ahead": 0, "estimated_wait_s": 0,'
            b' "issued_at": "2026-11-23T08:00:00+07:00", "local_day": "2026-11-23",'
            b' "status_url": "http://x"}',
            CentralProtocolError,
        ),
        (502, b"<html>Bad gateway</html>", CentralUnavailable),
        (503, b"", CentralUnavailable),
        (404, b"<html>not found</html>", CentralProtocolError),
        (418, b'{"detail": "teapot"}', CentralProtocolError),
    ],
)
async def test_garbage_from_central_is_a_clear_error(
    status: int, content: bytes, error: type[Exception]
) -> None:
    client = CentralClient("http://central", TOKENS["K1"], transport=_server(status, content))
    with pytest.raises(error) as caught:
        await client.create_ticket(_body())
    assert str(caught.value)
    await client.close()


async def test_connection_refused_is_unavailable() -> None:
    from kiosk.embedded_central import free_port

    client = CentralClient(f"http://127.0.0.1:{free_port()}", TOKENS["K1"])
    with pytest.raises(CentralUnavailable):
        await client.services()
    await client.close()
