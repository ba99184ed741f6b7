"""What a screen shows: plain frozen data the daemon builds from the flow's state and visit.

The screen draws a :class:`ScreenModel` and nothing else, so the same model always gives
the same picture and a test can build one by hand for every state and language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceButton:
    """A service as the grid shows it."""

    code: str
    name: str


@dataclass(frozen=True)
class PriorityButton:
    """A priority category as central names it in the visit's language."""

    code: str
    name: str


@dataclass(frozen=True)
class ChoiceButton:
    """One choice of the voice's question back (an intent, named in the visit's language)."""

    code: str
    name: str


@dataclass(frozen=True)
class TicketPanel:
    """What the ticket screen shows."""

    number: str
    service_name: str
    counters: tuple[str, ...]
    people_ahead: int | None
    wait_min: int | None
    printed: bool
    offline: bool
    status_url: str
    #: the number is shown before the printer is tried: "printing" instead of a verdict
    printing: bool = False
    priority_name: str | None = None
    #: a picture of the lobby with the route drawn (PNG bytes), when navigation has one
    route_png: bytes | None = None


@dataclass(frozen=True)
class ProcedureItem:
    """A procedure in a list (search results, a field's procedures)."""

    code: str
    name: str


@dataclass(frozen=True)
class ProcedureDetail:
    """The answer screen of one procedure, in the visit's language."""

    code: str
    name: str
    field: str
    documents: tuple[str, ...]
    fee: str
    time: str
    steps: tuple[str, ...]
    counters: tuple[str, ...]
    sample: bool
    #: the lobby with the way to the first counter drawn (PNG), when there is a map
    route_png: bytes | None = None


@dataclass(frozen=True)
class ProcedurePanel:
    """What the procedures screen shows: the search box and keyboard with fields or
    results, a field's procedures, or one procedure's answer."""

    query: str = ""
    field_name: str | None = None
    items: tuple[ProcedureItem, ...] = ()
    detail: ProcedureDetail | None = None
    notice: str | None = None


@dataclass(frozen=True)
class FacePanel:
    """The face steps of the dossier screen (issue 9): which buttons to offer, and the
    consent, second factor, camera challenge or ending being shown."""

    on: bool = False
    """Faces are on at this kiosk: "forget my face" (and "next time, by face?")."""
    button: bool = False
    """Offer "look up by face" (the camera works and the models are loaded)."""
    by_face: bool = False
    """The result shown was found by face (no enrolment offer)."""
    purpose: str = ""
    factor: str = ""
    factor_kind: str = "birth_year"
    turn: str = ""
    stage: str = ""
    problem: str | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class DossierPanel:
    """What the dossier screen shows: the keypad (code or second factor) with what was
    typed and any error, the lockout, or the answer (name already masked by central)."""

    phase: str = "code"
    code: str = ""
    factor: str = ""
    factor_kind: str | None = None
    error: str | None = None
    locked_min: int = 0
    procedure: str = ""
    applicant: str = ""
    status: str = ""
    received_on: str = ""
    appointment_on: str | None = None
    missing: tuple[str, ...] = ()
    pickup: str | None = None
    fee_due: str = ""
    #: the citizen's other dossiers (found by a face linked to several)
    more: int = 0
    face: FacePanel = FacePanel()


@dataclass(frozen=True)
class ScreenModel:
    """Everything one screen shows; built by the daemon from the flow's state and visit."""

    state: str
    language: str
    languages: tuple[str, ...]
    centre_name: str
    services: tuple[ServiceButton, ...] = ()
    ticket: TicketPanel | None = None
    error: str | None = None
    has_base: bool = False
    priorities: tuple[PriorityButton, ...] = ()
    #: the category the citizen said they have (the next field touched carries it)
    priority: str | None = None
    #: the robot leads to the field's waiting area (not to one counter)
    guide_to_area: bool = False
    features: frozenset[str] = frozenset({"booking", "rating", "help"})
    page: int = 0
    booking_code: str = ""
    score: int | None = None
    reasons: tuple[str, ...] = ()
    rating_levels: int = 5
    #: the served ticket being rated ("A001", "Quầy 3"); empty until its QR was shown
    rate_number: str = ""
    rate_counter: str = ""
    rate_checking: bool = False
    large_text: bool = False
    person_seen: bool = False
    #: parts that are down ("printer", "central"): a friendly note, the kiosk still serves
    faults: tuple[str, ...] = ()
    #: a microphone button: voice can listen in this language (touch-to-talk mode)
    can_talk: bool = False
    #: the call for help: "" (none), sending, sent, taken (by ``help_counter``), failed
    help_state: str = ""
    help_counter: str | None = None
    #: the procedures screen (issue 8)
    procedure: ProcedurePanel | None = None
    dossier: DossierPanel | None = None
    #: the voice's question back, with at most three touchable choices over the screen
    choices: tuple[ChoiceButton, ...] = ()
    choice_question: str = ""
    #: the lobby map with the way to a place the citizen asked for by voice (PNG)
    way_png: bytes | None = None
    way_text: str = ""
