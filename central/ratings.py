"""Citizen satisfaction ratings (1..5 and reasons), tied to the ticket that was served and
so to the counter that served it.

A kiosk names the ticket (the citizen showed its QR code); central finds the counter that
called it. A ticket that has not been served yet, or was rated already, is refused: the
ratings of a counter are its citizens', once each. A rating that names neither a ticket
nor a counter is refused too (``409 ticket-required``): it could not be told to anyone.
"""

from __future__ import annotations

import logging
import uuid

import orjson
from sqlalchemy import Connection, select

from central.catalogue import Catalogue, fingerprint, to_micros
from central.db import ratings
from central.errors import BadInput, Conflict
from central.schemas import RatingRequest
from central.tickets import get_ticket_ref

_LOGGER = logging.getLogger(__name__)


def add_rating(
    conn: Connection, cat: Catalogue, kiosk_id: str, req: RatingRequest
) -> tuple[str, bool]:
    """Store a rating (or recognise a replay); returns ``(rating_id, created)``."""
    if req.counter is not None and req.counter not in cat.counters:
        raise BadInput("unknown-counter", f"no counter {req.counter!r}")
    if req.ticket_id is None and req.counter is None:
        # 409, not 422: the body is valid by the schema; what is missing is a served ticket
        raise Conflict("ticket-required", "a rating names the ticket served (or the counter)")
    digest = fingerprint(req.model_dump(mode="json", exclude={"idempotency_key"}))
    existing = conn.execute(
        select(ratings.c.id, ratings.c.fingerprint).where(
            ratings.c.kiosk_id == kiosk_id, ratings.c.idempotency_key == req.idempotency_key
        )
    ).first()
    if existing is not None:
        if existing.fingerprint != digest:
            raise Conflict("idempotency-conflict", "idempotency key used with a different body")
        return str(existing.id), False
    ticket_id, counter = req.ticket_id, req.counter
    if ticket_id is not None:
        ticket = get_ticket_ref(conn, ticket_id)  # 404 unknown-ticket
        if ticket.status != "done" or not ticket.called_counter:
            raise Conflict("not-served", f"ticket {ticket.number} has not been served yet")
        if counter is not None and counter != ticket.called_counter:
            raise Conflict(
                "wrong-counter", f"ticket {ticket.number} was served at {ticket.called_counter}"
            )
        rated = conn.execute(select(ratings.c.id).where(ratings.c.ticket_id == ticket.id)).first()
        if rated is not None:
            raise Conflict("already-rated", f"ticket {ticket.number} has been rated already")
        ticket_id, counter = ticket.id, ticket.called_counter
    rating_id = str(uuid.uuid4())
    conn.execute(
        ratings.insert().values(
            id=rating_id,
            kiosk_id=kiosk_id,
            idempotency_key=req.idempotency_key,
            fingerprint=digest,
            ticket_id=ticket_id,
            counter=counter,
            score=req.score,
            reasons=orjson.dumps(req.reasons).decode(),
            created_us=to_micros(cat.now()),
        )
    )
    _LOGGER.info("rating %d from kiosk %s (counter %s)", req.score, kiosk_id, counter)
    return rating_id, True
