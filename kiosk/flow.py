"""The visitor flow: one declared state machine, the only place that decides.

python-statemachine checks the declaration when the class is created (no unreachable
state, no trap state), refuses events a state does not accept (strict ``StateMachine``),
and can draw itself (``kiosk flow-diagram``). The machine keeps the visit's context
(language, chosen service, the ticket) and tells the daemon what to do through the small
:class:`FlowEffects` protocol; it performs no I/O itself, so a test drives it with plain
events and a recording ``FlowEffects``.

::

    idle -> menu -> choose_service -> issue_ticket -> ticket_ready -> idle
                                                   ticket_ready -> guiding -> returning -> idle
    idle | menu -> issue_ticket            (a voice request names the service directly)
    menu | choose_service | ticket_ready -- timeout --> idle   (clears the visit)
    issue_ticket has no timeout: issuing is bounded by the central budget and the printer
    timeout, and leaving it early could leave a citizen without the number being issued.
    guiding | returning -- emergency_stop --> safe_stop -- reset --> returning
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Protocol

from statemachine import State, StateMachine

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedNumber:
    """What the citizen walks away with."""

    number: str
    offline: bool
    printed: bool
    print_error: str | None = None


@dataclass(frozen=True)
class Visit:
    """Everything the flow knows about the citizen in front of it; cleared in idle."""

    language: str
    service: str | None = None
    priority: str | None = None
    ticket: IssuedNumber | None = None
    error: str | None = None


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


@dataclass(frozen=True)
class FlowTimeouts:
    """Seconds each waiting state stays up without input."""

    idle_s: float
    ticket_ready_s: float


class VisitorFlow(StateMachine):
    """The declared visitor flow of the kiosk (see the module docstring)."""

    idle = State(initial=True)
    menu = State()
    choose_service = State()
    issue_ticket = State()
    ticket_ready = State()
    guiding = State()
    returning = State()
    safe_stop = State()

    start = idle.to(menu)
    take_ticket = menu.to(choose_service)
    select_service = (
        choose_service.to(issue_ticket, cond="known_service")
        | menu.to(issue_ticket, cond="known_service")
        | idle.to(issue_ticket, cond="known_service")
    )
    ticket_issued = issue_ticket.to(ticket_ready)
    issue_failed = issue_ticket.to(menu)
    guide_me = ticket_ready.to(guiding, cond="has_base")
    done = ticket_ready.to(idle)
    arrived = guiding.to(returning)
    docked = returning.to(idle)
    back = choose_service.to(menu) | menu.to(idle)
    timeout = (
        menu.to(idle)
        | choose_service.to(idle)
        | ticket_ready.to(idle)
    )
    emergency_stop = guiding.to(safe_stop) | returning.to(safe_stop)
    reset = safe_stop.to(returning)

    def __init__(
        self,
        effects: FlowEffects,
        *,
        services: frozenset[str],
        languages: tuple[str, ...],
        timeouts: FlowTimeouts,
        has_base: bool,
    ) -> None:
        self.effects = effects
        self.services = services
        self.languages = languages
        self.timeouts = timeouts
        self.with_base = has_base
        self.visit = Visit(language=languages[0])
        super().__init__()

    # -- conditions -----------------------------------------------------------------

    def known_service(self, service: str | None = None, **_: Any) -> bool:
        """Only a service central offers can be chosen (a stale or hostile id is refused)."""
        return service in self.services

    def has_base(self) -> bool:
        """Only a robot guides; a fixed kiosk shows the way on screen."""
        return self.with_base

    # -- context --------------------------------------------------------------------

    def set_language(self, language: str) -> bool:
        """Switch the visit's language; refuses languages the kiosk does not offer."""
        if language not in self.languages:
            return False
        self.visit = replace(self.visit, language=language)
        self.effects.render(self.current_state_id, self.visit)
        return True

    def set_priority(self, priority: str | None) -> None:
        """Record the citizen's priority category (central checks it is configured)."""
        self.visit = replace(self.visit, priority=priority)

    @property
    def current_state_id(self) -> str:
        """The id of the state the flow is in."""
        return str(self.current_state_value)

    # -- actions --------------------------------------------------------------------

    def on_select_service(self, service: str | None = None, **_: Any) -> None:
        self.visit = replace(self.visit, service=service, ticket=None, error=None)

    def on_ticket_issued(self, ticket: IssuedNumber | None = None, **_: Any) -> None:
        self.visit = replace(self.visit, ticket=ticket)

    def on_issue_failed(self, message: str = "", **_: Any) -> None:
        self.visit = replace(self.visit, error=message or "issue-failed")

    def on_enter_state(self, target: State, **_: Any) -> None:
        """Every state: render it and arm its timer."""
        state = str(target.id)
        if state == "idle":
            # Leaving a citizen's visit: nothing personal stays on the screen.
            self.visit = Visit(language=self.languages[0])
        self.effects.render(state, self.visit)
        self.effects.arm_timer(self._timer_for(state))

    def on_enter_issue_ticket(self) -> None:
        self.effects.start_issuing(self.visit)

    def on_enter_guiding(self) -> None:
        self.effects.start_guiding(self.visit)

    def on_enter_returning(self) -> None:
        self.effects.start_returning()

    def on_enter_safe_stop(self) -> None:
        self.effects.stop_motion()

    def _timer_for(self, state: str) -> float | None:
        if state in ("menu", "choose_service"):
            return self.timeouts.idle_s
        if state == "ticket_ready":
            return self.timeouts.ticket_ready_s
        return None
