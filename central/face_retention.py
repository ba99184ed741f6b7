"""When face templates are forgotten on their own: a template expires
``retention_days_after_close`` after the last of its dossiers was closed, or
``max_age_days`` after enrolment, and expired templates are deleted on every face call
and once an hour (so a centre with no face traffic still forgets on time). Every change is
in the face audit log. Split from central/faces.py (enrolment and lookup).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, select, update

from central.catalogue import to_micros
from central.errors import CentralError
from central.faces import (
    DAY_US,
    Faces,
    audit,
    dossier_key,
    face_links,
    face_templates,
    purge_expired,
)
from central.store import Store

_LOGGER = logging.getLogger(__name__)


def dossier_closed(
    conn: Connection, faces: Faces, *, actor: str, dossier: str, closed_us: int
) -> int:
    """Note that ``dossier`` was closed (returned to the citizen): each template whose
    dossiers are now all closed expires ``retention_days_after_close`` after the last
    one. Issue 8's dossier adapter calls this when a dossier reaches its final status."""
    mac = faces.vault.mac("dossier", dossier_key(dossier))
    conn.execute(
        update(face_links)
        .where(face_links.c.dossier_mac == mac, face_links.c.closed_us.is_(None))
        .values(closed_us=closed_us)
    )
    ids = (
        conn.execute(
            select(face_links.c.template_id).distinct().where(face_links.c.dossier_mac == mac)
        )
        .scalars()
        .all()
    )
    keep = faces.settings.retention_days_after_close * DAY_US
    for template_id in ids:
        closed = (
            conn.execute(
                select(face_links.c.closed_us).where(face_links.c.template_id == template_id)
            )
            .scalars()
            .all()
        )
        if all(c is not None for c in closed):
            until = max(c for c in closed if c is not None) + keep
            conn.execute(
                update(face_templates)
                .where(face_templates.c.id == template_id, face_templates.c.expires_us > until)
                .values(expires_us=until)
            )
            audit(
                conn,
                closed_us,
                actor,
                "expiry",
                "set",
                template_id,
                f"in {faces.settings.retention_days_after_close} days",
            )
    return len(ids)


PURGE_EVERY_S = 3600.0


def keep_purging(store: Store, faces: Faces, now: Callable[[], datetime],
                 every_s: float = PURGE_EVERY_S) -> asyncio.Task[None]:
    """Delete expired templates every ``every_s`` while the server runs (a centre with no
    face traffic still forgets on time; every face call purges too)."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(every_s)
            try:
                await store.run(lambda conn: purge_expired(conn, to_micros(now())))
            except CentralError as exc:
                _LOGGER.error("face purge failed, retried in %.0f s: %s", every_s, exc)

    return asyncio.ensure_future(loop())
