"""The local ticket journal: SQLite in WAL mode, written before central is called.

Every citizen's request is a row keyed by its idempotency key. A row moves

    pending --(central answered)--> online
    pending --(central down/slow)--> offline --(replayed to central)--> synced
    pending/offline --(central refused it for good)--> refused

``refused`` is terminal: the row keeps its number and the reason (``last_error``) for the
technician, and the sync loop never retries it, so a few bad rows can never hold back the
valid tickets behind them.

and each move is one committed transaction *before* the number is printed or shown, so a
crash at any point leaves either no number (the citizen saw nothing) or a journaled one
that the sync loop finishes. Offline numbers come from a per-(local day, service) counter
in the same transaction, so they never repeat, across restarts too. If the state
directory is lost, a new journal does not know which offline numbers this kiosk already
gave out today: it is *seeded* from central (:meth:`TicketJournal.seed_offline`, the
highest offline number central holds for this kiosk today, per service), and until it is
seeded a journal whose first row is from today starts its offline numbers at 501, above anything an
earlier journal of the same day plausibly reached. ``synchronous=FULL``
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

_REQUESTS = """
CREATE TABLE IF NOT EXISTS requests (
    key            TEXT PRIMARY KEY,
    created_at     TEXT NOT NULL,
    local_day      TEXT NOT NULL,
    service        TEXT NOT NULL,
    language       TEXT NOT NULL,
    priority       TEXT,
    state          TEXT NOT NULL
                   CHECK (state IN ('pending', 'online', 'offline', 'synced', 'refused')),
    number         TEXT,
    offline_number TEXT,
    ticket_json    TEXT,
    printed        INTEGER NOT NULL DEFAULT 0,
    print_error    TEXT,
    sync_attempts  INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT
)"""
_SCHEMA = """
CREATE INDEX IF NOT EXISTS requests_state ON requests (state);
-- Offline numbers restart every local day, like central's: unique within a day.
CREATE UNIQUE INDEX IF NOT EXISTS requests_offline_number ON requests (local_day, offline_number);

CREATE TABLE IF NOT EXISTS offline_counters (
    local_day TEXT NOT NULL,
    service   TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    PRIMARY KEY (local_day, service)
);
-- Days whose offline counters were raised to what central already holds.
CREATE TABLE IF NOT EXISTS offline_seeded (local_day TEXT PRIMARY KEY);
"""
_COLUMNS = (
    "key, created_at, local_day, service, language, priority, state, number, offline_number,"
    " ticket_json, printed, print_error, sync_attempts, last_error"
)
#: a journal created on a day it could not ask central starts that day's offline numbers here
UNSEEDED_START = 500
#: replays refused this many times for a reason that is not final end as ``refused`` too
MAX_SYNC_ATTEMPTS = 8


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
    last_error: str | None = None


class TicketJournal:
    """The journal file; one instance per daemon (SQLite serialises writers anyway)."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate(path)
            self._db.execute(_REQUESTS)
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise JournalError(f"{path}: cannot open the ticket journal: {exc}") from exc
        self.path = path

    def _migrate(self, path: Path) -> None:
        """Journals written before the ``refused`` state: rebuild the table (SQLite cannot
        alter a CHECK constraint), keeping every row."""
        old = self._db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'requests'"
        ).fetchone()
        if old is None or "'refused'" in old[0]:
            return
        _LOGGER.warning("%s: upgrading the journal (adds the 'refused' state)", path)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("ALTER TABLE requests RENAME TO requests_v0")
            self._db.execute(_REQUESTS)
            self._db.execute(
                f"INSERT INTO requests ({_COLUMNS}) SELECT {_COLUMNS} FROM requests_v0"
            )
            self._db.execute("DROP TABLE requests_v0")  # its indexes go with it
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

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
                "INSERT INTO offline_counters (local_day, service, last_seq) VALUES (?, ?, ?)"
                " ON CONFLICT (local_day, service) DO UPDATE SET last_seq = last_seq + 1"
                " RETURNING last_seq",
                (local_day, service, self._first_seq(db, local_day, service)),
            ).fetchone()
            number = f"{kiosk_prefix}-{service_prefix}{seq_row[0]:03d}"
            db.execute(
                "UPDATE requests SET state = 'offline', number = ?, offline_number = ?"
                " WHERE key = ?",
                (number, number, key),
            )
        return number

    def _first_seq(self, db: sqlite3.Connection, local_day: str, service: str) -> int:
        """Where a day's offline numbers start: 1, or past :data:`UNSEEDED_START` in a
        journal that is new today and could not ask central what it already holds."""
        counter = db.execute(
            "SELECT 1 FROM offline_counters WHERE local_day = ? AND service = ?",
            (local_day, service),
        ).fetchone()
        seeded = db.execute(
            "SELECT 1 FROM offline_seeded WHERE local_day = ?", (local_day,)
        ).fetchone()
        if counter is not None or seeded is not None:
            return 1
        # the request being numbered is already in the table: no earlier day means the
        # journal is new today (first day, or the state directory was lost)
        first_day = db.execute("SELECT MIN(local_day) FROM requests").fetchone()
        if first_day[0] != local_day:
            return 1
        _LOGGER.warning(
            "TECHNICIAN: journal %s is new today and central has not said which offline "
            "numbers it already holds: %s offline numbers start at %d",
            self.path,
            service,
            UNSEEDED_START + 1,
        )
        return UNSEEDED_START + 1

    def is_seeded(self, local_day: str) -> bool:
        """True once central's offline numbers of ``local_day`` were taken into account."""
        try:
            row = self._db.execute(
                "SELECT 1 FROM offline_seeded WHERE local_day = ?", (local_day,)
            ).fetchone()
        except sqlite3.Error as exc:
            raise JournalError(f"{self.path}: {exc}") from exc
        return row is not None

    def seed_offline(self, local_day: str, last_seq: dict[str, int]) -> None:
        """Raise ``local_day``'s offline counters to at least what central holds (``service
        -> highest sequence of this kiosk's offline numbers``) so none is reused."""
        with self._transaction() as db:
            for service, seq in last_seq.items():
                db.execute(
                    "INSERT INTO offline_counters (local_day, service, last_seq) VALUES (?, ?, ?)"
                    " ON CONFLICT (local_day, service) DO UPDATE"
                    " SET last_seq = MAX(last_seq, excluded.last_seq)",
                    (local_day, service, seq),
                )
            db.execute("INSERT OR IGNORE INTO offline_seeded (local_day) VALUES (?)", (local_day,))

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

    def replay_failed(self, row: JournalRow, error: str, *, final: bool) -> None:
        """A replay of ``row`` to central failed with ``error``: terminal (``refused``, with
        a TECHNICIAN line) when ``final`` or tried :data:`MAX_SYNC_ATTEMPTS` times, else
        counted and retried behind the rows that have not failed."""
        if not final and row.sync_attempts + 1 < MAX_SYNC_ATTEMPTS:
            self.note_sync_failure(row.key, error)
            _LOGGER.warning("journal row %s (%s) not accepted by central, will retry: %s",
                            row.key, row.number, error)
            return
        self.refuse(row.key, error)
        if row.state == "offline":
            _LOGGER.error(
                "TECHNICIAN: offline ticket %s (%s, issued %s) refused for good by central "
                "(%s): the citizen holding it is not in central's queue; serve them by hand",
                row.number, row.service, row.created_at, error,
            )
        else:
            _LOGGER.error(
                "TECHNICIAN: interrupted request %s (%s, %s) refused for good by central "
                "(%s); no number was shown for it",
                row.key, row.service, row.created_at, error,
            )

    def refuse(self, key: str, reason: str) -> None:
        """Central refused the row for good: terminal, kept with ``reason`` for the technician."""
        with self._transaction() as db:
            db.execute(
                "UPDATE requests SET state = 'refused', last_error = ?,"
                " sync_attempts = sync_attempts + 1"
                " WHERE key = ? AND state IN ('pending', 'offline')",
                (reason[:500], key),
            )

    def unsynced(self, limit: int = 100) -> list[JournalRow]:
        """Rows central does not know yet: offline numbers and interrupted requests.

        Rows that failed fewer times come first, so rows that keep failing can never hold
        back the ones behind them.
        """
        return self._select(
            "WHERE state IN ('pending', 'offline') ORDER BY sync_attempts, created_at LIMIT ?",
            (limit,),
        )

    def refused(self) -> list[JournalRow]:
        """Rows central refused for good (``kiosk doctor``, the health endpoint)."""
        return self._select("WHERE state = 'refused' ORDER BY created_at", ())

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
            " offline_number, ticket_json, printed, print_error, sync_attempts, last_error"
            " FROM requests "
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
                last_error=r[13],
            )
            for r in rows
        ]
