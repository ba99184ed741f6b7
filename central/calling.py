"""The counter side: call the next ticket, recall, start, complete, no-show.

Transitions (anything else is ``409 invalid-state``)::

    waiting --call-next--> called --start--> serving --complete--> done
                           called --no-show--> no_show
                           called --recall--> called
    called or serving --transfer--> waiting (in another service, same number and place)

Which tickets a counter may call: those of its services assigned to it or to no open
counter (``counter_assignment``, central/assignment.py). Call order follows the priority
policy: ``strict`` takes the earliest priority ticket
first; ``interleaved`` keeps, per service and day, how many regular tickets were called
since the last priority one and takes a priority ticket once that reaches N. A ticket is
claimed with ``UPDATE ... WHERE status = 'waiting'`` and the row count checked, so two
counters calling at once never get the same ticket.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, select, update

from central.assignment import assign, callable_by
from central.catalogue import Catalogue, to_micros
from central.db import day_counters, tickets
from central.errors import BadInput, Conflict, NotFound
from central.tickets import dialect_insert, get_ticket

_LOGGER = logging.getLogger(__name__)

_CLAIM_ATTEMPTS = 5


def _earliest(
    conn: Connection,
    cat: Catalogue,
    counter: str,
    services: list[str],
    day: str,
    priority: bool | None,
) -> Any:
    t = tickets.c
    query = select(tickets).where(
        t.service.in_(services),
        t.local_day == day,
        t.status == "waiting",
        callable_by(cat, counter, day),
    )
    if priority is True:
        query = query.where(t.priority.is_not(None))
    elif priority is False:
        query = query.where(t.priority.is_(None))
    return conn.execute(query.order_by(t.queue_us, t.row_id).limit(1)).first()


def _streaks(conn: Connection, services: list[str], day: str) -> dict[str, int]:
    rows = conn.execute(
        select(day_counters.c.service, day_counters.c.regular_streak).where(
            day_counters.c.service.in_(services), day_counters.c.local_day == day
        )
    )
    return {service: int(streak) for service, streak in rows}


def _pick(conn: Connection, cat: Catalogue, counter: str, services: list[str], day: str) -> Any:
    policy = cat.settings.priority
    if policy.policy == "strict":
        return _earliest(conn, cat, counter, services, day, True) or _earliest(
            conn, cat, counter, services, day, False
        )
    streaks = _streaks(conn, services, day)
    candidates = []
    for service in services:
        priority_due = streaks.get(service, 0) >= policy.every_n
        first = _earliest(conn, cat, counter, [service], day, priority_due)
        row = first or _earliest(conn, cat, counter, [service], day, not priority_due)
        if row is not None:
            candidates.append(row)
    if not candidates:
        return None
    # a priority ticket chosen by its service's policy goes before other services' regulars
    return min(candidates, key=lambda r: (r.priority is None, r.queue_us, r.row_id))


def _bump_streak(conn: Connection, service: str, day: str, was_priority: bool) -> None:
    new_value = 0 if was_priority else day_counters.c.regular_streak + 1
    conn.execute(
        dialect_insert(conn)(day_counters)
        .values(service=service, local_day=day, last_seq=0, regular_streak=0 if was_priority else 1)
        .on_conflict_do_update(
            index_elements=[day_counters.c.service, day_counters.c.local_day],
            set_={"regular_streak": new_value},
        )
    )


def call_next(conn: Connection, cat: Catalogue, counter: str) -> Any:
    """Claim the next waiting ticket for ``counter`` (one assigned to it or to no open
    counter, central/assignment.py); NotFound ``no-ticket-waiting`` if none. The caller
    opens the counter first, in a transaction of its own (central/counter_actions.py): an
    officer who calls is there, whether or not somebody is waiting."""
    services = cat.counters[counter].services
    now = cat.now()
    day = cat.local_day(now)
    for _ in range(_CLAIM_ATTEMPTS):
        row = _pick(conn, cat, counter, services, day)
        if row is None:
            break
        claimed = conn.execute(
            update(tickets)
            .where(tickets.c.row_id == row.row_id, tickets.c.status == "waiting")
            .values(status="called", called_counter=counter, called_us=to_micros(now))
        ).rowcount
        if claimed == 1:
            _bump_streak(conn, row.service, day, row.priority is not None)
            _LOGGER.info("counter %s called %s", counter, row.number)
            return get_ticket(conn, row.id)
    raise NotFound("no-ticket-waiting", f"no ticket is waiting for counter {counter}")


def recall(conn: Connection, cat: Catalogue, counter: str) -> Any:
    """Call again the ticket last called at ``counter`` (it must still be ``called``)."""
    row = conn.execute(
        select(tickets)
        .where(tickets.c.called_counter == counter)
        .order_by(tickets.c.called_us.desc(), tickets.c.row_id.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound("no-ticket-waiting", f"counter {counter} has not called a ticket")
    if row.status != "called":
        raise Conflict("invalid-state", f"ticket {row.number} is {row.status}, not called")
    conn.execute(
        update(tickets).where(tickets.c.row_id == row.row_id).values(called_us=to_micros(cat.now()))
    )
    _LOGGER.info("counter %s recalled %s", counter, row.number)
    return get_ticket(conn, row.id)


_TRANSITIONS = {
    "start": ("called", "serving"),
    "complete": ("serving", "done"),
    "no-show": ("called", "no_show"),
}


def transition(conn: Connection, cat: Catalogue, counter: str, ticket_id: str, action: str) -> Any:
    """Apply ``start``, ``complete`` or ``no-show`` to a ticket called at ``counter``."""
    source, target = _TRANSITIONS[action]
    row = get_ticket(conn, ticket_id)
    if row.status != source:
        raise Conflict("invalid-state", f"cannot {action} ticket {row.number}: it is {row.status}")
    if row.called_counter != counter:
        raise Conflict(
            "invalid-state",
            f"ticket {row.number} was called at {row.called_counter}, not {counter}",
        )
    now_us = to_micros(cat.now())
    values: dict[str, Any] = {"status": target}
    if action == "start":
        values["started_us"] = now_us
    elif action == "complete":
        values["completed_us"] = now_us
        values["service_s"] = max((now_us - (row.started_us or now_us)) // 1_000_000, 0)
    done = conn.execute(
        update(tickets)
        .where(tickets.c.row_id == row.row_id, tickets.c.status == source)
        .values(**values)
    ).rowcount
    if done != 1:
        raise Conflict("invalid-state", f"ticket {row.number} changed meanwhile")
    if action == "complete":
        cat.mean_service_cache.pop(row.service, None)  # the next estimate sees this one
    _LOGGER.info("counter %s: %s %s -> %s", counter, row.number, source, target)
    return get_ticket(conn, ticket_id)


def transfer(conn: Connection, cat: Catalogue, counter: str, ticket_id: str, service: str) -> Any:
    """Send a ticket called or served at ``counter`` to the queue of another ``service``.

    The citizen keeps the number on their paper and their place (the original queue
    time), so being sent to the wrong field first costs them no waiting again. ``seq`` is
    cleared: it numbers the old service's sequence and would clash in the new one.
    """
    if service not in cat.services:
        raise BadInput("unknown-service", f"no service {service!r}")
    row = get_ticket(conn, ticket_id)
    if row.status not in ("called", "serving") or row.called_counter != counter:
        raise Conflict(
            "invalid-state",
            f"cannot transfer ticket {row.number}: it is {row.status} at {row.called_counter}",
        )
    if row.service == service:
        raise Conflict("invalid-state", f"ticket {row.number} is already in {service}")
    done = conn.execute(
        update(tickets)
        .where(tickets.c.row_id == row.row_id, tickets.c.status == row.status)
        .values(
            service=service,
            seq=None,
            status="waiting",
            assigned_counter=assign(conn, cat, service, row.local_day),
            called_counter=None,
            called_us=None,
            started_us=None,
        )
    ).rowcount
    if done != 1:
        raise Conflict("invalid-state", f"ticket {row.number} changed meanwhile")
    _LOGGER.info(
        "counter %s transferred %s from %s to %s", counter, row.number, row.service, service
    )
    return get_ticket(conn, ticket_id)
