"""Counter flow, priority policies, people ahead and the wait estimate."""

from __future__ import annotations

from typing import Any

import httpx
from central_testkit import AppFactory, SettableClock, counter_headers, issue, kiosk_headers


async def _counter(
    http: httpx.AsyncClient, action: str, counter: str = "Q1", expect: int = 200
) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/counters/{counter}/{action}", headers=counter_headers(counter)
    )
    assert response.status_code == expect, response.text
    body: dict[str, Any] = response.json()
    return body


async def _ticket(
    http: httpx.AsyncClient, ticket_id: str, action: str, counter: str = "Q1", expect: int = 200
) -> dict[str, Any]:
    response = await http.post(
        f"/api/v1/tickets/{ticket_id}/{action}", headers=counter_headers(counter)
    )
    assert response.status_code == expect, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_full_counter_flow(client: httpx.AsyncClient) -> None:
    first = await issue(client)
    second = await issue(client)
    called = await _counter(client, "call-next")
    assert (called["id"], called["status"], called["called_counter"]) == (
        first["id"],
        "called",
        "Q1",
    )
    recalled = await _counter(client, "recall")
    assert recalled["id"] == first["id"]
    assert (await _ticket(client, first["id"], "start"))["status"] == "serving"
    assert (await _ticket(client, first["id"], "complete"))["status"] == "done"
    nxt = await _counter(client, "call-next", "Q2")
    assert nxt["id"] == second["id"]
    assert (await _ticket(client, second["id"], "no-show", "Q2"))["status"] == "no_show"
    empty = await _counter(client, "call-next", expect=404)
    assert empty["error"]["code"] == "no-ticket-waiting"


async def test_invalid_transitions_are_409(client: httpx.AsyncClient) -> None:
    ticket = await issue(client)
    for action in ("start", "complete", "no-show"):
        body = await _ticket(client, ticket["id"], action, expect=409)
        assert body["error"]["code"] == "invalid-state"
    await _counter(client, "call-next")
    await _ticket(client, ticket["id"], "start", "Q2", expect=409)  # called at Q1, not Q2
    await _ticket(client, ticket["id"], "complete", expect=409)  # not started yet
    await _ticket(client, ticket["id"], "start")
    assert (await _counter(client, "recall", expect=409))["error"]["code"] == "invalid-state"
    assert (await _ticket(client, "no-such-id", "start", expect=404))["error"]["code"] == (
        "unknown-ticket"
    )


async def test_counter_calls_only_its_services(client: httpx.AsyncClient) -> None:
    await issue(client, "tu-phap")
    land = await issue(client, "dat-dai")
    assert (await _counter(client, "call-next", "Q3"))["id"] == land["id"]
    await _counter(client, "call-next", "Q3", expect=404)


async def test_strict_priority_goes_first(client: httpx.AsyncClient) -> None:
    regular = [await issue(client) for _ in range(3)]
    elderly = await issue(client, priority="elderly")
    assert elderly["people_ahead"] == 0
    fresh = await client.get(f"/api/v1/tickets/{regular[0]['id']}", headers=kiosk_headers())
    assert fresh.json()["people_ahead"] == 1
    order = [(await _counter(client, "call-next"))["id"] for _ in range(4)]
    assert order == [elderly["id"]] + [t["id"] for t in regular]


async def test_interleaved_one_priority_after_every_n(
    make_app: AppFactory, clock: SettableClock
) -> None:
    app = make_app(priority={"policy": "interleaved", "every_n": 2})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://c") as http:
        regular = [await issue(http) for _ in range(5)]
        prio = [await issue(http, priority="pregnant") for _ in range(2)]
        # call order: R0 R1 P0 R2 R3 P1 R4  ->  P0 has 2 ahead, P1 has 5, R4 has 6
        assert [p["people_ahead"] for p in prio] == [2, 5]
        fresh = await http.get(f"/api/v1/tickets/{regular[4]['id']}", headers=kiosk_headers())
        assert fresh.json()["people_ahead"] == 6
        order = [(await _counter(http, "call-next"))["id"] for _ in range(7)]
    expected = [regular[0], regular[1], prio[0], regular[2], regular[3], prio[1], regular[4]]
    assert order == [t["id"] for t in expected]


async def test_wait_uses_default_then_measured_service_time(
    client: httpx.AsyncClient, clock: SettableClock
) -> None:
    served = await issue(client)
    await issue(client)
    third = await issue(client)
    # 2 ahead x 300 s default / 2 counters serving tu-phap
    assert (third["people_ahead"], third["estimated_wait_s"]) == (2, 300)
    await _counter(client, "call-next")
    await _ticket(client, served["id"], "start")
    clock.advance(seconds=120)
    await _ticket(client, served["id"], "complete")
    fresh = (await client.get(f"/api/v1/tickets/{third['id']}", headers=kiosk_headers())).json()
    # 1 ahead x 120 s measured / 2 counters
    assert (fresh["people_ahead"], fresh["estimated_wait_s"]) == (1, 60)
    land = await issue(client, "dat-dai")
    land2 = await issue(client, "dat-dai")
    assert (land["estimated_wait_s"], land2["estimated_wait_s"]) == (0, 600)
