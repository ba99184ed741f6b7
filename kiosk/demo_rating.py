"""The demo's rating screens: a citizen shows the QR code of their ticket, first before their
turn (refused, kindly), then after a counter served it (the faces, for that number and
counter). Split from kiosk.demo to keep it small."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import qrcode

from drivers.camera.sim import SimCamera

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)


def hold_up(demo: HeadlessDemo, text: str | None) -> None:
    """Hold a QR code of ``text`` to the simulated camera (None: take it away)."""
    camera = demo.daemon.camera
    if isinstance(camera, SimCamera):
        camera.held_up = (
            None
            if text is None
            else np.asarray(
                qrcode.make(text, border=2).get_image().convert("RGB").resize((150, 150))
            )
        )


async def serve(demo: HeadlessDemo, number: str, counters: tuple[str, ...]) -> bool:
    """Call, start and complete tickets at the first of ``counters`` until ``number`` was
    served there (as the officer at that counter would)."""
    tokens = {c.code: c.token for c in demo.central.settings.counters}
    code = next((c for c in counters if c in tokens), None)
    if code is None or not demo.central.running:
        return False
    async with httpx.AsyncClient(
        base_url=demo.central.url, timeout=5.0, headers={"Authorization": f"Bearer {tokens[code]}"}
    ) as officer:
        for _ in range(50):
            called = await officer.post(f"/api/v1/counters/{code}/call-next")
            if called.status_code != 200:
                return False
            ticket = called.json()
            for action in ("start", "complete"):
                await officer.post(f"/api/v1/tickets/{ticket['id']}/{action}")
            if ticket["number"] == number:
                return True
    return False


async def _until(check: Any, timeout_s: float = 15.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def tour(demo: HeadlessDemo, shot: Any, language: str) -> None:
    """The rating screens from the menu, back at the menu afterwards."""
    flow, daemon = demo.daemon.flow, demo.daemon
    if not flow.rating_enabled() or not daemon.issued or not isinstance(daemon.camera, SimCamera):
        return
    ticket = daemon.issued[-1]
    await demo._tap("rate")
    await demo._wait_state("rating")
    shot(language, "rating-show-ticket")
    hold_up(demo, ticket.view.status_url)
    if await _until(lambda: flow.visit.error == "rate-not-served"):
        shot(language, "rating-not-served")
    hold_up(demo, None)
    if not await serve(demo, ticket.number, ticket.counter_codes):
        _LOGGER.warning("demo: could not serve %s for the rating screens", ticket.number)
    hold_up(demo, ticket.view.status_url)
    ready = await _until(lambda: flow.visit.rate_ref is not None)
    hold_up(demo, None)
    if ready:
        await demo._tap("score", 4)
        await demo._tap("reason", "fast")
        shot(language, "rating")
        await demo._tap("submit_rating")
        await demo._wait_state("rating_sent")
        shot(language, "rating-thanks")
        await demo._tap("done")
        await demo._wait_state("idle")
        await demo._tap("start", language)
    else:
        await demo._tap("back")
    await demo._wait_state("menu")
