"""Central's copy of the procedure catalogue, kept in its database as one canonical document.

One row (``procedure_catalogue``, id 1) holds the canonical JSON and its ETag, so every
server process and worker answers the same version, and ``central catalogue import`` (a
separate process) changes it for all of them at once. ``CatalogueCache`` keeps the parsed
catalogue per process and re-reads the body only when the stored ETag changed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, update

from central.db import procedure_catalogue
from central.procedures import Procedure, canonical, etag_of, read_catalogue_file
from central.settings import CentralSettings

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredCatalogue:
    """The catalogue as served: canonical body, its ETag and the procedures by code."""

    etag: str
    body: bytes
    procedures: dict[str, dict[str, Any]]


EMPTY_BODY = b'{"format":1,"procedures":[]}'
EMPTY = StoredCatalogue(etag_of(EMPTY_BODY), EMPTY_BODY, {})


def stored_etag(conn: Connection) -> str | None:
    """The ETag of the stored catalogue, None when there is none."""
    return conn.execute(
        select(procedure_catalogue.c.etag).where(procedure_catalogue.c.id == 1)
    ).scalar_one_or_none()


def read_stored(conn: Connection) -> StoredCatalogue:
    """The stored catalogue (EMPTY when there is none)."""
    row = conn.execute(
        select(procedure_catalogue.c.etag, procedure_catalogue.c.body).where(
            procedure_catalogue.c.id == 1
        )
    ).one_or_none()
    if row is None:
        return EMPTY
    body = row.body.encode()
    doc = orjson.loads(body)
    return StoredCatalogue(row.etag, body, {p["code"]: p for p in doc["procedures"]})


def replace_catalogue(conn: Connection, procedures: Sequence[Procedure], now_us: int) -> str:
    """Store ``procedures`` as the catalogue (all or nothing); returns the new ETag."""
    body = canonical(procedures)
    etag = etag_of(body)
    values = {"etag": etag, "body": body.decode(), "updated_us": now_us}
    done = conn.execute(
        update(procedure_catalogue).where(procedure_catalogue.c.id == 1).values(**values)
    )
    if done.rowcount == 0:
        conn.execute(insert(procedure_catalogue).values(id=1, **values))
    _LOGGER.info("procedure catalogue replaced: %d procedures, etag %s", len(procedures), etag)
    return etag


def known_codes(settings: CentralSettings) -> dict[str, Sequence[str]]:
    """The centre's service and counter codes, to check a catalogue against."""
    return {
        "fields": [s.code for s in settings.services],
        "counters": [c.code for c in settings.counters],
    }


def seed(conn: Connection, settings: CentralSettings, now_us: int) -> None:
    """Load ``settings.procedures_file`` when the database holds no catalogue yet."""
    if settings.procedures_file is None or stored_etag(conn) is not None:
        return
    procedures = read_catalogue_file(Path(settings.procedures_file), **known_codes(settings))
    replace_catalogue(conn, procedures, now_us)


class CatalogueCache:
    """The parsed catalogue of this process, refreshed when the stored ETag changes."""

    def __init__(self) -> None:
        self.current = EMPTY

    def refresh(self, conn: Connection) -> StoredCatalogue:
        """The current catalogue (one small query when nothing changed)."""
        etag = stored_etag(conn)
        if etag is None:
            self.current = EMPTY
        elif etag != self.current.etag:
            self.current = read_stored(conn)
        return self.current
