"""The small typed events that arrive on the daemon's one asyncio queue.

Screens, voice, devices, central and timers only ever *send* these; the visitor flow is
the one place that decides what they mean. Each event is a frozen dataclass so the
transcript of a day is a plain list that tests compare and a technician can replay.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Touch:
    """The citizen touched a target on screen (``target`` is its stable id)."""

    target: str
    value: str | None = None


@dataclass(frozen=True)
class VoiceIntent:
    """Voice understood something: an intent name with its slots."""

    name: str
    slots: dict[str, str] = field(default_factory=dict)
    transcript: str = ""
    language: str | None = None
    """The language it was heard in (the kiosk answers in it)."""


@dataclass(frozen=True)
class QRScanned:
    """The camera read a QR code: ``code`` is the booking code in it, or None if the QR
    holds anything else (``text`` is what it held, cut short, for the log)."""

    code: str | None
    text: str


@dataclass(frozen=True)
class PersonDetected:
    """The camera saw somebody in front of the kiosk."""


@dataclass(frozen=True)
class Timeout:
    """A flow timer ran out; ``generation`` ties it to the state visit that armed it."""

    generation: int


@dataclass(frozen=True)
class TicketReady:
    """Issuing finished: a number exists (online or offline) and printing was tried."""

    number: str
    offline: bool
    printed: bool
    print_error: str | None = None


@dataclass(frozen=True)
class IssueFailed:
    """Issuing failed before any number existed (only the local journal can cause this)."""

    code: str
    message: str


@dataclass(frozen=True)
class RedeemFailed:
    """A booking code could not be turned into a ticket (``code`` is central's or ours)."""

    code: str
    message: str = ""


@dataclass(frozen=True)
class GuideFinished:
    """The robot reached the counter (or gave up)."""

    result: str


@dataclass(frozen=True)
class Docked:
    """The robot is back at its dock."""

    result: str


@dataclass(frozen=True)
class EmergencyStop:
    """The emergency stop was pressed (or a bumper was hit)."""

    reason: str


@dataclass(frozen=True)
class Shutdown:
    """Stop the daemon (signal, or the end of a demo script)."""


KioskEvent = (
    Touch
    | VoiceIntent
    | PersonDetected
    | QRScanned
    | Timeout
    | TicketReady
    | IssueFailed
    | RedeemFailed
    | GuideFinished
    | Docked
    | EmergencyStop
    | Shutdown
)


def describe(event: KioskEvent) -> dict[str, Any]:
    """A JSON-ready dict of ``event`` for the transcript: its type name and fields."""
    return {"type": type(event).__name__, **asdict(event)}
