"""Ticket numbering per service per LOCAL day, idempotency and offline replay."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
from central_testkit import AppFactory, SettableClock, issue, kiosk_headers


async def test_numbers_count_up_per_service(client: httpx.AsyncClient) -> None:
    numbers = [(await issue(client))["number"] for _ in range(3)]
    land = await issue(client, "dat-dai")
    assert numbers == ["A001", "A002", "A003"]
    assert land["number"] == "D001"
    assert land["local_day"] == "2026-11-23"


async def test_local_day_not_utc_day(client: httpx.AsyncClient, clock: SettableClock) -> None:
    clock.moment = datetime(2026, 11, 22, 23, 59, tzinfo=UTC)  # 06:59 local, 23 Nov
    early = await issue(client)
    clock.moment = datetime(2026, 11, 23, 0, 1, tzinfo=UTC)  # 07:01 local: UTC day changed
    later = await issue(client)
    clock.moment = datetime(2026, 11, 23, 16, 59, tzinfo=UTC)  # 23:59 local
    last = await issue(client)
    clock.moment = datetime(2026, 11, 23, 17, 1, tzinfo=UTC)  # 00:01 local, 24 Nov
    next_day = await issue(client)
    assert [early["number"], later["number"], last["number"]] == ["A001", "A002", "A003"]
    assert early["local_day"] == later["local_day"] == last["local_day"] == "2026-11-23"
    assert early["issued_at"] == "2026-11-23T06:59:00+07:00"
    assert (next_day["number"], next_day["local_day"]) == ("A001", "2026-11-24")
    assert next_day["people_ahead"] == 0  # yesterday's queue is not today's


async def test_replay_same_body_returns_same_ticket(client: httpx.AsyncClient) -> None:
    first = await issue(client, key="same-key-0001", language="en")
    again = await issue(client, key="same-key-0001", language="en", expect=200)
    assert again["id"] == first["id"] and again["number"] == "A001"
    assert (await issue(client))["number"] == "A002"  # the replay consumed no number


async def test_replay_different_body_conflicts(client: httpx.AsyncClient) -> None:
    await issue(client, key="same-key-0002")
    response = await client.post(
        "/api/v1/tickets",
        headers=kiosk_headers(),
        json={"idempotency_key": "same-key-0002", "service": "dat-dai"},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency-conflict"


async def test_offline_ticket_keeps_number_and_queue_position(
    client: httpx.AsyncClient, clock: SettableClock
) -> None:
    first = await issue(client)  # 08:00 local
    clock.advance(minutes=30)
    await issue(client)  # 08:30
    offline = {"number": "K1-A007", "issued_at": "2026-11-23T08:10:00+07:00"}
    replayed = await issue(client, key="offline-key-1", offline=offline)
    assert replayed["number"] == "K1-A007" and replayed["offline_number"] == "K1-A007"
    assert replayed["people_ahead"] == 1  # behind the 08:00 ticket, ahead of the 08:30 one
    assert replayed["issued_at"] == "2026-11-23T08:10:00+07:00"
    again = await issue(client, key="offline-key-1", offline=offline, expect=200)
    assert again["id"] == replayed["id"]
    later = await client.get(f"/api/v1/tickets/{first['id']}", headers=kiosk_headers())
    assert later.json()["people_ahead"] == 0
    assert (await issue(client))["people_ahead"] == 3


async def test_offline_replay_of_ticket_served_online_is_one_ticket(
    client: httpx.AsyncClient,
) -> None:
    online = await issue(client, key="timed-out-key")
    offline = {"number": "K1-A001", "issued_at": "2026-11-23T08:00:01+07:00"}
    replay = await issue(client, key="timed-out-key", offline=offline, expect=200)
    assert replay["id"] == online["id"]
    assert (replay["number"], replay["offline_number"]) == ("A001", "K1-A001")
    assert (await issue(client))["people_ahead"] == 1


async def test_offline_number_outside_kiosk_range_rejected(client: httpx.AsyncClient) -> None:
    # another kiosk's range is forbidden (403: the token decides); a number that is no
    # kiosk's, or has another service's letters, is bad input (422)
    for number, status, code in (
        ("K2-A001", 403, "forbidden"),
        ("K1-D001", 422, "bad-request"),
        ("A001", 422, "bad-request"),
    ):
        response = await client.post(
            "/api/v1/tickets",
            headers=kiosk_headers(),
            json={
                "idempotency_key": f"bad-offline-{number}",
                "service": "tu-phap",
                "offline": {"number": number, "issued_at": "2026-11-23T08:00:00+07:00"},
            },
        )
        assert response.status_code == status, number
        assert response.json()["error"]["code"] == code


async def test_same_offline_number_twice_is_a_conflict(client: httpx.AsyncClient) -> None:
    offline = {"number": "K1-A002", "issued_at": "2026-11-23T07:30:00+07:00"}
    await issue(client, key="offline-a", offline=offline)
    response = await client.post(
        "/api/v1/tickets",
        headers=kiosk_headers(),
        json={"idempotency_key": "offline-b", "service": "tu-phap", "offline": offline},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate-number"


async def test_worker_thread_mode_numbers_concurrent_requests(make_app: AppFactory) -> None:
    app = make_app(sqlite_in_event_loop=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://c") as http:
        tickets = await asyncio.gather(*(issue(http) for _ in range(30)))
    assert sorted(t["number"] for t in tickets) == [f"A{i:03d}" for i in range(1, 31)]


async def test_offline_clock_ahead_neither_jumps_queue_nor_changes_day(
    client: httpx.AsyncClient, clock: SettableClock
) -> None:
    clock.moment = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 23:00 local
    first = await issue(client)
    ahead = {"number": "K1-A001", "issued_at": "2026-11-24T01:00:00+07:00"}  # kiosk 2 h fast
    offline = await issue(client, key="fast-clock-key", offline=ahead)
    assert (offline["local_day"], offline["people_ahead"]) == ("2026-11-23", 1)
    assert offline["issued_at"] == "2026-11-24T01:00:00+07:00"  # as printed
    assert first["people_ahead"] == 0
