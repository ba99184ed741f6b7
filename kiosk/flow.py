"""The visitor flow: one declared state machine, the only place that decides.

python-statemachine checks the declaration when the class is created (no unreachable
state, no trap state), refuses events a state does not accept (strict ``StateMachine``),
and can draw itself (``kiosk flow-diagram``). The machine keeps the visit's context
(language, chosen service, priority, typed booking code, rating, the ticket) and tells the
daemon what to do through the small :class:`FlowEffects` protocol; it performs no I/O
itself, so a test drives it with plain events and a recording ``FlowEffects``.

::

    idle -> menu -> issue_ticket -> ticket_ready -> idle   (the menu shows the fields: one
                                                            touch from waking to a number)
    menu -> choose_service -> issue_ticket       (more fields than the menu has room for)
    menu | choose_service -> choose_priority -> menu   (the citizen says they have priority;
                                                        the next field they touch carries it)
    procedure_info -> choose_priority -> issue_ticket  (the field is already chosen)
                                                   ticket_ready -> guiding -> returning -> idle
    guiding -- could_not_guide --> ticket_ready (the way on the map; the robot drives home)
    procedure_info -> guiding -> returning   (a robot leads to a procedure's counter; if it
                                              cannot, back to the answer with the map)
    idle | menu -> issue_ticket            (a voice request names the service directly)
    menu -> booking -> redeeming -> ticket_ready        (a ticket booked online: typed,
                                                         or its QR code shown to the camera)
    menu -> rating -> rating_sent -> idle   (the citizen shows their served ticket's QR
                                             first: a rating names its ticket and counter)
    menu -> procedure_info | dossier_lookup   (when on; dossier steps: kiosk.flow_dossier,
                                               by face: kiosk.flow_faces)
    any screen a citizen uses -- call_staff --> help
    every waiting state -- timeout --> idle   (clears the visit)
    issue_ticket and redeeming have no timeout: they are bounded by the central budget and
    the printer timeout, and leaving early could leave a citizen without their number.
    guiding | returning -- emergency_stop --> safe_stop -- reset --> returning

Paging, typing a booking code and choosing a score are internal transitions: they change
the visit and re-render, but the state (and its timer) stays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Protocol

from statemachine import State, StateMachine

from kiosk.flow_dossier import DossierLook, DossierSteps
from kiosk.flow_faces import FaceSteps
from kiosk.flow_procedures import ProcedureSteps
from kiosk.flow_rating import RatingSteps

_LOGGER = logging.getLogger(__name__)

#: booking codes use central's alphabet without look-alikes (docs/wire-api.md)
BOOKING_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
BOOKING_CODE_LENGTH = 6


@dataclass(frozen=True)
class IssuedNumber:
    """What the citizen walks away with."""

    number: str
    offline: bool
    printed: bool
    print_error: str | None = None
    #: shown before the printer was tried; a ``ticket_printed`` event settles it
    printing: bool = False


@dataclass(frozen=True)
class Visit:
    """Everything the flow knows about the citizen in front of it; cleared in idle."""

    language: str
    service: str | None = None
    priority: str | None = None
    ticket: IssuedNumber | None = None
    error: str | None = None
    page: int = 0
    booking_code: str = ""
    score: int | None = None
    reasons: tuple[str, ...] = ()
    large_text: bool = False
    person_seen: bool = False
    #: the robot could not lead the citizen (blocked way, low battery): show the way instead
    show_way: bool = False
    #: procedures screen: the field browsed, the procedure shown, the Telex keys typed
    proc_field: str | None = None
    proc_code: str | None = None
    proc_keys: str = ""
    proc_notice: str | None = None
    dossier: DossierLook = DossierLook()
    #: rating: the ticket being checked, then the served ticket rated (its number, counter)
    rate_pending: str | None = None
    rate_ref: str | None = None
    rate_number: str = ""
    rate_counter: str = ""


class FlowEffects(Protocol):
    """What the flow asks of the daemon; every call returns at once."""

    def render(self, state: str, visit: Visit) -> None:
        """Show ``state`` for ``visit`` on screen (and speak it, where voice is on)."""

    def arm_timer(self, seconds: float | None) -> None:
        """(Re)start the state's timeout; ``None`` disarms it."""

    def start_issuing(self, visit: Visit) -> None:
        """Issue and print a ticket for ``visit``; post TicketReady or IssueFailed."""

    def start_guiding(self, visit: Visit) -> None:
        """Lead the citizen to the ticket's counter; post GuideFinished."""

    def start_returning(self) -> None:
        """Drive back to the dock; post Docked."""

    def stop_motion(self) -> None:
        """Stop the base now."""

    def reset_after_stop(self) -> bool:
        """Clear a latched safety stop; False while its cause is still there."""


class VisitEffects(FlowEffects, Protocol):
    """The effects of the later screens (bookings, ratings, help)."""

    def start_redeeming(self, visit: Visit) -> None:
        """Redeem ``visit.booking_code`` and print it; post TicketReady or RedeemFailed."""

    def send_rating(self, visit: Visit) -> None:
        """Send ``visit.score`` and ``visit.reasons`` to central (in the background)."""

    def call_staff(self, state: str) -> None:
        """Tell the staff that a citizen needs help at this kiosk."""

    def start_scanning(self) -> None:
        """The booking (or rating) screen is up: read QR codes (post QRScanned) while it is."""

    def check_rating_ticket(self, ref: str) -> None:
        """Ask central about the ticket ``ref`` a citizen wants to rate; post RatingTicket."""

    def print_checklist(self, visit: Visit) -> None:
        """Print the checklist of ``visit.proc_code`` on the ticket printer (background)."""

    def next_dossier(self) -> None:
        """Show the citizen's next dossier (a face linked to several); no event follows."""

    def start_dossier_lookup(self, visit: Visit) -> None:
        """Ask central for ``visit.dossier``; post DossierFound or DossierFailed."""


@dataclass(frozen=True)
class FlowTimeouts:
    """Seconds each waiting state stays up without input."""

    idle_s: float
    ticket_ready_s: float
    thanks_s: float = 8.0


# Paging, typing and scoring are internal transitions: they keep the state and its timer.
_STAY: dict[str, Any] = {"internal": True}

# States a citizen interacts with; they all time out to idle after ``idle_s``.
_INTERACTIVE = ("menu", "choose_service", "choose_priority", "booking", "rating", "help",
                "procedure_info", "dossier_lookup")


class VisitorFlow(FaceSteps, DossierSteps, ProcedureSteps, RatingSteps, StateMachine):
    """The declared visitor flow of the kiosk (see the module docstring)."""

    idle = State(initial=True)
    menu = State()
    choose_service = State()
    choose_priority = State()
    issue_ticket = State()
    booking = State()
    redeeming = State()
    ticket_ready = State()
    rating = State()
    rating_sent = State()
    help = State()
    procedure_info = State()
    dossier_lookup = State()
    guiding = State()
    returning = State()
    safe_stop = State()

    start = idle.to(menu)
    take_ticket = menu.to(choose_service)
    # the fields' pages, and a procedure's answer longer than a screen (large text)
    _NEXT, _PREV = {"on": "_turn_page_next"}, {"on": "_turn_page_prev", "cond": "not_first_page"}
    page_next = (choose_service.to.itself(**_NEXT, **_STAY)  # type: ignore[no-untyped-call]
                 | procedure_info.to.itself(**_NEXT, **_STAY))  # type: ignore[no-untyped-call]
    page_prev = (choose_service.to.itself(**_PREV, **_STAY)  # type: ignore[no-untyped-call]
                 | procedure_info.to.itself(**_PREV, **_STAY))  # type: ignore[no-untyped-call]
    select_service = (
        choose_service.to(issue_ticket, cond="known_service")
        | menu.to(issue_ticket, cond="known_service")
        | idle.to(issue_ticket, cond="known_service")
        | procedure_info.to(choose_priority, cond=["known_service", "has_priorities"])
        | procedure_info.to(issue_ticket, cond="known_service")  # "take a number" for it
    )
    # priority is an option on the field screens, not a step for everyone
    ask_priority = (menu.to(choose_priority, cond="has_priorities")
                    | choose_service.to(choose_priority, cond="has_priorities"))
    select_priority = (
        choose_priority.to(issue_ticket, cond=["known_priority", "service_chosen"])
        | choose_priority.to(menu, cond="known_priority")
    )
    ticket_issued = issue_ticket.to(ticket_ready) | redeeming.to(ticket_ready)
    # the printer was tried after the number was shown: update the ticket screen in place
    ticket_printed = ticket_ready.to.itself(on="_ticket_printed", **_STAY)  # type: ignore[no-untyped-call]
    issue_failed = issue_ticket.to(menu)
    book = menu.to(booking, cond="booking_enabled")
    type_key = booking.to.itself(on="_type_key", **_STAY)  # type: ignore[no-untyped-call]
    submit_code = booking.to(redeeming, cond="code_complete")
    scan_code = (
        booking.to(redeeming, cond="valid_booking_code", on="_take_scanned")
        | booking.to.itself(internal=True, on="_reject_scanned")  # type: ignore[no-untyped-call]
        | dossier_lookup.to.itself(on="_scan_dossier", **_STAY)  # type: ignore[no-untyped-call]
        | rating.to.itself(on="_scan_ticket", **_STAY)  # type: ignore[no-untyped-call]
    )
    # central said which ticket the citizen showed: its number and counter, or why not
    rating_ticket = rating.to.itself(on="_rating_ticket", **_STAY)  # type: ignore[no-untyped-call]
    redeem_failed = redeeming.to(booking)
    rate = menu.to(rating, cond="rating_enabled")
    choose_score = rating.to.itself(  # type: ignore[no-untyped-call]
        cond="valid_score", on="_choose_score", **_STAY)
    toggle_reason = rating.to.itself(on="_toggle_reason", **_STAY)  # type: ignore[no-untyped-call]
    submit_rating = rating.to(rating_sent, cond="has_score")
    ask_procedure = menu.to(procedure_info, cond="procedure_enabled")
    pick_field = procedure_info.to.itself(on="_pick_field", **_STAY)  # type: ignore[no-untyped-call]
    pick_procedure = procedure_info.to.itself(  # type: ignore[no-untyped-call]
        cond="procedure_code", on="_pick_procedure", **_STAY)
    search_key = procedure_info.to.itself(on="_search_key", **_STAY)  # type: ignore[no-untyped-call]
    print_checklist = procedure_info.to.itself(  # type: ignore[no-untyped-call]
        cond="procedure_shown", on="_print_checklist", **_STAY)
    ask_dossier = menu.to(dossier_lookup, cond="dossier_enabled")
    dossier_key = dossier_lookup.to.itself(on="_dossier_key", **_STAY)  # type: ignore[no-untyped-call]
    dossier_answer = dossier_lookup.to.itself(on="_dossier_answer", **_STAY)  # type: ignore[no-untyped-call]
    # dossier lookup by face (kiosk.flow_faces): steps of the same screen
    face_start = dossier_lookup.to.itself(cond="faces_on", on="_face_start", **_STAY)  # type: ignore[no-untyped-call]
    face_offer = dossier_lookup.to.itself(cond="faces_on", on="_face_offer", **_STAY)  # type: ignore[no-untyped-call]
    face_consent = dossier_lookup.to.itself(on="_face_consent", **_STAY)  # type: ignore[no-untyped-call]
    face_key = dossier_lookup.to.itself(on="_face_key", **_STAY)  # type: ignore[no-untyped-call]
    face_progress = dossier_lookup.to.itself(on="_face_progress", **_STAY)  # type: ignore[no-untyped-call]
    face_answer = dossier_lookup.to.itself(on="_face_answer", **_STAY)  # type: ignore[no-untyped-call]
    forget_face = dossier_lookup.to.itself(cond="faces_on", on="_forget_face", **_STAY)  # type: ignore[no-untyped-call]
    face_use_code = dossier_lookup.to.itself(on="_face_use_code", **_STAY)  # type: ignore[no-untyped-call]
    call_staff = (
        menu.to(help) | choose_service.to(help) | choose_priority.to(help)
        | booking.to(help) | rating.to(help) | ticket_ready.to(help)
        | procedure_info.to(help) | dossier_lookup.to(help)
    )
    guide_me = ticket_ready.to(guiding, cond="has_base") | procedure_info.to(
        guiding, cond=["has_base", "procedure_shown"])  # to the procedure's counter
    done = ticket_ready.to(idle) | rating_sent.to(idle) | help.to(idle)
    arrived = guiding.to(returning)
    could_not_guide = guiding.to(procedure_info, cond="procedure_trip", on="_show_the_way") \
        | guiding.to(ticket_ready, on="_show_the_way")
    docked = returning.to(idle)
    back = (
        choose_priority.to(menu) | choose_service.to(menu) | menu.to(idle)
        | booking.to(menu) | rating.to(menu) | help.to(menu)
        | procedure_info.to.itself(  # type: ignore[no-untyped-call]
            cond="procedure_deeper", on="_procedure_up", **_STAY)
        | procedure_info.to(menu) | dossier_lookup.to(menu)
    )
    timeout = (
        menu.to(idle) | choose_service.to(idle) | choose_priority.to(idle)
        | booking.to(idle) | rating.to(idle) | rating_sent.to(idle) | help.to(idle)
        | procedure_info.to(idle) | dossier_lookup.to(idle) | ticket_ready.to(idle)
    )
    emergency_stop = guiding.to(safe_stop) | returning.to(safe_stop)
    reset = safe_stop.to(returning, cond="stop_cleared")

    def __init__(
        self,
        effects: FlowEffects,
        *,
        services: frozenset[str],
        languages: tuple[str, ...],
        timeouts: FlowTimeouts,
        has_base: bool,
        priorities: frozenset[str] = frozenset(),
        features: frozenset[str] = frozenset({"booking", "rating", "help"}),
        rating_levels: int = 5,
    ) -> None:
        self.effects = effects
        self.services = services
        self.priorities = priorities
        self.features = features
        self.rating_levels = rating_levels
        self.languages = languages
        self.timeouts = timeouts
        self.with_base = has_base
        self.visit = Visit(language=languages[0])
        super().__init__()

    # -- conditions -----------------------------------------------------------------

    def known_service(self, service: str | None = None, **_: Any) -> bool:
        """Only a service central offers can be chosen (a stale or hostile id is refused)."""
        return service in self.services

    def has_priorities(self) -> bool:
        """The priority screen is shown only when central names categories."""
        return bool(self.priorities)

    def service_chosen(self) -> bool:
        """The field is already known (the procedures screen's "take a number")."""
        return self.visit.service is not None

    def known_priority(self, priority: str | None = None, **_: Any) -> bool:
        """No priority, or a category central accepts."""
        return priority is None or priority in self.priorities

    def not_first_page(self) -> bool:
        """There is a page before this one."""
        return self.visit.page > 0

    def valid_booking_code(self, code: str | None = None, **_: Any) -> bool:
        """A scanned QR code that is a booking code (anything else is refused)."""
        return (isinstance(code, str) and len(code) == BOOKING_CODE_LENGTH
                and all(ch in BOOKING_ALPHABET for ch in code))

    def _take_scanned(self, code: str | None = None, **_: Any) -> None:
        self._update(booking_code=code or "", error=None)

    def _reject_scanned(self, **_: Any) -> None:
        self._update(error="not-a-booking-code")

    def code_complete(self) -> bool:
        """A booking code has all its characters."""
        return len(self.visit.booking_code) == BOOKING_CODE_LENGTH

    def booking_enabled(self) -> bool:
        """Redeeming online bookings is switched on in config."""
        return "booking" in self.features

    def rating_enabled(self) -> bool:
        """Rating the service is switched on in config."""
        return "rating" in self.features

    def procedure_enabled(self) -> bool:
        """Procedure information is switched on in config."""
        return "procedure_info" in self.features

    def dossier_enabled(self) -> bool:
        """Dossier look-up is switched on in config."""
        return "dossier_lookup" in self.features

    def stop_cleared(self) -> bool:
        """Staff reset a safety stop; refused while the e-stop or a bumper is still pressed."""
        return self.effects.reset_after_stop()

    def has_base(self) -> bool:
        """Only a robot guides; a fixed kiosk shows the way on screen."""
        return self.with_base

    # -- context --------------------------------------------------------------------

    def set_language(self, language: str) -> bool:
        """Switch the visit's language; refuses languages the kiosk does not offer."""
        if language not in self.languages:
            return False
        self._update(language=language)
        return True

    def set_priority(self, priority: str | None) -> None:
        """Record the citizen's priority category (central checks it is configured)."""
        self.visit = replace(self.visit, priority=priority)

    def toggle_large_text(self) -> None:
        """Switch the large-text mode of this visit (cleared with the visit)."""
        self._update(large_text=not self.visit.large_text)

    def person_detected(self) -> bool:
        """The camera saw somebody: the attract screen greets them (idle only)."""
        if self.current_state_id != "idle" or self.visit.person_seen:
            return False
        self._update(person_seen=True)
        return True

    @property
    def current_state_id(self) -> str:
        """The id of the state the flow is in."""
        return str(self.current_state_value)

    def _update(self, **changes: Any) -> None:
        self.visit = replace(self.visit, **changes)
        self.effects.render(self.current_state_id, self.visit)

    # -- actions --------------------------------------------------------------------

    def _turn_page_next(self) -> None:
        self._update(page=self.visit.page + 1)

    def _turn_page_prev(self) -> None:
        self._update(page=self.visit.page - 1)

    def _type_key(self, char: str | None = None, **_: Any) -> None:
        code = self.visit.booking_code
        if char == "erase":
            code = code[:-1]
        elif char and len(char) == 1 and char.upper() in BOOKING_ALPHABET:
            code = (code + char.upper())[:BOOKING_CODE_LENGTH]
        self._update(booking_code=code, error=None)

    def _ticket_printed(
        self, number: str = "", printed: bool = False, print_error: str | None = None, **_: Any
    ) -> None:
        ticket = self.visit.ticket
        if ticket is None or ticket.number != number:
            return
        self._update(
            ticket=replace(ticket, printed=printed, print_error=print_error, printing=False)
        )

    def on_take_ticket(self) -> None:
        self.visit = replace(self.visit, error=None)

    def on_book(self) -> None:
        self.visit = replace(self.visit, booking_code="", error=None)

    def on_select_service(self, service: str | None = None, **_: Any) -> None:
        self.visit = replace(self.visit, service=service, ticket=None, error=None)

    def on_select_priority(self, priority: str | None = None, **_: Any) -> None:
        self.visit = replace(self.visit, priority=priority)

    def on_ask_priority(self) -> None:
        # from a field screen: no field yet, the category comes first
        self.visit = replace(self.visit, service=None)

    def on_ticket_issued(self, ticket: IssuedNumber | None = None, **_: Any) -> None:
        self.visit = replace(self.visit, ticket=ticket, error=None)

    def on_issue_failed(self, message: str = "", **_: Any) -> None:
        self.visit = replace(self.visit, error=message or "issue-failed")

    def on_redeem_failed(self, message: str = "", **_: Any) -> None:
        # what was typed stays: one wrong character is erased, not all six
        self.visit = replace(self.visit, error=message or "redeem-failed")

    def on_enter_state(self, target: State, **_: Any) -> None:
        """Every state: render it and arm its timer."""
        state = str(target.id)
        if state == "idle":
            # Leaving a citizen's visit: nothing personal stays on the screen.
            self.visit = Visit(language=self.languages[0])
        if state in ("choose_service", "procedure_info"):
            self.visit = replace(self.visit, page=0)
        self.effects.render(state, self.visit)
        self.effects.arm_timer(self._timer_for(state))

    def on_enter_issue_ticket(self) -> None:
        self.effects.start_issuing(self.visit)

    def on_enter_booking(self) -> None:
        self._visit_effects().start_scanning()

    def on_enter_redeeming(self) -> None:
        self._visit_effects().start_redeeming(self.visit)

    def on_call_staff(self, source: State) -> None:
        self._visit_effects().call_staff(str(source.id))

    def _show_the_way(self) -> None:
        # The robot gave up (crowd, battery): the ticket screen shows the map instead, and
        # the robot goes home on its own.
        self._update(show_way=True)
        self.effects.start_returning()

    def on_enter_guiding(self) -> None:
        self.effects.start_guiding(self.visit)

    def on_enter_returning(self) -> None:
        self.effects.start_returning()

    def on_enter_safe_stop(self) -> None:
        self.effects.stop_motion()

    def _visit_effects(self) -> VisitEffects:
        return self.effects  # type: ignore[return-value]

    def _timer_for(self, state: str) -> float | None:
        if state in _INTERACTIVE:
            return self.timeouts.idle_s
        if state == "ticket_ready":
            return self.timeouts.ticket_ready_s
        if state == "rating_sent":
            return self.timeouts.thanks_s
        return None
