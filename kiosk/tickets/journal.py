"""The local ticket journal: SQLite in WAL mode, written before central is called.

Every citizen's request is a row keyed by its idempotency key. A row moves

    pending --(central answered)--> online
    pending --(central down/slow)--> offline --(replayed to central)--> synced

and each move is one committed transaction *before* the number is printed or shown, so a
crash at any point leaves either no number (the citizen saw nothing) or a journaled one
that the sync loop finishes. Offline numbers come from a per-(local day, service) counter
in the same transaction, so they never repeat, across restarts too. ``synchronous=FULL``
because a ticket that a citizen holds must survive a power cut.

sqlite3 is used directly (no ORM): five statements, and the file must stay readable with
the ``sqlite3`` shell by a technician.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.tickets.errors import JournalError

_LOGGER = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    key            TEXT PRIMARY KEY,
    created_at     TEXT NOT NULL,
    local_day      TEXT NOT NULL,
    service        TEXT NOT NULL,
    language       TEXT NOT NULL,
    priority       TEXT,
    state          TEXT NOT NULL CHECK (state IN ('pending', 'online', 'offline', 'synced')),
    number         TEXT,
    offline_number TEXT,
    ticket_json    TEXT,
    printed        INTEGER NOT NULL DEFAULT 0,
    print_error    TEXT,
    sync_attempts  INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT
);
CREATE INDEX IF NOT EXISTS requests_state ON requests (state);
-- Offline numbers restart every local day, like central's: unique within a day.
CREATE UNIQUE INDEX IF NOT EXISTS requests_offline_number ON requests (local_day, offline_number);
CREATE TABLE IF NOT EXISTS offline_counters (
    local_day TEXT NOT NULL,
    service   TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (local_day, service)
);
"""


@dataclass(frozen=True)
class JournalRow:
    """One citizen's request as the journal holds it."""

    key: str
    created_at: str
    local_day: str
    service: str
    language: str
    priority: str | None
    state: str
    number: str | None
    offline_number: str | None
    ticket: dict[str, Any] | None
    printed: bool
    print_error: str | None
    sync_attempts: int


class TicketJournal:
    """The journal file; one instance per daemon (SQLite serialises writers anyway)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise JournalError(f"{path}: cannot open the ticket journal: {exc}") from exc
        self.path = path

    def close(self) -> None:
        """Close the file (all rows are already committed)."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise JournalError(f"{self.path}: {exc}") from exc

    def begin(
        self,
        key: str,
        *,
        created_at: datetime,
        local_day: str,
        service: str,
        language: str,
        priority: str | None,
    ) -> None:
        """Record a request before central is called."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO requests (key, created_at, local_day, service, language, priority,"
                " state) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                (key, created_at.isoformat(), local_day, service, language, priority),
            )

    def mark_online(self, key: str, ticket: dict[str, Any]) -> None:
        """Central gave the number (first answer, or a replay of a pending row)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE requests SET state = 'online', number = ?, ticket_json = ?,"
                " last_error = NULL"
                " WHERE key = ? AND state = 'pending'",
                (ticket["number"], json.dumps(ticket, ensure_ascii=False), key),
            )

    def issue_offline(self, key: str, *, kiosk_prefix: str, service_prefix: str) -> str:
        """Give the request this kiosk's next offline number for its day and service."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT local_day, service, state, offline_number FROM requests WHERE key = ?",
                (key,),
            ).fetchone()
            if row is None:
                raise JournalError(f"no journal row for request {key}")
            local_day, service, state, existing = row
            if state != "pending":
                return str(existing)
            seq_row = db.execute(
                "INSERT INTO offline_counters (local_day, service, last_seq) VALUES (?, ?, 1)"
                " ON CONFLICT (local_day, service) DO UPDATE SET last_seq = last_seq + 1"
                " RETURNING last_seq",
                (local_day, service),
            ).fetchone()
            number = f"{kiosk_prefix}-{service_prefix}{seq_row[0]:03d}"
            db.execute(
                "UPDATE requests SET state = 'offline', number = ?, offline_number = ?"
                " WHERE key = ?",
                (number, number, key),
            )
        return number

    def mark_synced(self, key: str, ticket: dict[str, Any]) -> None:
        """Central accepted the offline ticket (exactly once: same idempotency key)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE requests SET state = 'synced', ticket_json = ?, last_error = NULL"
                " WHERE key = ? AND state = 'offline'",
                (json.dumps(ticket, ensure_ascii=False), key),
            )

    def mark_printed(self, key: str, error: str | None) -> None:
        """Record whether the ticket came out of the printer (``error`` when not)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE requests SET printed = ?, print_error = ? WHERE key = ?",
                (0 if error else 1, error, key),
            )

    def note_sync_failure(self, key: str, error: str) -> None:
        """Count a failed replay so a technician can see stuck rows."""
        with self._transaction() as db:
            db.execute(
                "UPDATE requests SET sync_attempts = sync_attempts + 1, last_error = ?"
                " WHERE key = ?",
                (error[:500], key),
            )

    def unsynced(self, limit: int = 100) -> list[JournalRow]:
        """Rows central does not know yet: offline numbers and interrupted requests."""
        return self._select(
            "WHERE state IN ('pending', 'offline') ORDER BY created_at LIMIT ?", (limit,)
        )

    def get(self, key: str) -> JournalRow | None:
        """One row by idempotency key."""
        rows = self._select("WHERE key = ?", (key,))
        return rows[0] if rows else None

    def all_rows(self) -> list[JournalRow]:
        """Every row, oldest first (tests, `kiosk journal`)."""
        return self._select("ORDER BY created_at", ())

    def counts(self) -> dict[str, int]:
        """How many rows are in each state (health endpoint, doctor)."""
        try:
            rows = self._db.execute("SELECT state, COUNT(*) FROM requests GROUP BY state")
            return {state: count for state, count in rows}
        except sqlite3.Error as exc:
            raise JournalError(f"{self.path}: {exc}") from exc

    def _select(self, where: str, args: tuple[Any, ...]) -> list[JournalRow]:
        sql = (
            "SELECT key, created_at, local_day, service, language, priority, state, number,"
            " offline_number, ticket_json, printed, print_error, sync_attempts FROM requests "
        )
        try:
            rows = self._db.execute(sql + where, args).fetchall()
        except sqlite3.Error as exc:
            raise JournalError(f"{self.path}: {exc}") from exc
        return [
            JournalRow(
                key=r[0],
                created_at=r[1],
                local_day=r[2],
                service=r[3],
                language=r[4],
                priority=r[5],
                state=r[6],
                number=r[7],
                offline_number=r[8],
                ticket=json.loads(r[9]) if r[9] else None,
                printed=bool(r[10]),
                print_error=r[11],
                sync_attempts=r[12],
            )
            for r in rows
        ]
