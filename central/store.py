"""Runs the synchronous repository functions, one transaction each, without letting
them fight over the database.

SQLite allows one writer at a time; letting many threads race for the lock means
busy-waiting with sleeps of up to 100 ms inside SQLite, which ruins latency. So on
SQLite every transaction runs in order, either on the event loop thread itself (the
default: a ticket transaction takes well under a millisecond and a thread hop costs more
than that) or on one dedicated thread. PostgreSQL transactions
run on the shared worker threads, with the connection pool as the limit, and are retried
when a unique constraint lost a race (the retry then sees the winner's row).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from central.checkpoint import WalCheckpointer
from central.db import is_sqlite, sqlite_file
from central.errors import CentralError

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

_ATTEMPTS = 3


class StoreUnavailable(CentralError):
    """The database failed or timed out (503)."""

    status = 503


class Store:
    """Transactions on one engine, run where they do not block the event loop."""

    def __init__(self, engine: Engine, *, sqlite_in_event_loop: bool = True) -> None:
        self.engine = engine
        sqlite = is_sqlite(engine)
        self._inline = sqlite and sqlite_in_event_loop
        self._serial = ThreadPoolExecutor(1, "central-db") if sqlite and not self._inline else None
        # inline SQLite keeps one connection: every transaction runs on the loop thread, in
        # order, and a pool checkout + reset per ticket cost as much as the ticket itself
        self._held: Connection | None = None
        path = sqlite_file(engine)
        self._checkpointer = WalCheckpointer(path) if path else None
        if self._checkpointer is not None:
            self._checkpointer.start()

    def _transaction(self, conn: Connection, work: Callable[[Connection], T], read_only: bool) -> T:
        conn.info["read_only"] = read_only  # read by the SQLite BEGIN hook in db.py
        with conn.begin():
            return work(conn)

    def _run_held(self, work: Callable[[Connection], T], read_only: bool) -> T:
        if self._held is None:
            self._held = self.engine.connect()
        try:
            return self._transaction(self._held, work, read_only)
        except OperationalError:
            self._held.invalidate()  # a broken connection is not reused
            self._held.close()
            self._held = None
            raise

    def run_sync(self, work: Callable[[Connection], T], *, read_only: bool = False) -> T:
        """Run ``work(conn)`` in one transaction on a pooled connection, here and now.

        Safe from any thread (tests, CLI, the worker thread).
        """

        def pooled() -> T:
            with self.engine.connect() as conn:
                return self._transaction(conn, work, read_only)

        return self._retrying(pooled)

    def _retrying(self, attempt_once: Callable[[], T]) -> T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                return attempt_once()
            except IntegrityError:
                if attempt == _ATTEMPTS:
                    raise
                _LOGGER.info("unique constraint lost a race, retrying (attempt %d)", attempt)
            except OperationalError as exc:
                _LOGGER.error("database error: %s", exc)
                raise StoreUnavailable("database-unavailable", "database error") from exc
        raise AssertionError("unreachable")

    async def run(self, work: Callable[[Connection], T], *, read_only: bool = False) -> T:
        """Run ``work(conn)`` in one transaction without blocking other requests for long
        (inline SQLite: on the loop thread; otherwise on a worker thread)."""
        if self._inline:
            return self._retrying(lambda: self._run_held(work, read_only))
        if self._serial is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._serial, lambda: self.run_sync(work, read_only=read_only)
            )
        return await anyio.to_thread.run_sync(lambda: self.run_sync(work, read_only=read_only))

    def close(self) -> None:
        """Stop the worker thread and close pooled connections."""
        if self._held is not None:
            self._held.close()
            self._held = None
        if self._serial is not None:
            self._serial.shutdown(wait=True)
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()
