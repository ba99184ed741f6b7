"""People ahead and estimated wait for a waiting ticket.

People ahead follow the call order of the priority policy, computed from four counts in
one indexed query (not by replaying the queue), so issuing stays cheap with long queues:

* strict: a priority ticket waits for earlier priority tickets; a regular ticket for
  every priority ticket and the earlier regular ones.
* interleaved (one priority after every N regular): with ``k`` regular tickets called
  since the last priority one, the next priority slot comes after ``max(N - k, 0)``
  regular tickets, then one every N.

Wait = people ahead x mean service time of the service (its last ``recent_window``
completed tickets, else the configured default) / counters serving it. A ticket central
assigned to a counter (``counter_assignment = "at_issue"``) counts only the tickets that
counter may call (its own and nobody's) and divides by one counter.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select

from central.catalogue import Catalogue
from central.db import day_counters, tickets
from central.prepared import Prepared

_LOGGER = logging.getLogger(__name__)


_t = tickets.c
_before = or_(
    _t.queue_us < bindparam("queue_us"),
    and_(_t.queue_us == bindparam("queue_us"), _t.row_id < bindparam("row_id")),
)
_waiting_in_queue = and_(
    _t.service == bindparam("service"),
    _t.local_day == bindparam("day"),
    _t.status == "waiting",
    _t.row_id != bindparam("row_id"),
)
# the tickets a counter may call (central/assignment.py: its own and nobody's; a ticket
# assigned to a counter that closes is assigned again, so that case is not counted)
_same_counter = or_(_t.assigned_counter.is_(None), _t.assigned_counter == bindparam("assigned"))
# count(priority) counts the priority tickets (regular ones have NULL)
_COUNT = select(func.count(_t.priority), func.count())
_TOTALS = Prepared(_COUNT.where(_waiting_in_queue))
_BEFORE = Prepared(_COUNT.where(_waiting_in_queue, _before))
_TOTALS_AT = Prepared(_COUNT.where(_waiting_in_queue, _same_counter))
_BEFORE_AT = Prepared(_COUNT.where(_waiting_in_queue, _before, _same_counter))
_STREAK = Prepared(
    select(day_counters.c.regular_streak).where(
        day_counters.c.service == bindparam("service"), day_counters.c.local_day == bindparam("day")
    )
)
_RECENT = (
    select(_t.service_s)
    .where(
        _t.service == bindparam("service"), _t.completed_us.is_not(None), _t.service_s.is_not(None)
    )
    .order_by(_t.completed_us.desc())
    .limit(bindparam("window", literal_execute=False))
    .subquery()
)
_MEAN = Prepared(select(func.avg(_RECENT.c.service_s)))

DEFAULT_SERVICE_TIME_S = 300
"""Assumed for tickets of a service that is no longer configured."""

MEAN_CACHE_S = 5.0
"""How long a measured mean service time is reused (other server processes may complete
tickets too; this process forgets its value at once when it completes one)."""


def _streak(conn: Connection, service: str, day: str) -> int:
    row = _STREAK(conn, service=service, day=day).first()
    return int(row[0]) if row else 0


def people_ahead(conn: Connection, cat: Catalogue, ticket: Any, streak: int | None = None) -> int:
    """How many tickets will be called before ``ticket`` (0 unless it is waiting).

    ``streak`` (regular tickets called since the last priority one) saves a query when
    the caller already has it; a ticket marked ``is_last`` (just issued online) saves the
    ranged count. Counting is linear in the waiting queue of that service and day, on
    the covering index ``ix_ticket_queue``.
    """
    if ticket.status != "waiting":
        return 0
    keys = {"service": ticket.service, "day": ticket.local_day, "row_id": ticket.row_id}
    totals_query, before_query = _TOTALS, _BEFORE
    assigned = getattr(ticket, "assigned_counter", None)
    if assigned is not None:  # only the tickets its counter calls are ahead of it
        keys["assigned"] = assigned
        totals_query, before_query = _TOTALS_AT, _BEFORE_AT
    totals = totals_query(conn, **keys).one()
    prio_total, total = int(totals[0]), int(totals[1])
    if getattr(ticket, "is_last", False):
        # a ticket just issued online is the last in its queue: everything is before it
        prio_before, all_before = prio_total, total
    else:
        before = before_query(conn, queue_us=ticket.queue_us, **keys).one()
        prio_before, all_before = int(before[0]), int(before[1])
    regular_before = all_before - prio_before
    regular_total = total - prio_total
    policy = cat.settings.priority
    if policy.policy == "strict":
        return prio_before if ticket.priority else prio_total + regular_before
    n = policy.every_n
    if streak is None:
        streak = _streak(conn, ticket.service, ticket.local_day)
    first_slot = max(n - streak, 0)
    if ticket.priority:
        return prio_before + min(regular_total, first_slot + prio_before * n)
    slots = 0 if regular_before < first_slot else 1 + (regular_before - first_slot) // n
    return regular_before + min(prio_total, slots)


def mean_service_s(conn: Connection, cat: Catalogue, service: str) -> float:
    """Mean service time of the last completed tickets, else the configured default."""
    cached = cat.mean_service_cache.get(service)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    mean = _MEAN(conn, service=service, window=cat.settings.recent_window).scalar()
    if mean is None:
        configured = cat.services.get(service)  # None: the service left the config since
        mean = configured.default_service_time_s if configured else DEFAULT_SERVICE_TIME_S
    value = float(mean)
    cat.mean_service_cache[service] = (now + MEAN_CACHE_S, value)
    return value


def estimated_wait_s(
    conn: Connection, cat: Catalogue, service: str, ahead: int, *, assigned: bool = False
) -> int:
    """Seconds until a ticket with ``ahead`` people ahead is likely called: shared by the
    field's counters, or by its one counter when central ``assigned`` it to one."""
    if ahead <= 0:
        return 0
    counters = 1 if assigned else max(len(cat.counters_of.get(service, [])), 1)
    return round(ahead * mean_service_s(conn, cat, service) / counters)
