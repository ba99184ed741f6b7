"""The daemon's ticket work: issue, redeem a booking, hand the number over, rate.

Each runs as a daemon task (kiosk/tasks.py) and posts its outcome back to the flow as an
event: the number first (:class:`~kiosk.events.TicketReady`, shown and said before the
printer is tried), then :class:`~kiosk.events.TicketPrinted`; a refusal or an outage as
:class:`~kiosk.events.IssueFailed` / :class:`~kiosk.events.RedeemFailed`. It keeps the
latest tickets handed over and ratings sent (bounded; the journal and central have them
all). It was part of kiosk/daemon.py; it lives here so the daemon keeps only the loop, the
timer and the effects that reach the parts.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from kiosk.events import IssueFailed, RedeemFailed, TicketPrinted, TicketReady
from kiosk.ratings import rating_body, rating_ticket
from kiosk.tickets.desk import IssuedTicket
from kiosk.tickets.errors import CentralRejected, TicketingError
from kiosk.voice import printer_down_speech, ticket_speech

if TYPE_CHECKING:
    from kiosk.daemon import KioskDaemon
    from kiosk.flow import Visit

_LOGGER = logging.getLogger(__name__)

#: tickets and ratings kept in memory (the journal and central have them all)
ISSUED_KEPT = 32
RATINGS_KEPT = 32


class TicketTasks:
    """Issue, redeem and rate for the daemon (see the module docstring)."""

    def __init__(self, daemon: KioskDaemon) -> None:
        self._daemon = daemon
        self._desk = daemon.desk
        #: the latest tickets handed over, newest last
        self.issued: deque[IssuedTicket] = deque(maxlen=ISSUED_KEPT)
        #: the latest ratings central accepted (the demo and the tests read them)
        self.ratings_sent: deque[dict[str, Any]] = deque(maxlen=RATINGS_KEPT)

    def start_issuing(self, visit: Visit) -> None:
        """Issue and print in a task; post the outcome."""
        self._daemon.spawn(self._issue(visit), "issue")

    async def _issue(self, visit: Visit) -> None:
        assert visit.service is not None
        try:
            issued = await self._desk.issue(
                visit.service, visit.language, visit.priority,
                on_number=lambda shown: self._hand_over(shown, visit.language),
            )
        except TicketingError as exc:
            _LOGGER.error("TECHNICIAN: could not issue a ticket for %s: %s", visit.service, exc)
            self._daemon.post(IssueFailed(exc.code, str(exc)))
            return
        self._printed(issued, visit.language)

    def start_redeeming(self, visit: Visit) -> None:
        """Redeem the typed booking code and print it; post TicketReady or RedeemFailed."""
        self._daemon.spawn(self._redeem(visit.booking_code, visit.language), "redeem")

    async def _redeem(self, code: str, language: str) -> None:
        try:
            issued = await self._desk.redeem(
                code, language, on_number=lambda shown: self._hand_over(shown, language)
            )
        except CentralRejected as exc:
            _LOGGER.info("booking %s refused: %s", code, exc.code)
            self._daemon.post(RedeemFailed(exc.code, str(exc)))
            return
        except TicketingError as exc:
            _LOGGER.warning("booking %s could not be redeemed: %s", code, exc)
            self._daemon.post(RedeemFailed("central-unavailable", str(exc)))
            return
        self._printed(issued, language)

    def _hand_over(self, issued: IssuedTicket, language: str) -> None:
        """The number exists (the printer not tried yet): show it and say it at once."""
        daemon = self._daemon
        self.issued.append(issued)
        daemon.counters.tickets_issued += 1
        daemon.post(TicketReady(issued.number, issued.offline, issued.printed,
                                issued.print_error, printing=issued.printing))
        daemon.say(ticket_speech(issued.number, issued.view.counters, True, language,
                                 issued.view.service_name), language)

    def _printed(self, issued: IssuedTicket, language: str) -> None:
        """The printer was tried for a number already shown: record it and update the screen
        (and tell the citizen when there is no paper ticket)."""
        for index in range(len(self.issued) - 1, -1, -1):
            if self.issued[index].key == issued.key:
                self.issued[index] = issued
                break
        daemon = self._daemon
        daemon.counters.tickets_not_printed += not issued.printed
        daemon.post(TicketPrinted(issued.number, issued.printed, issued.print_error))
        if not issued.printed:
            daemon.say(printer_down_speech(language), language)

    # -- ratings --------------------------------------------------------------------------

    def send_rating(self, visit: Visit) -> None:
        """Send the citizen's rating to central in the background."""
        if visit.score is None:
            return
        body = rating_body(visit.score, visit.reasons,
                           self._daemon.config.features.rating_levels, visit.rate_ref)
        self._daemon.spawn(self._send_rating(body), "rating")

    def check_rating_ticket(self, ref: str) -> None:
        """Ask central which ticket the citizen showed, in the background."""
        self._daemon.spawn(self._check_rating_ticket(ref), "rating-ticket")

    async def _check_rating_ticket(self, ref: str) -> None:
        self._daemon.post(await rating_ticket(self._desk.client, ref, self._desk.catalogue))

    async def _send_rating(self, body: dict[str, Any]) -> None:
        try:
            await self._desk.client.post_rating(body)
        except TicketingError as exc:
            _LOGGER.warning("rating %s not sent to central: %s", body["score"], exc)
            return
        self.ratings_sent.append(body)
        self._daemon.counters.ratings_sent += 1
