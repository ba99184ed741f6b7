"""``central serve --workers N``: several server processes on one port, on PostgreSQL.

uvicorn's supervisor forks N worker processes that share the listening socket; each
builds its own app (its own connection pool) from the settings file named in
``CENTRAL_CONFIG``. Correctness does not depend on any one process: numbers come from
PostgreSQL's ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` in the ticket's own
transaction and ``UNIQUE(service, local_day, seq)``, idempotency from
``UNIQUE(kiosk, idempotency_key)``; the only per-process state is the wait estimate's
mean service time, cached for a few seconds (each worker refreshes its own).

SQLite is refused for more than one worker: its writers serialise on one file lock, and
this server runs SQLite transactions on the event loop (``sqlite_in_event_loop``), where a
lock held by another process stalls every request of a worker for up to its busy timeout.
"""

from __future__ import annotations

import logging
import os

from fastapi import FastAPI

from central.app import create_app
from central.settings import load_settings

_LOGGER = logging.getLogger(__name__)

CONFIG_ENV = "CENTRAL_CONFIG"


def refusal(database_url: str, workers: int) -> str | None:
    """Why ``workers`` processes cannot serve ``database_url``, or None when they can."""
    if workers > 1 and not database_url.startswith("postgresql"):
        return (
            f"--workers {workers} needs PostgreSQL (database_url = "
            "\"postgresql+psycopg://...\"): SQLite serves from one process only"
        )
    return None


def app_from_environment() -> FastAPI:
    """The app of one worker process (uvicorn calls this factory in each worker)."""
    settings = load_settings(os.environ[CONFIG_ENV])
    _LOGGER.info("worker %d serving %s", os.getpid(), settings.centre_name)
    return create_app(settings)
