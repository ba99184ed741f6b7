"""The "call staff" button for real: the kiosk opens a help request on central and follows it, so
the help screen says what is true.

States shown to the citizen:

- ``sending``: the request is on its way (a moment at most);
- ``sent``: central has it; "Staff have been told, please wait a moment";
- ``taken``: an officer took it at a counter; the screen names the counter;
- ``failed``: central could not be reached; the screen says so and where to ask instead
  (never "staff are coming" when nobody was told). The STAFF journal line is written
  in every case, for a centre that watches the journal.

The request is idempotent (one key per press), retried for a short while, then followed
by polling ``GET /api/v1/help-requests/{id}`` every ``poll_s`` until an officer takes or
closes it, or the citizen leaves the help screen.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import TicketingError

if TYPE_CHECKING:
    from kiosk.daemon import KioskDaemon

_LOGGER = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
RETRY_S = 1.0
POLL_S = 2.0
FOLLOW_S = 15 * 60.0


@dataclass(frozen=True)
class HelpStatus:
    """Where the citizen's call for help stands."""

    state: str  # sending | sent | taken | failed
    counter_name: str | None = None


class HelpCall:
    """One citizen's call for help, from the press to an officer taking it."""

    def __init__(
        self,
        client: CentralClient,
        on_change: Callable[[HelpStatus], None],
        *,
        poll_s: float = POLL_S,
        retry_s: float = RETRY_S,
    ) -> None:
        self._client = client
        self._on_change = on_change
        self._poll_s = poll_s
        self._retry_s = retry_s
        self.status = HelpStatus("sending")
        self.request_id: str | None = None

    def _set(self, status: HelpStatus) -> None:
        if status != self.status:
            self.status = status
            self._on_change(status)

    async def run(
        self, screen: str, language: str, ticket_id: str | None, active: Callable[[], bool]
    ) -> HelpStatus:
        """Send the request and follow it while ``active()``; returns the last status."""
        body = {
            "idempotency_key": uuid.uuid4().hex,
            "screen": screen,
            "language": language,
            "ticket_id": ticket_id,
        }
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                created = await self._client.create_help_request(body)
                break
            except TicketingError as exc:
                _LOGGER.warning("help request not sent (attempt %d): %s", attempt, exc)
                if attempt == SEND_ATTEMPTS:
                    self._set(HelpStatus("failed"))
                    return self.status
                await asyncio.sleep(self._retry_s)
        self.request_id = created.id
        self._set(HelpStatus("sent"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + FOLLOW_S
        while active() and loop.time() < deadline:
            await asyncio.sleep(self._poll_s)
            try:
                state = await self._client.get_help_request(created.id)
            except TicketingError as exc:
                _LOGGER.info("help request %s: no news (%s)", created.id, exc)
                continue
            if state.status in ("taken", "closed"):
                name = state.taken_by_name or state.taken_by
                self._set(HelpStatus("taken", name))
                break
        return self.status


class StaffCalls:
    """The daemon's "call staff" button: each press a :class:`HelpCall` run as a daemon
    task, a STAFF line in the journal, and the status the help screen shows."""

    def __init__(self, daemon: KioskDaemon) -> None:
        self._daemon = daemon
        #: where the latest call for help stands (None before the first press)
        self.status: HelpStatus | None = None

    def call(self, state: str) -> None:
        """A citizen pressed "call staff" on screen ``state``."""
        daemon = self._daemon
        _LOGGER.warning("STAFF: a citizen at kiosk %s asks for help (on screen %s)",
                        daemon.config.kiosk.id, state)
        self.status = HelpStatus("sending")
        call = HelpCall(daemon.client, self._changed)
        here = lambda: daemon.flow.current_state_id == "help"  # noqa: E731
        daemon.spawn(call.run(state, daemon.flow.visit.language, None, here), "help")

    def _changed(self, status: HelpStatus) -> None:
        """Central answered about the help request: the help screen says where it stands."""
        daemon = self._daemon
        self.status = status
        if status.state == "taken":
            _LOGGER.warning("STAFF: %s is coming to kiosk %s", status.counter_name,
                            daemon.config.kiosk.id)
        if daemon.flow.current_state_id == "help":
            daemon.render("help", daemon.flow.visit)
