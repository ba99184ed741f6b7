"""Background WAL checkpoints for the SQLite database.

Why: with SQLite's automatic checkpoint, whichever request commits the 1000th WAL page
copies the WAL back into the database file and syncs it, which shows up as a latency
spike of that one citizen's ticket. Here automatic checkpoints are off on the serving
connections and a thread runs ``PRAGMA wal_checkpoint(PASSIVE)`` every second on its own
connection; PASSIVE never waits for or blocks the writer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

_LOGGER = logging.getLogger(__name__)

INTERVAL_S = 1.0
"""Seconds between two checkpoints."""

CONNECT_TIMEOUT_S = 5.0
"""How long the checkpoint connection waits for a lock before giving up on this round."""


class WalCheckpointer:
    """A daemon thread checkpointing one SQLite file until ``stop()``."""

    def __init__(self, path: str, interval_s: float = INTERVAL_S) -> None:
        self._path = path
        self._interval_s = interval_s
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="central-wal", daemon=True)

    def start(self) -> None:
        """Start checkpointing."""
        self._thread.start()

    def _checkpoint(self, conn: sqlite3.Connection | None) -> sqlite3.Connection | None:
        """One PASSIVE checkpoint; returns the connection to reuse (None after a failure)."""
        try:
            if conn is None:
                conn = sqlite3.connect(
                    self._path, timeout=CONNECT_TIMEOUT_S, check_same_thread=False
                )
            busy, wal_pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            _LOGGER.debug("checkpoint: busy=%s wal=%s copied=%s", busy, wal_pages, copied)
            return conn
        except sqlite3.Error as exc:  # logged and retried next round: never fatal
            _LOGGER.warning("WAL checkpoint of %s failed: %s", self._path, exc)
            if conn is not None:
                conn.close()
            return None

    def _loop(self) -> None:
        conn: sqlite3.Connection | None = None
        while not self._stopping.wait(self._interval_s):
            conn = self._checkpoint(conn)
        conn = self._checkpoint(conn)  # the last one, so a clean stop leaves a short WAL
        if conn is not None:
            conn.close()

    def stop(self) -> None:
        """Stop after one last checkpoint (waits at most a few seconds)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=CONNECT_TIMEOUT_S + 1)
