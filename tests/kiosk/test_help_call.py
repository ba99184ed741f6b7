"""The kiosk's "call staff" against the real central app: the request reaches central, an
officer takes it from a counter, and the kiosk learns which counter is coming."""

from __future__ import annotations

import asyncio

import httpx
from kiosk_testkit import TOKENS

from kiosk.help_call import HelpCall, HelpStatus
from kiosk.tickets.client import CentralClient

Q1 = {"Authorization": "Bearer sim-counter-Q1-token-0000"}


async def test_help_is_sent_then_taken_by_a_counter(asgi_transport: httpx.ASGITransport) -> None:
    client = CentralClient("http://central", TOKENS["K1"], transport=asgi_transport)
    officer = httpx.AsyncClient(transport=asgi_transport, base_url="http://central", headers=Q1)
    seen: list[HelpStatus] = []
    call = HelpCall(client, seen.append, poll_s=0.05)
    following = asyncio.create_task(call.run("choose_service", "en", None, lambda: True))
    while call.request_id is None:
        await asyncio.sleep(0.01)
    assert seen == [HelpStatus("sent")]  # told the citizen: staff were told, please wait
    listed = (await officer.get("/api/v1/help-requests")).json()["help_requests"]
    assert [(r["kiosk_id"], r["screen"], r["language"]) for r in listed] == [
        ("K1", "choose_service", "en")
    ]
    taken = await officer.post(f"/api/v1/help-requests/{call.request_id}/take")
    assert taken.status_code == 200
    final = await asyncio.wait_for(following, 5)
    assert final == HelpStatus("taken", "Quầy 1")
    assert seen == [HelpStatus("sent"), HelpStatus("taken", "Quầy 1")]
    await officer.aclose()
    await client.close()


async def test_unreachable_central_is_told_honestly() -> None:
    client = CentralClient("http://127.0.0.1:9", TOKENS["K1"], connect_timeout_s=0.2)
    seen: list[HelpStatus] = []
    call = HelpCall(client, seen.append, retry_s=0.01)
    final = await call.run("menu", "vi", None, lambda: True)
    assert final == HelpStatus("failed") and seen == [HelpStatus("failed")]
    assert call.request_id is None
    await client.close()


async def test_following_stops_when_the_citizen_leaves(
    asgi_transport: httpx.ASGITransport,
) -> None:
    client = CentralClient("http://central", TOKENS["K2"], transport=asgi_transport)
    here = [True]
    call = HelpCall(client, lambda _s: None, poll_s=0.02)
    following = asyncio.create_task(call.run("menu", "ko", None, lambda: here[0]))
    await asyncio.sleep(0.1)
    here[0] = False  # back to the attract screen: nobody to tell any more
    assert await asyncio.wait_for(following, 5) == HelpStatus("sent")
    await client.close()
