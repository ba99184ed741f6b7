"""Bookings made ahead of time (online portal or kiosk) and redeemed for a ticket.

Codes are 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S,
8/B, 6/G), drawn with ``secrets``: about 1.9e8 codes, so a clash is rare and simply
drawn again. Redeeming issues an ordinary ticket under the kiosk's idempotency key; a
replay with the same key returns the same ticket.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from sqlalchemy import Connection, select, update

from central.catalogue import Catalogue, fingerprint, to_micros
from central.db import bookings
from central.errors import BadInput, Conflict, NotFound
from central.schemas import BookingRequest, RedeemRequest, TicketRequest
from central.tickets import find_by_key, issue_ticket

_LOGGER = logging.getLogger(__name__)

CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
CODE_LENGTH = 6


def booking_view(row: Any) -> dict[str, Any]:
    """The wire ``Booking``."""
    return {"code": row.code, "service": row.service, "date": row.date, "status": row.status}


def create_booking(
    conn: Connection, cat: Catalogue, kiosk_id: str, req: BookingRequest
) -> tuple[Any, bool]:
    """Create (or replay) a booking; returns ``(row, created)``."""
    if req.service not in cat.services:
        raise BadInput("unknown-service", f"no service {req.service!r}")
    now = cat.now()
    if req.date.isoformat() < cat.local_day(now):
        # a well-formed date that today's date rules out: JSON Schema cannot say "not
        # before today", so this is a conflict with the calendar (409), not bad input
        raise Conflict("booking-date-past", f"date {req.date} is in the past")
    digest = fingerprint(req.model_dump(mode="json", exclude={"idempotency_key"}))
    existing = conn.execute(
        select(bookings).where(
            bookings.c.kiosk_id == kiosk_id, bookings.c.idempotency_key == req.idempotency_key
        )
    ).first()
    if existing is not None:
        if existing.fingerprint != digest:
            raise Conflict("idempotency-conflict", "idempotency key used with a different body")
        return existing, False
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if conn.execute(select(bookings.c.code).where(bookings.c.code == code)).first() is None:
            break
    conn.execute(
        bookings.insert().values(
            code=code,
            service=req.service,
            date=req.date.isoformat(),
            language=req.language,
            status="booked",
            kiosk_id=kiosk_id,
            idempotency_key=req.idempotency_key,
            fingerprint=digest,
            created_us=to_micros(now),
        )
    )
    _LOGGER.info("booking %s for %s on %s", code, req.service, req.date)
    return conn.execute(select(bookings).where(bookings.c.code == code)).one(), True


def redeem_booking(
    conn: Connection, cat: Catalogue, kiosk_id: str, code: str, req: RedeemRequest
) -> Any:
    """Turn a booking into a ticket (once); returns the ticket row."""
    booking = conn.execute(select(bookings).where(bookings.c.code == code.upper())).first()
    if booking is None:
        raise NotFound("unknown-booking", f"no booking {code!r}")
    body: dict[str, object] = {"booking": booking.code, "language": req.language}
    replay = find_by_key(conn, kiosk_id, req.idempotency_key)
    if replay is not None and replay.fingerprint == fingerprint(body):
        return replay
    if booking.status != "booked":
        raise Conflict("booking-used", f"booking {booking.code} was already used")
    today = cat.local_day(cat.now())
    if booking.date != today:
        raise Conflict("booking-wrong-day", f"booking {booking.code} is for {booking.date}")
    ticket_req = TicketRequest(
        idempotency_key=req.idempotency_key, service=booking.service, language=req.language
    )
    row, _ = issue_ticket(conn, cat, kiosk_id, ticket_req, print_body=body)
    conn.execute(
        update(bookings)
        .where(bookings.c.code == booking.code)
        .values(status="used", ticket_id=row.id)
    )
    return row
