"""Constants shared by the kiosk tests (the sim configs and their kiosk tokens)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CENTRAL_SIM = ROOT / "config" / "central.sim.toml"
KIOSK_SIM = ROOT / "config" / "kiosk.sim.toml"
TOKENS = {
    "K1": "sim-kiosk-K1-token-00000",
    "K2": "sim-kiosk-K2-token-00000",
    "K3": "sim-kiosk-K3-token-00000",
}


class SlowTransport(httpx.AsyncBaseTransport):
    """Forwards to the real app after a delay: central that answers, but too late.

    As over a network, the server goes on with a request the client gave up on: the
    forwarded call is shielded from the kiosk's cancellation.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, delay_s: float) -> None:
        self.inner = inner
        self.delay_s = delay_s
        self.server_side: list[asyncio.Task[httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()

        async def forward(delay_s: float) -> httpx.Response:
            await asyncio.sleep(delay_s)
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return response

        task = asyncio.ensure_future(forward(self.delay_s))
        self.server_side.append(task)
        return await asyncio.shield(task)
