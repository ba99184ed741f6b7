"""Issuing tickets and rendering them for the wire.

Numbers come from one counter row per (service, local day), bumped with
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` inside the same transaction as the
ticket insert, and ``UNIQUE(service, local_day, seq)`` backs it up: two citizens can
never get the same number, whatever the concurrency. A rolled-back issue rolls the
counter back too, so numbers stay gapless.

Idempotency: ``(kiosk, idempotency_key)`` is unique. A replay with the same body (compared
without its ``offline`` field) returns the stored ticket; a different body is an
``idempotency-conflict``. Offline tickets keep the number the kiosk printed and queue at
their ``issued_at`` (never later than now). An offline replay of a key central already
served online returns that ticket and records the printed number as ``offline_number``,
so the citizen is served once under either number.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from central.assignment import assign
from central.catalogue import Catalogue, fingerprint, to_micros
from central.db import day_counters, tickets
from central.errors import AuthError, BadInput, Conflict, NotFound
from central.estimate import estimated_wait_s, people_ahead
from central.prepared import Prepared
from central.schemas import TicketRequest

_LOGGER = logging.getLogger(__name__)

#: an offline ticket older than this comes from a kiosk clock that is wrong, not from an
#: outage (the kiosk replays within seconds of central answering again)
MAX_OFFLINE_AGE = timedelta(days=7)

# columns a new ticket does not have yet (the counter side fills them)
_LATER_COLUMNS = {
    "row_id",
    "called_us",
    "started_us",
    "completed_us",
    "called_counter",
    "service_s",
}


def dialect_insert(conn: Connection) -> Any:
    """The dialect's ``insert`` (with ``on_conflict_do_update``) for this connection."""
    return sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert


def _upsert_seq(dialect_insert: Any) -> Prepared:
    return Prepared(
        dialect_insert(day_counters)
        .values(
            service=bindparam("service"), local_day=bindparam("day"), last_seq=1, regular_streak=0
        )
        .on_conflict_do_update(
            index_elements=[day_counters.c.service, day_counters.c.local_day],
            set_={"last_seq": day_counters.c.last_seq + 1},
        )
        .returning(day_counters.c.last_seq, day_counters.c.regular_streak)
    )


_NEXT_SEQ = {"sqlite": _upsert_seq(sqlite.insert), "postgresql": _upsert_seq(postgresql.insert)}
_BY_KEY = Prepared(
    select(tickets).where(
        tickets.c.kiosk_id == bindparam("kiosk_id"), tickets.c.idempotency_key == bindparam("key")
    )
)
_BY_ID = Prepared(select(tickets).where(tickets.c.id == bindparam("id")))
_BY_PUBLIC_ID = Prepared(select(tickets).where(tickets.c.public_id == bindparam("public_id")))
_INSERT = Prepared(
    tickets.insert()
    .values({c.name: bindparam(c.name) for c in tickets.c if c.name not in _LATER_COLUMNS})
    .returning(tickets.c.row_id)
)


def next_seq(conn: Connection, service: str, day: str) -> tuple[int, int]:
    """Atomically take the next sequence number of ``service`` on ``day``.

    Returns ``(seq, regular_streak)``; the streak comes along for the wait estimate.
    """
    row = _NEXT_SEQ[conn.dialect.name](conn, service=service, day=day).one()
    return int(row[0]), int(row[1])


def find_by_key(conn: Connection, kiosk_id: str, key: str) -> Any:
    """The ticket a kiosk issued under ``key``, or None."""
    return _BY_KEY(conn, kiosk_id=kiosk_id, key=key).first()


def get_ticket(conn: Connection, ticket_id: str) -> Any:
    """The ticket row with id ``ticket_id``; NotFound otherwise."""
    row = _BY_ID(conn, id=ticket_id).first()
    if row is None:
        raise NotFound("unknown-ticket", f"no ticket {ticket_id!r}")
    return row


def get_by_public_id(conn: Connection, public_id: str) -> Any:
    """The ticket row with public id ``public_id``, or None."""
    return _BY_PUBLIC_ID(conn, public_id=public_id).first()


def get_ticket_ref(conn: Connection, ref: str) -> Any:
    """The ticket a kiosk names: its id, the public id of its QR code (``/t/{public_id}``),
    or ``key:{kiosk}:{key}`` for the QR of a ticket printed offline; NotFound otherwise."""
    if ref.startswith("key:"):
        _, kiosk, key = (ref.split(":", 2) + ["", ""])[:3]
        row = find_by_key(conn, kiosk, key) if kiosk and key else None
    else:
        row = _BY_ID(conn, id=ref).first() or get_by_public_id(conn, ref)
    if row is None:
        raise NotFound("unknown-ticket", f"no ticket {ref[:40]!r}")
    return row


def check_request(cat: Catalogue, kiosk_id: str, req: TicketRequest) -> None:
    """Reject unknown services/priorities and offline numbers outside the kiosk's range."""
    service = cat.services.get(req.service)
    if service is None:
        raise BadInput("unknown-service", f"no service {req.service!r}")
    if req.priority is not None and req.priority not in cat.priorities:
        raise BadInput("unknown-priority", f"no priority category {req.priority!r}")
    if req.offline is not None:
        prefix = cat.kiosks[kiosk_id].offline_prefix
        other = req.offline.number.partition("-")[0]
        if other != prefix and other in cat.offline_prefixes:
            raise AuthError(
                403,
                "forbidden",
                f"offline number {req.offline.number!r} is in another kiosk's range "
                f"(this kiosk's numbers start with {prefix}-)",
            )
        pattern = rf"{re.escape(prefix)}-{re.escape(service.prefix)}[0-9]{{3,4}}"
        if not re.fullmatch(pattern, req.offline.number):
            raise BadInput(
                "bad-request",
                f"offline number {req.offline.number!r} is not {prefix}-{service.prefix}NNN",
            )


def issue_ticket(
    conn: Connection,
    cat: Catalogue,
    kiosk_id: str,
    req: TicketRequest,
    *,
    print_body: dict[str, object] | None = None,
) -> tuple[Any, bool]:
    """Issue (or replay) a ticket; returns ``(row, created)``. Runs in the caller's transaction.

    ``print_body`` overrides what the idempotency fingerprint is computed from (redeeming
    a booking fingerprints the booking, not a ticket body).
    """
    check_request(cat, kiosk_id, req)
    body = (
        print_body
        if print_body is not None
        else req.model_dump(mode="json", exclude={"idempotency_key", "offline"})
    )
    digest = fingerprint(body)
    existing = find_by_key(conn, kiosk_id, req.idempotency_key)
    if existing is not None:
        if existing.fingerprint != digest:
            raise Conflict(
                "idempotency-conflict",
                f"idempotency key {req.idempotency_key!r} was used with a different body",
            )
        if req.offline is not None and existing.offline_number is None:
            conn.execute(
                update(tickets)
                .where(tickets.c.row_id == existing.row_id)
                .values(offline_number=req.offline.number)
            )
            _LOGGER.info("ticket %s also known as %s", existing.number, req.offline.number)
            existing = get_ticket(conn, existing.id)
        return existing, False
    now = cat.now()
    now_us = to_micros(now)
    if req.offline is None:
        day = cat.local_day(now)
        seq, streak = next_seq(conn, req.service, day)
        number = f"{cat.services[req.service].prefix}{seq:03d}"
        issued_us = queue_us = now_us
    else:
        # a kiosk clock running ahead must neither jump the queue nor land in tomorrow;
        # one far behind (a dead RTC battery boots in 1970) queues now, as printed today
        issued_at = req.offline.issued_at
        if issued_at < now - MAX_OFFLINE_AGE:
            _LOGGER.warning(
                "kiosk %s: offline ticket %s says it was issued at %s: the kiosk's clock is "
                "wrong; queued as issued now",
                kiosk_id,
                req.offline.number,
                issued_at,
            )
            issued_at = now
        queued_at = min(issued_at, now)
        day = cat.local_day(queued_at)
        seq, streak = None, None
        number = req.offline.number
        issued_us = to_micros(issued_at)
        queue_us = to_micros(queued_at)
        taken = conn.execute(
            select(tickets.c.id).where(tickets.c.local_day == day, tickets.c.number == number)
        ).first()
        if taken is not None:
            raise Conflict("duplicate-number", f"number {number} already exists on {day}")
    values = {
        "id": str(uuid.uuid4()),
        "public_id": secrets.token_urlsafe(16),
        "service": req.service,
        "local_day": day,
        "seq": seq,
        "number": number,
        "offline": req.offline is not None,
        "offline_number": number if req.offline is not None else None,
        "priority": req.priority,
        "language": req.language,
        "status": "waiting",
        "kiosk_id": kiosk_id,
        "idempotency_key": req.idempotency_key,
        "fingerprint": digest,
        "queue_us": queue_us,
        "issued_us": issued_us,
        # an offline ticket was printed without a counter: its field calls it
        "assigned_counter": assign(conn, cat, req.service, day) if req.offline is None else None,
    }
    row_id = _INSERT(conn, **values).scalar_one()
    _LOGGER.info("issued %s (%s) to kiosk %s on %s", number, req.service, kiosk_id, day)
    is_last = req.offline is None  # an online ticket joins at the end of today's queue
    return _Row(row_id=row_id, streak=streak, is_last=is_last, **values), True


def offline_high_water(conn: Connection, cat: Catalogue, kiosk_id: str, day: str) -> dict[str, int]:
    """The highest sequence of ``kiosk_id``'s offline numbers central holds for ``day``, per
    service (``K1-A007`` gives 7): a kiosk that lost its journal continues after them."""
    prefix = cat.kiosks[kiosk_id].offline_prefix
    rows = conn.execute(
        select(tickets.c.service, tickets.c.offline_number).where(
            tickets.c.local_day == day,
            tickets.c.kiosk_id == kiosk_id,
            tickets.c.offline_number.is_not(None),
        )
    )
    last: dict[str, int] = {}
    for service, number in rows:
        service_prefix = cat.services[service].prefix if service in cat.services else "[A-Z]+"
        match = re.fullmatch(rf"{re.escape(prefix)}-{service_prefix}([0-9]+)", number or "")
        if match:
            last[service] = max(last.get(service, 0), int(match.group(1)))
    return last


class _Row:
    """A just-inserted ticket, shaped like a result row (saves a SELECT on the hot path)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)
        self.called_counter = None
        self.called_us = self.started_us = self.completed_us = self.service_s = None


def ticket_view(conn: Connection, cat: Catalogue, row: Any) -> dict[str, Any]:
    """The wire ``Ticket`` with fresh people-ahead and wait."""
    ahead = people_ahead(conn, cat, row, getattr(row, "streak", None))
    return {
        "id": row.id,
        "public_id": row.public_id,
        "number": row.number,
        "service": row.service,
        "priority": row.priority,
        "language": row.language,
        "status": row.status,
        "counters": cat.counter_refs(row.service),
        "called_counter": row.called_counter,
        "assigned_counter": cat.counter_ref(row.assigned_counter),
        "people_ahead": ahead,
        "estimated_wait_s": estimated_wait_s(
            conn, cat, row.service, ahead, assigned=row.assigned_counter is not None
        ),
        "issued_at": cat.to_local_iso(row.issued_us),
        "local_day": row.local_day,
        "status_url": f"{cat.settings.public_base_url}/t/{row.public_id}",
        "offline_number": row.offline_number,
    }
