"""Help requests: a citizen pressed "call staff" on a kiosk; floor staff take and close it.

States::

    open --take (a counter)--> taken --close--> closed
    open --close--> closed          (answered without taking, e.g. the citizen left)

Taking a request someone else already took is ``409 invalid-state`` (two officers never
walk to the same kiosk thinking it is theirs); taking it again from the same counter is
a harmless repeat. The kiosk creates requests idempotently, like tickets, and reads the
state of its own requests only.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select, update

from central.catalogue import Catalogue, fingerprint, to_micros
from central.db_staff import help_requests
from central.errors import Conflict, NotFound
from central.floor import record
from central.schemas import IdempotencyKey, Language

_LOGGER = logging.getLogger(__name__)


class HelpRequestBody(BaseModel):
    """Body of ``POST /api/v1/help-requests``."""

    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = IdempotencyKey
    screen: str = Field(default="menu", min_length=1, max_length=32, pattern=r"^[a-z_]+$")
    """The kiosk screen the citizen was on (tells staff what they were trying to do)."""
    language: str = Language
    """The citizen's language, so staff know whom to send."""
    ticket_id: str | None = Field(default=None, max_length=36)
    """The citizen's ticket, if they already had one."""


class HelpRequest(BaseModel):
    """A help request as the kiosk and the counters see it."""

    id: str
    kiosk_id: str
    screen: str
    language: str
    ticket_id: str | None
    status: Literal["open", "taken", "closed"]
    taken_by: str | None
    taken_by_name: str | None
    created_at: str
    taken_at: str | None
    closed_at: str | None


class HelpRequestList(BaseModel):
    """Body of ``GET /api/v1/help-requests``."""

    help_requests: list[HelpRequest]


def view(cat: Catalogue, row: Any) -> dict[str, Any]:
    """The wire form of a help request row."""
    counter = cat.counters.get(row.taken_by) if row.taken_by else None
    return {
        "id": row.id,
        "kiosk_id": row.kiosk_id,
        "screen": row.screen,
        "language": row.language,
        "ticket_id": row.ticket_id,
        "status": row.status,
        "taken_by": row.taken_by,
        "taken_by_name": counter.name if counter else None,
        "created_at": cat.to_local_iso(row.created_us),
        "taken_at": cat.to_local_iso(row.taken_us) if row.taken_us else None,
        "closed_at": cat.to_local_iso(row.closed_us) if row.closed_us else None,
    }


def get(conn: Connection, request_id: str) -> Any:
    """The help request row; NotFound ``unknown-help-request`` otherwise."""
    row = conn.execute(select(help_requests).where(help_requests.c.id == request_id)).first()
    if row is None:
        raise NotFound("unknown-help-request", f"no help request {request_id!r}")
    return row


def create(
    conn: Connection, cat: Catalogue, kiosk_id: str, req: HelpRequestBody
) -> tuple[Any, bool]:
    """Open a help request (or recognise a replay); returns ``(row, created)``."""
    digest = fingerprint(req.model_dump(mode="json", exclude={"idempotency_key"}))
    existing = conn.execute(
        select(help_requests).where(
            help_requests.c.kiosk_id == kiosk_id,
            help_requests.c.idempotency_key == req.idempotency_key,
        )
    ).first()
    if existing is not None:
        if existing.fingerprint != digest:
            raise Conflict("idempotency-conflict", "idempotency key used with a different body")
        return existing, False
    request_id = str(uuid.uuid4())
    conn.execute(
        help_requests.insert().values(
            id=request_id,
            kiosk_id=kiosk_id,
            idempotency_key=req.idempotency_key,
            fingerprint=digest,
            screen=req.screen,
            language=req.language,
            ticket_id=req.ticket_id,
            status="open",
            created_us=to_micros(cat.now()),
        )
    )
    record(conn, cat, "help")
    _LOGGER.info("help request from kiosk %s (screen %s)", kiosk_id, req.screen)
    return get(conn, request_id), True


def open_requests(conn: Connection, limit: int = 50) -> list[Any]:
    """Requests not closed yet, oldest first."""
    return list(
        conn.execute(
            select(help_requests)
            .where(help_requests.c.status != "closed")
            .order_by(help_requests.c.created_us)
            .limit(limit)
        )
    )


def take(conn: Connection, cat: Catalogue, request_id: str, counter: str) -> Any:
    """``counter`` takes an open request; taking it twice from the same counter is a no-op."""
    row = get(conn, request_id)
    if row.status == "taken" and row.taken_by == counter:
        return row
    if row.status != "open":
        who = f" by {row.taken_by}" if row.taken_by else ""
        raise Conflict("invalid-state", f"help request is already {row.status}{who}")
    done = conn.execute(
        update(help_requests)
        .where(help_requests.c.id == request_id, help_requests.c.status == "open")
        .values(status="taken", taken_by=counter, taken_us=to_micros(cat.now()))
    ).rowcount
    if done != 1:
        raise Conflict("invalid-state", "help request changed meanwhile")
    record(conn, cat, "help", counter=counter)
    _LOGGER.info("help request %s taken by %s", request_id, counter)
    return get(conn, request_id)


def close(conn: Connection, cat: Catalogue, request_id: str, counter: str) -> Any:
    """Close a request (open, or taken by this counter); closing twice is a no-op."""
    row = get(conn, request_id)
    if row.status == "closed":
        return row
    if row.status == "taken" and row.taken_by != counter:
        raise Conflict("invalid-state", f"help request was taken by {row.taken_by}")
    conn.execute(
        update(help_requests)
        .where(help_requests.c.id == request_id)
        .values(status="closed", closed_us=to_micros(cat.now()), taken_by=row.taken_by or counter)
    )
    record(conn, cat, "help", counter=counter)
    _LOGGER.info("help request %s closed by %s", request_id, counter)
    return get(conn, request_id)
