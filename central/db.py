"""Database schema (SQLAlchemy Core) and engine set-up for SQLite and PostgreSQL.

Times are stored as integer epoch microseconds (UTC) so ordering and arithmetic are the
same on both databases; the local day is stored as ``YYYY-MM-DD`` text, computed in the
centre's time zone when the ticket is issued.

Duplicates are made impossible by the database itself: ``UNIQUE(service, local_day, seq)``
on tickets, ``UNIQUE(local_day, number)`` for offline numbers, and one counter row per
(service, day) bumped atomically with ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``.

SQLite write transactions start with ``BEGIN IMMEDIATE``: a deferred transaction that
reads and then writes can fail at once with SQLITE_BUSY in WAL mode (the busy handler is
not consulted for a lock upgrade), which would surface as a 500 under load.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.pool import NullPool

_LOGGER = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
"""How long a SQLite connection waits for another writer before failing."""

metadata = MetaData()

tickets = Table(
    "tickets",
    metadata,
    Column("row_id", Integer, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("public_id", String(32), nullable=False, unique=True),
    Column("service", String(32), nullable=False),
    Column("local_day", String(10), nullable=False),
    Column("seq", Integer, nullable=True),  # NULL for offline numbers
    Column("number", String(24), nullable=False),
    Column("offline", Boolean, nullable=False, default=False),
    # the number a kiosk printed while offline: the ticket's own number when it was
    # created offline, or an alias when central had already served the same key online
    Column("offline_number", String(24), nullable=True),
    Column("priority", String(32), nullable=True),
    Column("language", String(8), nullable=False),
    Column("status", String(10), nullable=False),
    Column("kiosk_id", String(16), nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("queue_us", BigInteger, nullable=False),
    Column("issued_us", BigInteger, nullable=False),
    Column("called_us", BigInteger, nullable=True),
    Column("started_us", BigInteger, nullable=True),
    Column("completed_us", BigInteger, nullable=True),
    Column("called_counter", String(16), nullable=True),
    Column("service_s", Integer, nullable=True),
    # the counter central named when it issued the ticket (counter_assignment = "at_issue");
    # NULL: any counter of the field calls it (central/assignment.py). Added after the first
    # release: upgrade_schema adds it to an older database.
    Column("assigned_counter", String(16), nullable=True),
    UniqueConstraint("service", "local_day", "seq", name="uq_ticket_service_day_seq"),
    UniqueConstraint("local_day", "number", name="uq_ticket_day_number"),
    UniqueConstraint("kiosk_id", "idempotency_key", name="uq_ticket_idempotency"),
    # covers the people-ahead counts (priority included, row_id is the rowid in SQLite)
    Index("ix_ticket_queue", "service", "local_day", "status", "queue_us", "priority"),
    Index("ix_ticket_completed", "service", "completed_us"),
    Index("ix_ticket_counter_called", "called_counter", "called_us"),
    Index("ix_ticket_assigned", "assigned_counter", "local_day", "status"),
)

day_counters = Table(
    "day_counters",
    metadata,
    Column("service", String(32), primary_key=True),
    Column("local_day", String(10), primary_key=True),
    Column("last_seq", Integer, nullable=False),
    # regular tickets called since the last priority one (interleaved policy)
    Column("regular_streak", Integer, nullable=False, default=0),
)

bookings = Table(
    "bookings",
    metadata,
    Column("code", String(6), primary_key=True),
    Column("service", String(32), nullable=False),
    Column("date", String(10), nullable=False),
    Column("language", String(8), nullable=False),
    Column("status", String(8), nullable=False),
    Column("kiosk_id", String(16), nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("ticket_id", String(36), nullable=True),
    Column("created_us", BigInteger, nullable=False),
    UniqueConstraint("kiosk_id", "idempotency_key", name="uq_booking_idempotency"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("kiosk_id", String(16), nullable=False),
    Column("idempotency_key", String(64), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("ticket_id", String(36), nullable=True),
    Column("counter", String(16), nullable=True),
    Column("score", Integer, nullable=False),
    Column("reasons", Text, nullable=False),  # JSON array
    Column("created_us", BigInteger, nullable=False),
    UniqueConstraint("kiosk_id", "idempotency_key", name="uq_rating_idempotency"),
)

# the procedure catalogue (central/procedure_store.py): one row, the canonical JSON document
procedure_catalogue = Table(
    "procedure_catalogue",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("etag", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("updated_us", BigInteger, nullable=False),
)

# dossiers of the reference adapter (central/dossiers.py); only what the look-up shows
dossiers = Table(
    "dossiers",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("procedure", String(48), nullable=True),
    Column("procedure_name", Text, nullable=True),  # JSON {lang: name} when not in catalogue
    Column("applicant_name", String(120), nullable=False),
    Column("status", String(16), nullable=False),
    Column("received_on", String(10), nullable=False),
    Column("appointment_on", String(10), nullable=True),
    Column("completed_on", String(10), nullable=True),
    Column("missing", Text, nullable=False, default="[]"),  # JSON array of texts
    Column("pickup_counter", String(16), nullable=True),
    Column("fee_due_vnd", Integer, nullable=False, default=0),
    Column("phone_last4", String(4), nullable=True),  # the second factors, nothing more
    Column("birth_year", Integer, nullable=True),
    Column("updated_us", BigInteger, nullable=False),
)


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded SQLite backend."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create an engine with the pragmas/timeouts this server relies on."""
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 5}}
        if in_memory:
            # one shared connection, or every connection would see its own empty database
            from sqlalchemy.pool import StaticPool

            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _install_sqlite_hooks(engine, wal=not in_memory)
        return engine
    if url.startswith("postgresql"):
        return create_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_timeout=10,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5, "options": "-c statement_timeout=10000"},
        )
    return create_engine(url, poolclass=NullPool)


def _install_sqlite_hooks(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy, not the sqlite3 module, decide when transactions begin
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            # checkpoints run on central.checkpoint's thread, not inside a request
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "DEFERRED" if conn.info.get("read_only") else "IMMEDIATE"
        # straight on the driver: this runs once per request
        conn.connection.dbapi_connection.execute(f"BEGIN {mode}")


def sqlite_file(engine: Engine) -> str | None:
    """The file of a file-backed SQLite engine, else None."""
    if not is_sqlite(engine):
        return None
    database = engine.url.database
    return database if database and database != ":memory:" else None


#: columns added to existing tables after their first release: (table, column); a database
#: created before gets them from ``upgrade_schema`` (nullable, so old rows need no value)
ADDED_COLUMNS = (("tickets", "assigned_counter"),)


def create_schema(engine: Engine) -> None:
    """Create all tables and indexes that do not exist yet, and upgrade older tables."""
    import central.db_staff  # noqa: F401  (registers the counter side's tables)

    metadata.create_all(engine)
    upgrade_schema(engine)
    _LOGGER.info("schema ready on %s", engine.url.render_as_string(hide_password=True))


def upgrade_schema(engine: Engine) -> list[str]:
    """Add the columns (and their indexes) of ``ADDED_COLUMNS`` that an older database lacks.

    ``create_all`` creates missing tables only, never a missing column. ``ALTER TABLE ...
    ADD COLUMN`` of a nullable column is the same on SQLite and PostgreSQL and instant on
    both (no table rewrite); two processes starting at once may both try, so a failure is
    checked against the database again rather than trusted. Returns what was added.
    """
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    added: list[str] = []
    for table_name, column_name in ADDED_COLUMNS:
        table = metadata.tables[table_name]
        column = table.c[column_name]
        if any(c["name"] == column_name for c in inspect(engine).get_columns(table_name)):
            continue
        kind = column.type.compile(dialect=engine.dialect)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"ALTER TABLE {table_name} ADD COLUMN {column_name} {kind}")
        except DBAPIError:
            if not any(c["name"] == column_name for c in inspect(engine).get_columns(table_name)):
                raise
        added.append(f"{table_name}.{column_name}")
        _LOGGER.warning("upgraded the database: added the column %s.%s", table_name, column_name)
        for index in table.indexes:
            if column_name in index.columns:
                try:
                    index.create(engine, checkfirst=True)
                except DBAPIError:  # another process made it meanwhile
                    if index.name not in {
                        i["name"] for i in inspect(engine).get_indexes(table_name)
                    }:
                        raise
    return added
