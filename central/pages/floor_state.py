"""What the pages show, read from the database: the hall's calls and queues, a
counter's line, the ticket a rating tablet asks about."""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from sqlalchemy import Connection, func, select

from central.assignment import callable_by
from central.catalogue import Catalogue, to_micros
from central.db import ratings, tickets
from central.db_staff import floor_events
from central.floor import recent_calls

_LOGGER = logging.getLogger(__name__)

QUEUE_SHOWN = 40
_t = tickets.c


def day_start_us(cat: Catalogue) -> int:
    """Epoch microseconds of today's local midnight."""
    today = datetime.combine(cat.now().astimezone(cat.zone).date(), time(), cat.zone)
    return to_micros(today)


def counter_name(cat: Catalogue, code: str | None) -> str:
    """The counter's display name (its code when no longer configured)."""
    counter = cat.counters.get(code or "")
    return counter.name if counter else (code or "")


def display_state(conn: Connection, cat: Catalogue, recent: int) -> dict[str, Any]:
    """The hall display: who is at which counter, the last calls, the waiting counts."""
    day = cat.local_day(cat.now())
    current = conn.execute(
        select(_t.number, _t.called_counter, _t.status, _t.called_us)
        .where(_t.local_day == day, _t.status.in_(("called", "serving")))
        .order_by(_t.called_us.desc())
    )
    at_counter: dict[str, dict[str, Any]] = {}
    for row in current:
        if row.called_counter not in at_counter:
            at_counter[row.called_counter] = {
                "number": row.number,
                "counter": row.called_counter,
                "counter_name": counter_name(cat, row.called_counter),
                "status": row.status,
                "called_us": row.called_us,
            }
    calls = recent_calls(conn, day_start_us(cat), recent)
    waiting_rows = conn.execute(
        select(_t.service, func.count(), func.count(_t.priority))
        .where(_t.local_day == day, _t.status == "waiting")
        .group_by(_t.service)
    )
    waiting = {row[0]: (int(row[1]), int(row[2])) for row in waiting_rows}
    return {
        "current": sorted(at_counter.values(), key=lambda c: -int(c["called_us"])),
        "recent": [
            {
                "id": c["id"],
                "number": c["number"],
                "counter_name": counter_name(cat, c["counter"]),
                "kind": c["kind"],
            }
            for c in calls
        ],
        "waiting": [
            {
                "service": s.code,
                "names": s.names,
                "count": waiting.get(s.code, (0, 0))[0],
                "priority": waiting.get(s.code, (0, 0))[1],
            }
            for s in cat.settings.services
        ],
    }


def counter_state(conn: Connection, cat: Catalogue, counter: str) -> dict[str, Any]:
    """A counter's page: its current ticket and the waiting line of its services."""
    services = cat.counters[counter].services
    day = cat.local_day(cat.now())
    current = conn.execute(
        select(tickets)
        .where(_t.called_counter == counter, _t.local_day == day)
        .where(_t.status.in_(("called", "serving")))
        .order_by(_t.called_us.desc())
        .limit(1)
    ).first()
    mine = callable_by(cat, counter, day)  # not the tickets assigned to another open counter
    line = conn.execute(
        select(_t.id, _t.number, _t.service, _t.priority, _t.queue_us)
        .where(_t.service.in_(services), _t.local_day == day, _t.status == "waiting", mine)
        .order_by(_t.priority.is_(None), _t.queue_us, _t.row_id)
        .limit(QUEUE_SHOWN)
    ).all()
    total = conn.execute(
        select(func.count()).where(
            _t.service.in_(services), _t.local_day == day, _t.status == "waiting", mine
        )
    ).scalar_one()
    served = conn.execute(
        select(func.count()).where(
            _t.called_counter == counter, _t.local_day == day, _t.status == "done"
        )
    ).scalar_one()
    return {"current": current, "line": line, "waiting_total": int(total), "served": int(served)}


def pending_rating(conn: Connection, cat: Catalogue, counter: str) -> dict[str, Any] | None:
    """The ticket the counter's tablet should ask about: the last one completed there
    within the rating window and not rated yet."""
    window_us = cat.settings.pages.rating_window_s * 1_000_000
    since = to_micros(cat.now()) - window_us
    event = conn.execute(
        select(floor_events)
        .where(floor_events.c.counter == counter, floor_events.c.kind == "complete")
        .where(floor_events.c.created_us >= since)
        .order_by(floor_events.c.id.desc())
        .limit(1)
    ).first()
    if event is None or event.ticket_id is None:
        return None
    rated = conn.execute(select(ratings.c.id).where(ratings.c.ticket_id == event.ticket_id)).first()
    if rated is not None:
        return None
    return {
        "ticket_id": event.ticket_id,
        "number": event.number,
        "counter": counter,
        "counter_name": counter_name(cat, counter),
        "language": event.language or "vi",
    }
