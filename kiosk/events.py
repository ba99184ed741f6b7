"""The small typed events that arrive on the daemon's one asyncio queue.

Screens, voice, devices, central and timers only ever *send* these; the visitor flow is
the one place that decides what they mean. Each event is a frozen dataclass with typed
fields, so the transcript of a day is a plain list that tests compare, and
:func:`event_from_record` reads each line of ``transcript.jsonl`` back into the event it
was (``kiosk replay`` drives a fresh flow through a recorded day with them). pydantic
validates the fields on the way back in: a hand-edited or truncated transcript is refused
with the line's type and field named, never half-read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from navigation.guide import GuideResult

#: what a touch target carries: a service or language code, a score, or nothing (the
#: "no priority" button carries None, a rating face its score as an int)
TouchValue = str | int | None


@dataclass(frozen=True)
class Touch:
    """The citizen touched a target on screen (``target`` is its stable id)."""

    target: str
    value: TouchValue = None


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
    dossier: str | None = None
    """The dossier code in it (a receipt's QR), or None; the transcript keeps a hash."""
    ticket: str | None = None
    """The ticket it names (a queue ticket's QR: its public id, or ``key:K1:...``)."""


@dataclass(frozen=True)
class RatingTicket:
    """Central answered which ticket a citizen wants to rate: its number and the counter
    that served it, or ``error`` (not-served, already-rated, unknown-ticket, unavailable)."""

    ref: str
    number: str = ""
    counter: str = ""
    error: str | None = None


@dataclass(frozen=True)
class DossierAnswer:
    """Central answered a dossier look-up: found (with its status), or refused with
    central's error code (``retry_after_s`` with a 429, ``factor_kind`` with a 428).
    Nothing personal travels here: the screen reads the answer from the ProcedureDesk."""

    found: bool
    status: str | None = None
    code: str | None = None
    retry_after_s: int | None = None
    factor_kind: str | None = None


@dataclass(frozen=True)
class FaceProgress:
    """The camera looks for the face lookup or enrolment: the stage (``look``, ``turn``),
    the direction asked once turning, and what is wrong with the frame (a screen text key:
    face_none, face_two, face_small, face_dark). No picture or number of the face."""

    stage: str
    problem: str | None = None
    turn: str = ""


@dataclass(frozen=True)
class FaceAnswer:
    """A face journey ended: ``outcome`` (found, enrolled, forgotten, not-kept, not-found,
    no-candidates, too-many, not-live, no-face, camera, unavailable, refused) and, when
    found, the dossier's status. The dossier itself stays in the daemon's memory."""

    outcome: str
    dossier_status: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class PersonDetected:
    """The camera saw somebody in front of the kiosk."""


@dataclass(frozen=True)
class Timeout:
    """A flow timer ran out; ``generation`` ties it to the state visit that armed it."""

    generation: int


@dataclass(frozen=True)
class TicketReady:
    """A number exists (online or offline): show it. ``printing`` while the printer has
    not been tried yet (the number is shown first; :class:`TicketPrinted` follows)."""

    number: str
    offline: bool
    printed: bool
    print_error: str | None = None
    printing: bool = False


@dataclass(frozen=True)
class TicketPrinted:
    """The printer was tried for ticket ``number``: printed, or the error's code."""

    number: str
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
    """The robot reached the counter (or gave up: ``detail`` says why, for the log)."""

    result: GuideResult
    detail: str = ""


@dataclass(frozen=True)
class Docked:
    """The robot is back at its dock (``result`` None: a kiosk without a base)."""

    result: GuideResult | None = None


@dataclass(frozen=True)
class TaskFailed:
    """A task the daemon started (``task``: issue, redeem, rating, guide, return, scan,
    presence, sync, screen, voice, health) died of an exception nobody expected.

    The flow leaves the state that waited for it (inputs.py says where), so no citizen is
    left in front of a screen that never changes; ``error`` names the exception for the
    log and the transcript.
    """

    task: str
    error: str


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
    | DossierAnswer
    | FaceProgress
    | FaceAnswer
    | RatingTicket
    | Timeout
    | TicketReady
    | TicketPrinted
    | IssueFailed
    | RedeemFailed
    | GuideFinished
    | Docked
    | EmergencyStop
    | TaskFailed
    | Shutdown
)

#: every event class by its name, as ``describe`` writes it
EVENT_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in get_args(KioskEvent)}


class EventRecordError(ValueError):
    """A transcript record that is not an event this kiosk knows (type or fields)."""


def describe(event: KioskEvent) -> dict[str, Any]:
    """A JSON-ready dict of ``event`` for the transcript: its type name and fields."""
    return {"type": type(event).__name__, **asdict(event)}


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(name: str, cls: type[Any]) -> TypeAdapter[Any]:
    if name not in _ADAPTERS:
        _ADAPTERS[name] = TypeAdapter(cls)
    return _ADAPTERS[name]


def event_from_record(record: dict[str, Any]) -> KioskEvent:
    """The event ``describe`` wrote as ``record`` (the inverse of :func:`describe`).

    Raises :class:`EventRecordError` naming the type or the field that is wrong.
    """
    fields = dict(record)
    name = fields.pop("type", None)
    cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        raise EventRecordError(f"unknown event type {name!r}")
    try:
        event: KioskEvent = _adapter(name, cls).validate_python(fields)
    except ValidationError as exc:
        raise EventRecordError(
            f"{name}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}"
        ) from exc
    return event
