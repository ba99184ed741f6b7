"""Counters named at issue time (``counter_assignment = "at_issue"``) and which counters
are open.

Under ``at_call`` (the default) a ticket is for its field: the first counter of the field
that calls next gets it, so the citizen waits in the field's waiting area. Under
``at_issue`` central names the counter when it issues the ticket; the kiosk prints it
("Quầy 3") and the robot leads the citizen there. The rules:

* **Which counter.** An *open* counter of the field with the fewest tickets assigned to it
  and still waiting (plus one if it is busy with a citizen now); a tie goes to the counter
  listed first in the config. No counter of the field open yet (the morning before
  anyone signed in): no assignment, the ticket is for the field as under ``at_call``.
* **Open and closed.** A counter opens when its officer signs in on ``/counter/``, calls a
  ticket, or ``POST /api/v1/counters/{code}/open``; it closes on signing out or ``POST
  .../close``; every counter starts a new local day closed.
* **Calling.** A counter calls, in the priority policy's order, the waiting tickets of its
  services assigned to it, those assigned to nobody (offline tickets, ``at_call`` fields)
  and those assigned to a counter that is not open (so no ticket is stranded behind a
  counter removed from the config or closed by the new day). A counter left open by an
  officer who went away keeps its tickets until it is closed: the citizen was told it.
* **Closing.** The closing counter's waiting tickets are assigned again, one by one in
  queue order, by the same rule among the counters still open; with none open they are
  left to the whole field. The public ticket page shows the new counter; the hall display
  announces every call with the counter that calls it.

Tickets keep their place in the queue throughout: assignment decides *who* calls a ticket,
never *when* it is its turn among the tickets that counter may call.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, or_, select, update

from central.catalogue import Catalogue, to_micros
from central.db import tickets
from central.db_staff import counter_status

_LOGGER = logging.getLogger(__name__)

_t = tickets.c


def _open_query(cat: Catalogue, day: str) -> Select[tuple[str]]:
    """The configured counters open on ``day``."""
    return select(counter_status.c.counter).where(
        counter_status.c.open.is_(True),
        counter_status.c.local_day == day,
        counter_status.c.counter.in_(list(cat.counters)),
    )


def open_counters(conn: Connection, cat: Catalogue, day: str) -> set[str]:
    """Codes of the configured counters open on ``day``."""
    return {str(row[0]) for row in conn.execute(_open_query(cat, day))}


def callable_by(cat: Catalogue, counter: str, day: str) -> ColumnElement[bool]:
    """The tickets ``counter`` may call (besides its services and the status): assigned to
    it, to nobody, or to a counter that is not open on ``day`` (or no longer configured)."""
    return or_(
        _t.assigned_counter.is_(None),
        _t.assigned_counter == counter,
        _t.assigned_counter.not_in(_open_query(cat, day).scalar_subquery()),
    )


def _loads(conn: Connection, codes: list[str], day: str) -> dict[str, int]:
    """Per counter: tickets assigned and waiting, plus the one it is serving now."""
    load = dict.fromkeys(codes, 0)
    waiting = conn.execute(
        select(_t.assigned_counter, func.count())
        .where(_t.assigned_counter.in_(codes), _t.local_day == day, _t.status == "waiting")
        .group_by(_t.assigned_counter)
    )
    for code, count in waiting:
        load[str(code)] += int(count)
    busy = conn.execute(
        select(_t.called_counter, func.count())
        .where(
            _t.called_counter.in_(codes),
            _t.local_day == day,
            _t.status.in_(("called", "serving")),
        )
        .group_by(_t.called_counter)
    )
    for code, count in busy:
        load[str(code)] += min(int(count), 1)
    return load


def assign(conn: Connection, cat: Catalogue, service: str, day: str) -> str | None:
    """The counter a new ticket of ``service`` goes to, or None (the whole field calls it):
    None under ``at_call`` and while no counter of the field is open."""
    if not cat.assigns_at_issue(service):
        return None
    opened = open_counters(conn, cat, day)
    codes = [c.code for c in cat.counters_of.get(service, []) if c.code in opened]
    if not codes:
        return None
    load = _loads(conn, codes, day)
    return min(codes, key=lambda code: (load[code], codes.index(code)))


def set_open(conn: Connection, cat: Catalogue, counter: str, is_open: bool) -> bool:
    """Record that ``counter`` is open (or closed) today; True if that changed anything.

    Closing assigns the counter's waiting tickets again (see the module docstring).
    """
    from central.tickets import dialect_insert  # central.tickets imports this module

    now = cat.now()
    day = cat.local_day(now)
    row = conn.execute(
        select(counter_status.c.open, counter_status.c.local_day).where(
            counter_status.c.counter == counter
        )
    ).first()
    was_open = row is not None and bool(row.open) and row.local_day == day
    if was_open == is_open:
        return False
    values = {"open": is_open, "local_day": day, "changed_us": to_micros(now)}
    conn.execute(
        dialect_insert(conn)(counter_status)
        .values(counter=counter, **values)
        .on_conflict_do_update(index_elements=[counter_status.c.counter], set_=values)
    )
    _LOGGER.info("counter %s %s", counter, "opened" if is_open else "closed")
    if not is_open:
        reassign_from(conn, cat, counter, day)
    return True


def reassign_from(conn: Connection, cat: Catalogue, counter: str, day: str) -> list[Any]:
    """Assign the waiting tickets of the closed ``counter`` to the open counters of their
    fields, in queue order (to nobody when none is open); returns ``(number, counter)``."""
    rows = conn.execute(
        select(_t.row_id, _t.number, _t.service)
        .where(_t.assigned_counter == counter, _t.local_day == day, _t.status == "waiting")
        .order_by(_t.queue_us, _t.row_id)
    ).all()
    moved = []
    for row in rows:
        target = assign(conn, cat, row.service, day)
        conn.execute(update(tickets).where(_t.row_id == row.row_id).values(assigned_counter=target))
        moved.append((row.number, target))
    if moved:
        _LOGGER.info(
            "counter %s closed: %s",
            counter,
            ", ".join(f"{number} -> {target or 'any counter'}" for number, target in moved),
        )
    return moved
