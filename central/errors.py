"""Errors of the central queue server, each with a machine-readable ``code``.

Error tree::

    CentralError (code, status)            -> {"error": {"code", "message"}} on the wire
     +-- ConfigError                       bad settings file (one line per problem)
     +-- NotFound (404)                    unknown-ticket, unknown-booking, no-ticket-waiting,
     |                                     unknown-help-request, not-found
     +-- Conflict (409)                    idempotency-conflict, invalid-state, booking-used,
     |                                     booking-wrong-day, duplicate-number
     +-- BadInput (422)                    unknown-service, unknown-priority, unknown-counter,
     |                                     bad-request, priority-not-allowed
     +-- AuthError (401 unauthorized / 403 forbidden)

Database errors (SQLAlchemy) are converted at the repository boundary where they mean
something to a client (a unique-constraint race becomes a Conflict); anything else is a
500 with code ``internal``.
"""

from __future__ import annotations

import logging

_LOGGER = logging.getLogger(__name__)


class CentralError(Exception):
    """Base of all central errors; ``status`` is the HTTP status it maps to."""

    status: int = 500

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def body(self) -> dict[str, dict[str, str]]:
        """The wire form ``{"error": {"code", "message"}}``."""
        return {"error": {"code": self.code, "message": self.message}}


class ConfigError(CentralError):
    """The settings file is unreadable or invalid; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("bad-config", "\n".join(problems))
        self.problems = problems


class NotFound(CentralError):
    """A named thing does not exist (404)."""

    status = 404


class Conflict(CentralError):
    """The request clashes with the current state (409)."""

    status = 409


class BadInput(CentralError):
    """The request is well-formed JSON but names something invalid (422)."""

    status = 422


class AuthError(CentralError):
    """Missing/wrong token (401) or a token of the wrong kind (403)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code, message)
        self.status = status
