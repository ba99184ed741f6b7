"""Tables of the counter side: help requests, the floor event log, counters open today,
staff sessions.

Kept apart from ``central/db.py`` (tickets, bookings, ratings) but on the same
``metadata``, so ``create_schema`` creates them too.

``floor_events`` is the log every open page follows: each call, recall, start,
completion, no-show, transfer and help-request change is one row, written in the same
transaction as the change itself. Its increasing ``id`` is what a display page
remembers, so a page that reconnects (or a second server worker) misses nothing.
"""

from __future__ import annotations

import logging

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, UniqueConstraint

from central.db import metadata

_LOGGER = logging.getLogger(__name__)

help_requests = Table(
    "help_requests",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kiosk_id", String(16), nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("screen", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("ticket_id", String(36), nullable=True),
    Column("status", String(8), nullable=False),  # open | taken | closed
    Column("taken_by", String(16), nullable=True),  # counter code
    Column("created_us", BigInteger, nullable=False),
    Column("taken_us", BigInteger, nullable=True),
    Column("closed_us", BigInteger, nullable=True),
    UniqueConstraint("kiosk_id", "idempotency_key", name="uq_help_idempotency"),
    Index("ix_help_status", "status", "created_us"),
)

floor_events = Table(
    "floor_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # call | recall | start | complete | no_show | transfer | help
    Column("kind", String(12), nullable=False),
    Column("ticket_id", String(36), nullable=True),
    Column("number", String(24), nullable=True),
    Column("counter", String(16), nullable=True),
    Column("service", String(32), nullable=True),
    Column("language", String(8), nullable=True),
    Column("created_us", BigInteger, nullable=False),
    Index("ix_floor_counter_kind", "counter", "kind", "id"),
)

# whether a counter is staffed today (central/assignment.py): opened by its officer signing
# in or calling, closed by signing out or POST .../close; a row from another day is closed
counter_status = Table(
    "counter_status",
    metadata,
    Column("counter", String(16), primary_key=True),
    Column("open", Boolean, nullable=False),
    Column("local_day", String(10), nullable=False),
    Column("changed_us", BigInteger, nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the cookie's secret
    Column("role", String(8), nullable=False),  # counter | manager
    Column("counter", String(16), nullable=True),
    Column("csrf", String(64), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
)
