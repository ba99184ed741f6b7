"""Face templates on central: enrolment, candidates by second factor, forgetting, expiry,
and the audit log of all of it.

Tables, apart from identity data (names live with the dossiers, issue 8's adapter):

- ``face_templates``: an opaque random id, the template AES-GCM-sealed, the keyed hash of
  the second factor, when it expires. Nothing readable about the person.
- ``face_links``: which dossiers a template belongs to: the dossier code as a keyed hash
  (to forget by code, or to note that the dossier closed) and sealed (to return it after a
  match). This is the reference key issue 8's dossier adapter joins on.
- ``face_lookups``: lookups in progress (which candidates a kiosk was offered), so a kiosk
  can only resolve a candidate it was given, once, within ``lookup_ttl_s``.
- ``face_audit``: who (``kiosk:K1``, ``counter:Q1``, ``central``), when, what (``enrol``,
  ``lookup`` for candidates asked, ``result`` for the kiosk's decision, ``delete``,
  ``expiry``), outcome; never a template, a second factor or a dossier code.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)

from central.db import metadata
from central.errors import BadInput, CentralError, Conflict, NotFound
from central.face_settings import FaceSettings
from central.face_vault import FaceVault, load_key

_LOGGER = logging.getLogger(__name__)

ENCODING_SIZE = 128
DAY_US = 86_400 * 1_000_000

face_templates = Table(
    "face_templates",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("factor_mac", String(64), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("template", LargeBinary, nullable=False),  # sealed, see central.face_vault
    Column("created_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
    Index("ix_face_templates_factor", "factor_mac"),
    Index("ix_face_templates_expires", "expires_us"),
)

face_links = Table(
    "face_links",
    metadata,
    Column(
        "template_id",
        String(32),
        ForeignKey("face_templates.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("dossier_mac", String(64), primary_key=True),
    Column("dossier", LargeBinary, nullable=False),  # sealed dossier code
    Column("closed_us", BigInteger, nullable=True),
    Index("ix_face_links_dossier", "dossier_mac"),
)

face_lookups = Table(
    "face_lookups",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kiosk_id", String(16), nullable=False),
    Column("candidates", Text, nullable=False),  # JSON list of template ids
    Column("created_us", BigInteger, nullable=False),
    Index("ix_face_lookups_kiosk", "kiosk_id", "created_us"),
)

face_audit = Table(
    "face_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at_us", BigInteger, nullable=False),
    Column("actor", String(40), nullable=False),
    Column("action", String(16), nullable=False),
    Column("outcome", String(24), nullable=False),
    Column("template_id", String(32), nullable=True),
    Column("detail", String(120), nullable=False, default=""),
)


class RateLimited(Conflict):
    """Too many lookups from one kiosk (429)."""

    status = 429


def refusal(answer: dict[str, Any]) -> CentralError | None:
    """The error to answer with once the transaction (and its audit line) is committed:
    a refusal must not roll its own audit line back."""
    if answer.get("outcome") == "rate-limited":
        return RateLimited("rate-limited", "too many face lookups from this kiosk; wait a minute")
    if answer.get("outcome") == "bad-candidate":
        return BadInput("bad-candidate", "the candidate was not offered for this lookup")
    return None


@dataclass(frozen=True)
class Faces:
    """What the repository functions need besides the connection."""

    vault: FaceVault
    settings: FaceSettings


def open_faces(settings: FaceSettings) -> Faces | None:
    """The vault and settings when faces are enabled (ConfigError without a usable key),
    else None."""
    if not settings.enabled:
        return None
    vault = FaceVault(load_key(settings))
    _LOGGER.info(
        "faces enabled: key %s, templates expire %d days after the last dossier closed",
        vault.key_id,
        settings.retention_days_after_close,
    )
    return Faces(vault, settings)


def start(conn: Connection, faces: Faces, now_us: int) -> None:
    """At start-up: purge what expired while central was down; warn about templates
    sealed with another key (they can no longer be found, and expire in time)."""
    purge_expired(conn, now_us)
    stale = conn.execute(
        select(func.count())
        .select_from(face_templates)
        .where(face_templates.c.key_id != faces.vault.key_id)
    ).scalar_one()
    if stale:
        _LOGGER.error(
            "TECHNICIAN: %d face template(s) sealed with another key: restore the "
            "old key file, or let them expire",
            stale,
        )


def check_factor(kind: str, value: str) -> str:
    """The second factor normalised, or BadInput naming what is wrong."""
    value = value.strip()
    if kind == "birth_year":
        if not (
            value.isascii() and value.isdigit() and len(value) == 4 and 1900 <= int(value) <= 2100
        ):
            raise BadInput("bad-factor", "birth_year: four digits, e.g. 1962")
    elif kind == "phone_last4":
        if not (value.isascii() and value.isdigit() and len(value) == 4):
            raise BadInput("bad-factor", "phone_last4: the last four digits of the phone")
    else:
        raise BadInput("bad-factor", f"unknown second factor {kind!r}")
    return value


def dossier_key(code: str) -> str:
    """A dossier code as the dossier tables keep it (upper case, no spaces)."""
    return code.strip().upper()


def pack(encoding: list[float]) -> bytes:
    """128 finite numbers as little-endian doubles; BadInput otherwise."""
    if len(encoding) != ENCODING_SIZE or not all(
        isinstance(x, int | float) and math.isfinite(x) and abs(x) <= 1.0 for x in encoding
    ):
        raise BadInput("bad-encoding", f"encoding: {ENCODING_SIZE} numbers in -1..1")
    return struct.pack(f"<{ENCODING_SIZE}d", *encoding)


def unpack(blob: bytes) -> list[float]:
    """The numbers :func:`pack` packed."""
    return list(struct.unpack(f"<{ENCODING_SIZE}d", blob))


def audit(
    conn: Connection,
    now_us: int,
    actor: str,
    action: str,
    outcome: str,
    template_id: str | None = None,
    detail: str = "",
) -> None:
    """One line of the audit log (and of the journal, with the same fields)."""
    conn.execute(
        insert(face_audit).values(
            at_us=now_us,
            actor=actor,
            action=action,
            outcome=outcome,
            template_id=template_id,
            detail=detail[:120],
        )
    )
    _LOGGER.info("face %s by %s: %s %s %s", action, actor, outcome, template_id or "", detail)


def enrol(
    conn: Connection,
    faces: Faces,
    *,
    actor: str,
    dossiers: list[str],
    factor: tuple[str, str],
    encoding: list[float],
    consent: str,
    now_us: int,
) -> dict[str, Any]:
    """Store a template linked to ``dossiers``; an earlier template of the same dossiers
    is replaced, and one of the same second factor and the same face (within
    ``same_face_distance``) is merged into it: one face per citizen, whose lookup returns
    all their dossiers, rather than two templates a lookup could not choose between."""
    vault, cfg = faces.vault, faces.settings
    blob = pack(encoding)
    factor_mac = vault.mac(factor[0], check_factor(*factor))
    macs = {vault.mac("dossier", dossier_key(code)): dossier_key(code) for code in dossiers}
    old = (
        conn.execute(
            select(face_links.c.template_id)
            .distinct()
            .where(face_links.c.dossier_mac.in_(list(macs)))
        )
        .scalars()
        .all()
    )
    same = _same_face(conn, faces, factor_mac, encoding, now_us)
    for codes in same.values():  # the citizen's other dossiers join the new face
        macs.update({vault.mac("dossier", code): code for code in codes})
    for template_id in sorted(set(old) | set(same)):
        delete_template(conn, template_id)
        audit(conn, now_us, actor, "delete", "merged" if template_id in same else "replaced",
              template_id)
    template_id = secrets.token_hex(16)
    expires_us = now_us + cfg.max_age_days * DAY_US
    conn.execute(
        insert(face_templates).values(
            id=template_id,
            factor_mac=factor_mac,
            key_id=vault.key_id,
            template=vault.seal(blob, template_id),
            created_us=now_us,
            expires_us=expires_us,
        )
    )
    for mac, code in macs.items():
        conn.execute(
            insert(face_links).values(
                template_id=template_id,
                dossier_mac=mac,
                dossier=vault.seal(code.encode(), template_id + mac),
            )
        )
    audit(
        conn,
        now_us,
        actor,
        "enrol",
        "ok",
        template_id,
        f"{len(macs)} dossier(s), consent {consent}",
    )
    return {"id": template_id, "expires_us": expires_us}


def _same_face(
    conn: Connection, faces: Faces, factor_mac: str, encoding: list[float], now_us: int
) -> dict[str, list[str]]:
    """The live templates of ``factor_mac`` within ``same_face_distance`` of ``encoding``,
    with the dossier codes each is linked to."""
    vault, limit = faces.vault, faces.settings.same_face_distance
    rows = conn.execute(
        select(face_templates.c.id, face_templates.c.template)
        .where(face_templates.c.factor_mac == factor_mac, face_templates.c.expires_us > now_us)
        .limit(faces.settings.max_candidates + 1)
    ).all()
    same: dict[str, list[str]] = {}
    for row in rows:
        if math.dist(encoding, unpack(vault.open(row.template, row.id))) <= limit:
            links = conn.execute(
                select(face_links.c.dossier_mac, face_links.c.dossier).where(
                    face_links.c.template_id == row.id
                )
            ).all()
            same[row.id] = [
                vault.open(link.dossier, row.id + link.dossier_mac).decode() for link in links
            ]
    return same


def candidates(
    conn: Connection, faces: Faces, *, kiosk: str, factor: tuple[str, str], now_us: int
) -> dict[str, Any]:
    """The templates the second factor selects, opened, under a new lookup id."""
    vault, cfg = faces.vault, faces.settings
    actor = f"kiosk:{kiosk}"
    conn.execute(
        delete(face_lookups).where(
            face_lookups.c.created_us < now_us - cfg.lookup_ttl_s * 1_000_000
        )
    )
    recent = conn.execute(
        select(func.count())
        .select_from(face_audit)
        .where(
            face_audit.c.actor == actor,
            face_audit.c.action == "lookup",
            face_audit.c.outcome != "rate-limited",
            face_audit.c.at_us >= now_us - 60_000_000,
        )
    ).scalar_one()
    if recent >= cfg.lookups_per_minute:
        audit(conn, now_us, actor, "lookup", "rate-limited")  # kept: the caller raises after
        return {"lookup": None, "outcome": "rate-limited", "candidates": []}
    factor_mac = vault.mac(factor[0], check_factor(*factor))
    rows = conn.execute(
        select(face_templates.c.id, face_templates.c.template)
        .where(face_templates.c.factor_mac == factor_mac, face_templates.c.expires_us > now_us)
        .limit(cfg.max_candidates + 1)
    ).all()
    if len(rows) > cfg.max_candidates:
        audit(conn, now_us, actor, "lookup", "too-many", None, f">{cfg.max_candidates}")
        return {"lookup": None, "outcome": "too-many", "candidates": []}
    if not rows:
        audit(conn, now_us, actor, "lookup", "no-candidates")
        return {"lookup": None, "outcome": "no-candidates", "candidates": []}
    lookup_id = secrets.token_hex(16)
    conn.execute(
        insert(face_lookups).values(
            id=lookup_id,
            kiosk_id=kiosk,
            created_us=now_us,
            candidates=json.dumps([r.id for r in rows]),
        )
    )
    audit(conn, now_us, actor, "lookup", "candidates", None, f"{len(rows)} candidate(s)")
    return {
        "lookup": lookup_id,
        "outcome": "candidates",
        "candidates": [
            {"id": r.id, "encoding": unpack(vault.open(r.template, r.id))} for r in rows
        ],
    }


def resolve(
    conn: Connection,
    faces: Faces,
    *,
    kiosk: str,
    lookup_id: str,
    outcome: str,
    candidate: str | None,
    distance: float | None,
    now_us: int,
) -> dict[str, Any]:
    """Close a lookup with the kiosk's decision; on a match, the dossiers' codes."""
    actor = f"kiosk:{kiosk}"
    row = conn.execute(
        select(face_lookups).where(
            face_lookups.c.id == lookup_id,
            face_lookups.c.kiosk_id == kiosk,
            face_lookups.c.created_us >= now_us - faces.settings.lookup_ttl_s * 1_000_000,
        )
    ).first()
    if row is None:
        raise NotFound("unknown-lookup", "no such lookup in progress for this kiosk")
    conn.execute(delete(face_lookups).where(face_lookups.c.id == lookup_id))
    detail = f"distance {distance:.3f}" if distance is not None else ""
    if outcome != "match":
        audit(conn, now_us, actor, "result", outcome, None, detail)
        return {"outcome": outcome, "dossiers": []}
    if candidate is None or candidate not in json.loads(row.candidates):
        audit(conn, now_us, actor, "result", "bad-candidate")  # the lookup is used up too
        return {"outcome": "bad-candidate", "dossiers": []}
    links = conn.execute(
        select(face_links.c.dossier_mac, face_links.c.dossier).where(
            face_links.c.template_id == candidate
        )
    ).all()
    codes = sorted(
        faces.vault.open(link.dossier, candidate + link.dossier_mac).decode() for link in links
    )
    audit(conn, now_us, actor, "result", "match", candidate, detail)
    return {"outcome": "match", "dossiers": codes}


def forget_dossier(conn: Connection, faces: Faces, *, actor: str, dossier: str, now_us: int) -> int:
    """Delete every template linked to ``dossier`` ("forget my face"); how many."""
    mac = faces.vault.mac("dossier", dossier_key(dossier))
    ids = (
        conn.execute(
            select(face_links.c.template_id).distinct().where(face_links.c.dossier_mac == mac)
        )
        .scalars()
        .all()
    )
    for template_id in ids:
        delete_template(conn, template_id)
        audit(conn, now_us, actor, "delete", "withdrawn", template_id)
    if not ids:
        audit(conn, now_us, actor, "delete", "none")
    return len(ids)


def forget_template(conn: Connection, *, actor: str, template_id: str, now_us: int) -> None:
    """Delete one template by id (a counter, at the citizen's request)."""
    if not delete_template(conn, template_id):
        audit(conn, now_us, actor, "delete", "not-found")
        raise NotFound("unknown-template", "no such face template")
    audit(conn, now_us, actor, "delete", "withdrawn", template_id)


def purge_expired(conn: Connection, now_us: int) -> int:
    """Delete the templates whose time is up; how many."""
    ids = (
        conn.execute(select(face_templates.c.id).where(face_templates.c.expires_us <= now_us))
        .scalars()
        .all()
    )
    for template_id in ids:
        delete_template(conn, template_id)
        audit(conn, now_us, "central", "delete", "expired", template_id)
    return len(ids)


def delete_template(conn: Connection, template_id: str) -> bool:
    """Delete a template and its links; False if there was none."""
    # links first: SQLite enforces the cascade only with foreign keys on, so do not rely on it
    conn.execute(delete(face_links).where(face_links.c.template_id == template_id))
    gone = conn.execute(delete(face_templates).where(face_templates.c.id == template_id))
    return bool(gone.rowcount)
