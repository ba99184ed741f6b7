"""A citizen's rating as central takes it: the kiosk's scale spread over central's 1..5.

A kiosk may show 3, 4 or 5 faces (``features.rating_levels``); central stores 1..5 so
that every kiosk's ratings can be compared. The lowest face is 1, the highest 5, and the
ones between are spread evenly and rounded.

A rating names the ticket that was served (the citizen shows its QR code to the camera):
central finds the counter from it, and refuses a ticket not served yet or rated already.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from kiosk.events import RatingTicket
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import CentralRejected, TicketingError

_LOGGER = logging.getLogger(__name__)

#: central's scale (docs/wire-api.md, POST /api/v1/ratings)
CENTRAL_LEVELS = 5


def central_score(score: int, levels: int) -> int:
    """``score`` on a ``levels``-face scale, as central's 1..5."""
    if levels <= 1:
        return CENTRAL_LEVELS
    return round(1 + (score - 1) * (CENTRAL_LEVELS - 1) / (levels - 1))


def rating_body(
    score: int, reasons: tuple[str, ...], levels: int, ticket: str | None = None
) -> dict[str, Any]:
    """The body of ``POST /api/v1/ratings`` for one citizen's rating of the ticket
    ``ticket`` (central finds the counter that served it)."""
    return {
        "ticket_id": ticket,
        "counter": None,
        "score": central_score(score, levels),
        "reasons": list(reasons),
        "idempotency_key": uuid.uuid4().hex,
    }


async def rating_ticket(
    client: CentralClient, ref: str, catalogue: ServiceCatalogue
) -> RatingTicket:
    """What central says of the ticket ``ref`` a citizen showed to rate the service: its
    number and the name of the counter that served it, or why it cannot be rated."""
    try:
        ticket = await client.get_ticket(ref)
    except CentralRejected as exc:
        code = "unknown-ticket" if exc.status == 404 else "unavailable"
        return RatingTicket(ref, error=code)
    except TicketingError as exc:
        _LOGGER.warning("rating: could not ask central about a ticket: %s", exc)
        return RatingTicket(ref, error="unavailable")
    if ticket.status != "done" or not ticket.called_counter:
        return RatingTicket(ref, number=ticket.number, error="not-served")
    names = {c.code: c.name for s in catalogue.services for c in s.counters}
    return RatingTicket(ref, ticket.number, names.get(ticket.called_counter, ticket.called_counter))
