"""Every counter action in one place, for the API (counter token) and the counter page
(staff session): the change, its floor event (same transaction) and the wake-up of the
open pages (after the commit).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection

from central import help_requests
from central.assignment import set_open
from central.calling import call_next, recall, transfer, transition
from central.catalogue import Catalogue
from central.errors import BadInput
from central.floor import record
from central.sse import FloorFeed
from central.store import Store
from central.tickets import ticket_view

_LOGGER = logging.getLogger(__name__)

TICKET_ACTIONS = ("call-next", "recall", "start", "complete", "no-show", "transfer")
_EVENT = {
    "call-next": "call",
    "recall": "recall",
    "start": "start",
    "complete": "complete",
    "no-show": "no_show",
    "transfer": "transfer",
}


def _apply(
    conn: Connection,
    cat: Catalogue,
    counter: str,
    action: str,
    ticket_id: str | None,
    service: str | None,
) -> Any:
    if action == "call-next":
        return call_next(conn, cat, counter)
    if action == "recall":
        return recall(conn, cat, counter)
    if ticket_id is None:
        raise BadInput("bad-request", f"{action} needs a ticket")
    if action == "transfer":
        if service is None:
            raise BadInput("bad-request", "transfer needs a service")
        return transfer(conn, cat, counter, ticket_id, service)
    return transition(conn, cat, counter, ticket_id, action)


async def ticket_action(
    store: Store,
    cat: Catalogue,
    feed: FloorFeed,
    counter: str,
    action: str,
    *,
    ticket_id: str | None = None,
    service: str | None = None,
) -> dict[str, Any]:
    """Apply ``action`` at ``counter``; returns the wire Ticket."""

    def work(conn: Connection) -> dict[str, Any]:
        row = _apply(conn, cat, counter, action, ticket_id, service)
        record(conn, cat, _EVENT[action], row, counter)
        return ticket_view(conn, cat, row)

    if action == "call-next":
        # An officer who calls is there: the counter opens even when nobody is waiting
        # (the call's own transaction rolls back on "no ticket waiting").
        await store.run(lambda conn: set_open(conn, cat, counter, True))
    view = await store.run(work)
    feed.poke()
    return view


async def help_action(
    store: Store, cat: Catalogue, feed: FloorFeed, counter: str, action: str, request_id: str
) -> dict[str, Any]:
    """``take`` or ``close`` a help request from ``counter``; returns its wire form."""
    change = help_requests.take if action == "take" else help_requests.close

    def work(conn: Connection) -> dict[str, Any]:
        return help_requests.view(cat, change(conn, cat, request_id, counter))

    view = await store.run(work)
    feed.poke()
    return view
