"""Core statements compiled once per dialect and executed on the driver's cursor.

Why: profiling the ticket path showed most of its time in SQLAlchemy building each
statement and computing its cache key (about 4 of 5.5 ms per ticket), and then, under
load, in building result metadata for every execution. A statement written once with
``bindparam`` and compiled once per dialect keeps SQLAlchemy's portability (the same Core
text runs on SQLite and PostgreSQL) without either cost; the transaction stays the
SQLAlchemy connection's. Only statements with fixed shapes qualify (no ``IN`` lists, no
optional clauses), and results come back as plain named tuples (no type processing).
"""

from __future__ import annotations

import collections
import functools
import logging
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
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

    def __call__(self, conn: Connection, **values: Any) -> Result:
        """Execute with ``values`` for the named bind parameters."""
        sql, order, defaults = self._compile(conn)
        params = {**defaults, **values} if defaults else values
        args: Any = tuple(params[key] for key in order) if order is not None else params
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, args)
            description = cursor.description
            rows = cursor.fetchall() if description else []
            names = tuple(column[0] for column in description) if description else ()
            return Result(_row_type(names), rows, cursor.rowcount)
        finally:
            cursor.close()


@functools.lru_cache(maxsize=256)
def _row_type(names: tuple[str, ...]) -> Any:
    return collections.namedtuple("PreparedRow", names, rename=True)


class Result:
    """The rows of one execution, with the few accessors the repositories use."""

    def __init__(self, row_type: Any, rows: Sequence[Any], rowcount: int) -> None:
        self._rows = [row_type(*row) for row in rows]
        self.rowcount = rowcount

    def first(self) -> Any:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        """Exactly one row."""
        if len(self._rows) != 1:
            raise ValueError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        """The first column of exactly one row."""
        return self.one()[0]
