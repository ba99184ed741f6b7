"""Citizen satisfaction ratings (1..5 and reasons), optionally tied to a ticket/counter."""

from __future__ import annotations

import logging
import uuid

import orjson
from sqlalchemy import Connection, select

from central.catalogue import Catalogue, fingerprint, to_micros
from central.db import ratings
from central.errors import BadInput, Conflict
from central.schemas import RatingRequest
from central.tickets import get_ticket

_LOGGER = logging.getLogger(__name__)


def add_rating(
    conn: Connection, cat: Catalogue, kiosk_id: str, req: RatingRequest
) -> tuple[str, bool]:
    """Store a rating (or recognise a replay); returns ``(rating_id, created)``."""
    if req.counter is not None and req.counter not in cat.counters:
        raise BadInput("unknown-counter", f"no counter {req.counter!r}")
    if req.ticket_id is not None:
        get_ticket(conn, req.ticket_id)  # 404 unknown-ticket
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
    rating_id = str(uuid.uuid4())
    conn.execute(
        ratings.insert().values(
            id=rating_id,
            kiosk_id=kiosk_id,
            idempotency_key=req.idempotency_key,
            fingerprint=digest,
            ticket_id=req.ticket_id,
            counter=req.counter,
            score=req.score,
            reasons=orjson.dumps(req.reasons).decode(),
            created_us=to_micros(cat.now()),
        )
    )
    _LOGGER.info("rating %d from kiosk %s (counter %s)", req.score, kiosk_id, req.counter)
    return rating_id, True
