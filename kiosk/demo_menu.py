"""The demo's screen tour of the path to a number: the menu with the fields, "more fields"
and its pages when the menu has no room, "I have priority", and the ticket, in normal and
in large text. Split from kiosk.demo to keep it small."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)


async def tour(demo: HeadlessDemo, shot: Any, language: str) -> None:
    """From the menu in ``language`` to a ticket twice (normal, large text); at the
    attract screen afterwards."""
    flow = demo.daemon.flow
    for suffix in ("", "-large-text"):  # the path to a number, then in large text
        large = bool(suffix)
        if large:
            await demo._tap("start", language)
            await demo._wait_state("menu")
            await demo._tap("large_text")
            shot(language, f"menu{suffix}")
        if demo.daemon.screen.target_centre("take_ticket"):  # "more fields"
            await demo._tap("take_ticket")
            await demo._wait_state("choose_service")
            page = 1
            shot(language, f"services-page{page}{suffix}")
            while demo.daemon.screen.target_centre("page_next"):
                await demo._tap("page_next")
                page += 1
                shot(language, f"services-page{page}{suffix}")
            await demo._tap("back")
            await demo._wait_state("menu")
        if demo.daemon.screen.target_centre("ask_priority"):
            await demo._tap("ask_priority")
            await demo._wait_state("choose_priority")
            shot(language, f"priority{suffix}")
            await demo._tap("priority", "elderly")
            await demo._wait_state("menu")
            shot(language, f"menu-priority-chosen{suffix}")
        await demo._tap_service(demo.daemon.catalogue.services[0].code)
        await demo._wait_state("ticket_ready")
        while flow.visit.ticket is not None and flow.visit.ticket.printing:
            await asyncio.sleep(0.01)
        shot(language, f"ticket{suffix}")
        await demo._tap("done")
        await demo._wait_state("idle")
