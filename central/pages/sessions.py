"""Staff sessions of the pages: an officer signed in at a counter, or a manager.

The browser holds a random secret in an HttpOnly, SameSite=Strict cookie; the database
holds only its SHA-256, so a copy of the database signs nobody in. Sessions live in the
database (not in a worker's memory) so every server worker knows them, and end after
``pages.session_minutes`` without an action. Each session has its own CSRF token that
every form posts back. Wrong PINs are limited per counter: after five failures the
counter refuses sign-ins for a minute (a 4-digit PIN must not be guessable by a script).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select, update

from central.catalogue import Catalogue, to_micros
from central.db_staff import staff_sessions

_LOGGER = logging.getLogger(__name__)

COOKIE = "central_session"
MAX_FAILURES = 5
LOCK_S = 60.0


@dataclass(frozen=True)
class Session:
    """A live staff session."""

    id: str
    role: str  # counter | manager
    counter: str | None
    csrf: str
    language: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SignInGuard:
    """Counts wrong secrets per target and locks it for a while after too many."""

    def __init__(self) -> None:
        self._failures: dict[str, tuple[int, float]] = {}

    def locked(self, target: str) -> bool:
        """True while ``target`` refuses sign-ins."""
        count, since = self._failures.get(target, (0, 0.0))
        if count >= MAX_FAILURES and time.monotonic() - since < LOCK_S:
            return True
        if count >= MAX_FAILURES:
            self._failures.pop(target, None)
        return False

    def failed(self, target: str) -> None:
        """Record one wrong secret for ``target``."""
        count, _ = self._failures.get(target, (0, 0.0))
        self._failures[target] = (count + 1, time.monotonic())

    def succeeded(self, target: str) -> None:
        """Forget the failures of ``target``."""
        self._failures.pop(target, None)


def _same(given: str, expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def counter_secret_ok(cat: Catalogue, counter: str, secret: str) -> bool:
    """The PIN or the token of ``counter``."""
    settings = cat.counters.get(counter)
    if settings is None or not secret:
        return False
    return _same(secret, settings.pin) | _same(secret, settings.token)


def manager_secret_ok(cat: Catalogue, secret: str) -> bool:
    """One of the configured manager tokens."""
    found = False
    for token in cat.settings.pages.manager_tokens:
        found |= bool(secret) and _same(secret, token)
    return found


def open_session(
    conn: Connection, cat: Catalogue, role: str, counter: str | None, language: str
) -> str:
    """Store a new session; returns the cookie's secret."""
    secret = secrets.token_urlsafe(32)
    now_us = to_micros(cat.now())
    conn.execute(delete(staff_sessions).where(staff_sessions.c.expires_us < now_us))
    conn.execute(
        staff_sessions.insert().values(
            id=_digest(secret),
            role=role,
            counter=counter,
            csrf=secrets.token_urlsafe(24),
            language=language,
            created_us=now_us,
            expires_us=now_us + cat.settings.pages.session_minutes * 60_000_000,
        )
    )
    _LOGGER.info("%s session opened (counter %s)", role, counter)
    return secret


def find_session(conn: Connection, cat: Catalogue, secret: str, role: str) -> Session | None:
    """The live session of ``secret`` with ``role`` (its expiry pushed on), else None."""
    if not secret:
        return None
    key = _digest(secret)
    row = conn.execute(select(staff_sessions).where(staff_sessions.c.id == key)).first()
    now_us = to_micros(cat.now())
    if row is None or row.role != role or row.expires_us < now_us:
        return None
    if role == "counter" and row.counter not in cat.counters:
        return None  # the counter was removed from the config since
    conn.execute(
        update(staff_sessions)
        .where(staff_sessions.c.id == key)
        .values(expires_us=now_us + cat.settings.pages.session_minutes * 60_000_000)
    )
    return Session(row.id, row.role, row.counter, row.csrf, row.language)


def close_session(conn: Connection, secret: str) -> None:
    """Sign out."""
    conn.execute(delete(staff_sessions).where(staff_sessions.c.id == _digest(secret)))
