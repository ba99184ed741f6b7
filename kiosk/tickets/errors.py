"""Errors of the ticketing path.

::

    TicketingError
    +-- CentralError                  central did not give a usable answer
    |   +-- CentralUnavailable        connect error, timeout, 5xx, circuit open
    |   +-- CentralProtocolError      a body that does not match the wire API
    |   +-- CentralRejected           a 4xx with central's error code (unknown service...)
    +-- JournalError                  the local journal failed (disk full, corrupt file)
    +-- UnknownService                a service this kiosk's catalogue does not have

httpx and sqlite3 errors are converted at the boundary with ``raise ... from exc``.
"""

from __future__ import annotations


class TicketingError(Exception):
    """Base of the ticketing errors; ``code`` is short and machine-readable."""

    code = "ticketing-error"


class CentralError(TicketingError):
    """Central did not give a usable answer."""

    code = "central-error"


class CentralUnavailable(CentralError):
    """Central cannot be reached, timed out, answered 5xx, or the circuit is open."""

    code = "central-unavailable"


class CentralProtocolError(CentralError):
    """Central answered something that is not the wire API (garbage, wrong shape)."""

    code = "central-protocol"


class CentralRejected(CentralError):
    """Central refused the request (4xx); ``code`` is central's error code."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.status = status


class JournalError(TicketingError):
    """The local ticket journal failed."""

    code = "journal-error"


class UnknownService(TicketingError):
    """A ticket was asked for a service the kiosk's catalogue does not have."""

    code = "unknown-service"
