"""Runs the synchronous repository functions off the event loop, one transaction each.

SQLite allows one writer at a time; letting many threads race for the lock means
busy-waiting with sleeps of up to 100 ms inside SQLite, which ruins latency. So on
SQLite every transaction runs on one dedicated thread, in order. PostgreSQL transactions
run on the shared worker threads, with the connection pool as the limit, and are retried
when a unique constraint lost a race (the retry then sees the winner's row).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from central.db import is_sqlite
from central.errors import CentralError

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")

_ATTEMPTS = 3


class StoreUnavailable(CentralError):
    """The database failed or timed out (503)."""

    status = 503


class Store:
    """Transactions on one engine, run where they do not block the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._serial = ThreadPoolExecutor(1, "central-db") if is_sqlite(engine) else None
        self._inline = is_sqlite(engine) and os.environ.get("CENTRAL_SQLITE_INLINE") == "1"

    def run_sync(self, work: Callable[[Connection], T], *, read_only: bool = False) -> T:
        """Run ``work(conn)`` in one transaction, here and now (tests, CLI, worker thread)."""
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                with self.engine.connect() as conn:
                    if read_only:
                        conn = conn.execution_options(read_only=True)
                    with conn.begin():
                        return work(conn)
            except IntegrityError:
                if attempt == _ATTEMPTS:
                    raise
                _LOGGER.info("unique constraint lost a race, retrying (attempt %d)", attempt)
            except OperationalError as exc:
                _LOGGER.error("database error: %s", exc)
                raise StoreUnavailable("database-unavailable", "database error") from exc
        raise AssertionError("unreachable")

    async def run(self, work: Callable[[Connection], T], *, read_only: bool = False) -> T:
        """Run ``work(conn)`` in one transaction on a worker thread."""
        if self._inline:
            return self.run_sync(work, read_only=read_only)
        if self._serial is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._serial, lambda: self.run_sync(work, read_only=read_only)
            )
        return await anyio.to_thread.run_sync(lambda: self.run_sync(work, read_only=read_only))

    def close(self) -> None:
        """Stop the worker thread and close pooled connections."""
        if self._serial is not None:
            self._serial.shutdown(wait=True)
        self.engine.dispose()
