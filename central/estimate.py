"""People ahead and estimated wait for a waiting ticket.

People ahead follow the call order of the priority policy, computed from four counts in
one indexed query (not by replaying the queue), so issuing stays cheap with long queues:

* strict: a priority ticket waits for earlier priority tickets; a regular ticket for
  every priority ticket and the earlier regular ones.
* interleaved (one priority after every N regular): with ``k`` regular tickets called
  since the last priority one, the next priority slot comes after ``max(N - k, 0)``
  regular tickets, then one every N.

Wait = people ahead x mean service time of the service (its last ``recent_window``
completed tickets, else the configured default) / counters serving it.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from central.catalogue import Catalogue
from central.db import day_counters, tickets

_LOGGER = logging.getLogger(__name__)


def _streak(conn: Connection, service: str, day: str) -> int:
    row = conn.execute(
        select(day_counters.c.regular_streak).where(
            day_counters.c.service == service, day_counters.c.local_day == day
        )
    ).first()
    return int(row[0]) if row else 0


def people_ahead(conn: Connection, cat: Catalogue, ticket: Any) -> int:
    """How many tickets will be called before ``ticket`` (0 unless it is waiting)."""
    if ticket.status != "waiting":
        return 0
    t = tickets.c
    before = or_(
        t.queue_us < ticket.queue_us,
        and_(t.queue_us == ticket.queue_us, t.row_id < ticket.row_id),
    )
    is_priority = t.priority.is_not(None)
    row = conn.execute(
        select(
            func.coalesce(func.sum(case((and_(is_priority, before), 1), else_=0)), 0),
            func.coalesce(func.sum(case((and_(t.priority.is_(None), before), 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_priority, 1), else_=0)), 0),
            func.count(),
        ).where(
            t.service == ticket.service,
            t.local_day == ticket.local_day,
            t.status == "waiting",
            t.row_id != ticket.row_id,
        )
    ).one()
    prio_before, regular_before, prio_total, total = (int(v) for v in row)
    regular_total = total - prio_total
    policy = cat.settings.priority
    if policy.policy == "strict":
        return prio_before if ticket.priority else prio_total + regular_before
    n = policy.every_n
    first_slot = max(n - _streak(conn, ticket.service, ticket.local_day), 0)
    if ticket.priority:
        return prio_before + min(regular_total, first_slot + prio_before * n)
    slots = 0 if regular_before < first_slot else 1 + (regular_before - first_slot) // n
    return regular_before + min(prio_total, slots)


def mean_service_s(conn: Connection, cat: Catalogue, service: str) -> float:
    """Mean service time of the last completed tickets, else the configured default."""
    t = tickets.c
    recent = (
        select(t.service_s)
        .where(t.service == service, t.completed_us.is_not(None), t.service_s.is_not(None))
        .order_by(t.completed_us.desc())
        .limit(cat.settings.recent_window)
        .subquery()
    )
    mean = conn.execute(select(func.avg(recent.c.service_s))).scalar()
    if mean is None:
        return float(cat.services[service].default_service_time_s)
    return float(mean)


def estimated_wait_s(conn: Connection, cat: Catalogue, service: str, ahead: int) -> int:
    """Seconds until a ticket with ``ahead`` people ahead is likely called."""
    if ahead <= 0:
        return 0
    counters = max(len(cat.counters_of.get(service, [])), 1)
    return round(ahead * mean_service_s(conn, cat, service) / counters)
