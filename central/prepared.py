"""Core statements compiled once per dialect and executed through the driver.

Why: profiling the ticket path showed most of its time in SQLAlchemy building each
statement and computing its cache key (about 4 of 5.5 ms per ticket). A statement
written once with ``bindparam`` and compiled once per dialect keeps SQLAlchemy's
portability (the same Core text runs on SQLite and PostgreSQL) without that cost.
Only statements with fixed shapes qualify (no ``IN`` lists, no optional clauses).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Connection, CursorResult
from sqlalchemy.sql import Executable

_LOGGER = logging.getLogger(__name__)


class Prepared:
    """One statement, compiled lazily per dialect; call it with the bind values."""

    def __init__(self, statement: Executable) -> None:
        self._statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _compile(self, conn: Connection) -> tuple[str, tuple[str, ...] | None, dict[str, Any]]:
        name = conn.dialect.name
        entry = self._compiled.get(name)
        if entry is None:
            with self._lock:
                compiled = self._statement.compile(dialect=conn.dialect)  # type: ignore[attr-defined]
                order = tuple(compiled.positiontup) if compiled.positional else None
                # literal values in the statement become bind parameters with defaults
                defaults = {
                    key: bind.value for key, bind in compiled.binds.items() if not bind.required
                }
                entry = (compiled.string, order, defaults)
                self._compiled[name] = entry
        return entry

    def __call__(self, conn: Connection, **values: Any) -> CursorResult[Any]:
        """Execute with ``values`` for the named bind parameters."""
        sql, order, defaults = self._compile(conn)
        params = {**defaults, **values} if defaults else values
        if order is not None:
            return conn.exec_driver_sql(sql, tuple(params[key] for key in order))
        return conn.exec_driver_sql(sql, params)
