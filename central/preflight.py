"""What ``central check-config`` and ``central serve`` check before serving.

The settings model checks the file; here the database it names is checked the way the
server will use it: a SQLite file's folder must exist and be writable (the unit's
``StateDirectory=kiosk-central`` creates ``/var/lib/kiosk-central``), and the database
must answer a connection. A problem that restarting cannot fix is a *config* problem
(exit 2, which ``central.service`` does not restart); a database that does not answer
may come up later (exit 3, restarted).

Files the settings name (``procedures_file``, ``[faces] key_file``) are read and checked
here too, before any server process starts: under ``--workers N`` a worker that fails to
build the app is respawned by uvicorn forever, where one line and exit 2 was due.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from central.errors import ConfigError
from central.settings import CentralSettings

_LOGGER = logging.getLogger(__name__)


class PreflightError(Exception):
    """The settings cannot be served; ``transient`` when retrying later may help."""

    def __init__(self, line: str, *, transient: bool = False) -> None:
        super().__init__(line)
        self.transient = transient


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL, None for PostgreSQL or an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def check_files(settings: CentralSettings) -> None:
    """Raise :class:`PreflightError` when a file the settings name is missing or invalid:
    the procedure catalogue (read and validated against the centre's codes) and the face
    key when faces are enabled."""
    if settings.procedures_file:
        from central.procedure_store import known_codes
        from central.procedures import CatalogueError, read_catalogue_file

        try:
            read_catalogue_file(Path(settings.procedures_file), **known_codes(settings))
        except CatalogueError as exc:
            problems = exc.problems
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise PreflightError(f"procedures_file: {problems[0]}{more}") from exc
    if settings.faces.enabled:
        from central.face_vault import load_key

        try:
            load_key(settings.faces)
        except ConfigError as exc:
            raise PreflightError(exc.problems[0]) from exc


def preflight(settings: CentralSettings) -> None:
    """Raise :class:`PreflightError` naming the file setting or ``database_url`` and what is
    wrong."""
    check_files(settings)
    path = sqlite_path(settings.database_url)
    if path is not None:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise PreflightError(f"database_url: folder {folder} does not exist")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PreflightError(f"database_url: folder {folder} is not writable by this user")
        if path.exists() and not os.access(path, os.R_OK | os.W_OK):
            raise PreflightError(f"database_url: {path} is not readable and writable")
    from central.db import make_engine

    try:
        engine = make_engine(settings.database_url)
    except (ImportError, SQLAlchemyError) as exc:
        raise PreflightError(f"database_url: cannot use it: {exc}") from exc
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise PreflightError(
            f"database_url: the database does not answer: {first}", transient=path is None
        ) from exc
    finally:
        engine.dispose()
