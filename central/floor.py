"""The floor event log: what happened at the counters and with help requests.

Every change a display, a counter page or a rating tablet must see is recorded here in
the same transaction as the change (``record``), and read back in order of ``id``
(``events_after``). See ``central/db_staff.py`` for why this is a table and not only an
in-memory queue: several server workers and reconnecting pages must all agree.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, func, select

from central.catalogue import Catalogue, to_micros
from central.db_staff import floor_events

_LOGGER = logging.getLogger(__name__)

TICKET_KINDS = ("call", "recall", "start", "complete", "no_show", "transfer")


def record(
    conn: Connection, cat: Catalogue, kind: str, ticket: Any = None, counter: str | None = None
) -> int:
    """Append one event (``ticket`` is a ticket row or None); returns its id."""
    values: dict[str, Any] = {"kind": kind, "counter": counter, "created_us": to_micros(cat.now())}
    if ticket is not None:
        values.update(
            ticket_id=ticket.id,
            number=ticket.number,
            service=ticket.service,
            language=ticket.language,
        )
    result = conn.execute(floor_events.insert().values(**values).returning(floor_events.c.id))
    return int(result.scalar_one())


def last_id(conn: Connection) -> int:
    """The id of the newest event (0 when there is none)."""
    return int(conn.execute(select(func.coalesce(func.max(floor_events.c.id), 0))).scalar_one())


def events_after(conn: Connection, after: int, limit: int = 500) -> list[dict[str, Any]]:
    """Events with ``id > after``, oldest first, as plain dicts."""
    rows = conn.execute(
        select(floor_events)
        .where(floor_events.c.id > after)
        .order_by(floor_events.c.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]


def recent_calls(conn: Connection, since_us: int, limit: int) -> list[dict[str, Any]]:
    """The last ``limit`` calls and recalls since ``since_us``, newest first."""
    rows = conn.execute(
        select(floor_events)
        .where(floor_events.c.kind.in_(("call", "recall")), floor_events.c.created_us >= since_us)
        .order_by(floor_events.c.id.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]
