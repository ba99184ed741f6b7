"""The ticket desk: take a request, get a number, print it, and never lose it.

1. The request is journaled (SQLite, WAL, fsync) with a fresh idempotency key.
2. Central is asked within the citizen budget (default 800 ms). Its number is journaled.
3. Central down, slow, erroring or the circuit open: the journal gives this kiosk's next
   offline number in the same transaction, and the sync loop replays it later; central
   accepts each key exactly once.
4. The number is handed over (``on_number``: the screen shows it) *before* printing, so
   a slow or dead printer never delays it; then the ticket is printed through the
   :class:`~kiosk.tickets.printer_guard.PrinterGuard`, which does not wait on a printer
   known to be failing. A printer failure is journaled and logged for the technician.

Once a number exists nothing can take it away: a ticket that cannot even be rendered (a
bug, a body central should not have sent) is journaled as not printed (``render-failed``)
and the number is still handed over.

The sync loop replays offline rows to central; a row central refuses for good (a
duplicate number, a service that no longer exists) is marked ``refused`` with a
``TECHNICIAN:`` line and the loop goes on, so valid tickets never wait behind it. At start
and on each new day the journal is seeded with the offline numbers central already holds
for this kiosk (a lost state directory must not reprint them).

Nothing here decides what the screen shows; the flow gets an :class:`IssuedTicket`.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from drivers.printer.base import Printer
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import (
    CentralError,
    CentralRejected,
    CentralUnavailable,
    UnknownService,
)
from kiosk.tickets.journal import TicketJournal
from kiosk.tickets.printer_guard import PrinterGuard
from kiosk.tickets.render import TicketLabels, TicketView, build_print_job, render_preview_png
from kiosk.tickets.wire import ServiceInfo, TicketBody

_LOGGER = logging.getLogger(__name__)

#: the default zone; a kiosk's own comes from ``kiosk.timezone`` (DeskSettings.timezone)
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class DeskSettings:
    """What the desk needs from the kiosk config."""

    kiosk_id: str
    centre_name: str
    offline_prefix: str
    budget_s: float
    public_url: str
    preview_dir: Path | None = None
    printer_probe_s: float = 5.0
    """How often a failing printer is asked whether it is back."""
    timezone: ZoneInfo = LOCAL_TZ
    #: the centre's name in other languages (the ticket is printed in the visit's)
    centre_names: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class IssuedTicket:
    """The outcome for one citizen: always a number."""

    key: str
    number: str
    offline: bool
    printed: bool
    print_error: str | None
    view: TicketView
    touch_to_bytes_s: float
    counter_codes: tuple[str, ...] = ()
    #: True in the hand-over before printing (``on_number``): printing not tried yet
    printing: bool = False


#: central's answers that refuse a replayed row for good: retrying cannot change them
FINAL_REFUSALS = (400, 404, 409, 410, 422)


class TicketDesk:
    """Issues tickets for one kiosk; see the module docstring for the guarantees."""

    def __init__(
        self,
        *,
        settings: DeskSettings,
        journal: TicketJournal,
        client: CentralClient,
        printer: Printer,
        catalogue: ServiceCatalogue,
        breaker: CircuitBreaker,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.journal = journal
        self.client = client
        self.printer = printer
        self.printer_guard = PrinterGuard(printer)
        self.catalogue = catalogue
        self.breaker = breaker
        self._tz = settings.timezone
        self._clock = clock or (lambda: datetime.now(self._tz))
        self._in_flight: set[str] = set()
        self._issued_count = 0
        self._refresh_failing = False

    async def issue(
        self,
        service_code: str,
        language: str,
        priority: str | None,
        *,
        on_number: Callable[[IssuedTicket], None] | None = None,
    ) -> IssuedTicket:
        """Issue, journal and print a ticket for ``service_code``; always returns a number.

        ``on_number`` gets the ticket (``printing=True``) as soon as the number is
        journaled, before the printer is tried, so the screen can show it at once.
        Raises :class:`~kiosk.tickets.errors.UnknownService` for a service the catalogue
        does not have, and :class:`~kiosk.tickets.errors.JournalError` if the local disk
        fails; both before any number exists.
        """
        started = time.perf_counter()
        service = self.catalogue.get(service_code)
        if service is None:
            raise UnknownService(f"unknown service {service_code!r}")
        key = uuid.uuid4().hex
        now = self._clock().astimezone(self._tz)
        self.journal.begin(
            key,
            created_at=now,
            local_day=now.date().isoformat(),
            service=service_code,
            language=language,
            priority=priority,
        )
        self._in_flight.add(key)
        try:
            ticket = await self._ask_central(key, service_code, language, priority)
            if ticket is not None:
                self.journal.mark_online(key, ticket.model_dump(mode="json"))
                number, offline = ticket.number, False
            else:
                number = self.journal.issue_offline(
                    key, kiosk_prefix=self.settings.offline_prefix, service_prefix=service.prefix
                )
                offline = True
                _LOGGER.warning("ticket %s issued offline for %s", number, service_code)
        finally:
            self._in_flight.discard(key)
        view = self._view(service, language, priority, number, now, ticket, key)
        counters = ticket.where() if ticket else service.counters
        return await self._hand_over_and_print(
            IssuedTicket(
                key,
                number,
                offline,
                False,
                None,
                view,
                0.0,
                tuple(c.code for c in counters),
                printing=True,
            ),
            started,
            on_number,
        )

    async def _hand_over_and_print(
        self,
        shown: IssuedTicket,
        started: float,
        on_number: Callable[[IssuedTicket], None] | None,
    ) -> IssuedTicket:
        if on_number is not None:
            on_number(shown)
        error = await self._print(shown.view)
        self.journal.mark_printed(shown.key, error)
        try:
            await self._preview(shown.view, error)
        except Exception:  # noqa: BLE001 - a preview image must never cost the number
            _LOGGER.exception("ticket %s: preview image not written", shown.view.number)
        return replace(
            shown,
            printed=error is None,
            print_error=error,
            printing=False,
            touch_to_bytes_s=time.perf_counter() - started,
        )

    async def redeem(
        self,
        code: str,
        language: str,
        *,
        on_number: Callable[[IssuedTicket], None] | None = None,
    ) -> IssuedTicket:
        """Turn an online booking into a ticket, journal it and print it like any other.

        Unlike :meth:`issue` there is no offline fallback: only central knows which
        service a booking is for and whether it was already used. The row is journaled
        once central answered (as ``online``: nothing to replay), then printed and
        marked printed like a normal ticket. Raises
        :class:`~kiosk.tickets.errors.CentralRejected` (``unknown-booking``,
        ``booking-used``, ``booking-wrong-day``) or ``CentralUnavailable``.
        """
        started = time.perf_counter()
        key = uuid.uuid4().hex
        body = {"idempotency_key": key, "language": language}
        try:
            # A citizen at the screen: the same budget as a ticket, a little more since
            # there is no offline number to fall back on.
            ticket = await asyncio.wait_for(
                self.client.redeem_booking(code, body), timeout=self.settings.budget_s * 3
            )
        except TimeoutError as exc:
            self.breaker.record_failure("booking redeem timed out")
            raise CentralUnavailable(f"redeem {code}: no answer in time") from exc
        except CentralUnavailable as exc:
            self.breaker.record_failure(str(exc))
            raise
        self.breaker.record_success(time.perf_counter() - started)
        service = self.catalogue.get(ticket.service)
        if service is None:  # a service central added since the last refresh
            service = ServiceInfo(
                code=ticket.service,
                prefix="A",
                names={"vi": ticket.service},
                counters=ticket.counters,
            )
        now = self._clock().astimezone(self._tz)
        self.journal.begin(
            key,
            created_at=now,
            local_day=ticket.local_day,
            service=ticket.service,
            language=language,
            priority=ticket.priority,
        )
        self.journal.mark_online(key, ticket.model_dump(mode="json"))
        view = self._view(service, language, ticket.priority, ticket.number, now, ticket, key)
        _LOGGER.info("booking %s redeemed as ticket %s", code, ticket.number)
        return await self._hand_over_and_print(
            IssuedTicket(
                key,
                ticket.number,
                False,
                False,
                None,
                view,
                0.0,
                tuple(c.code for c in ticket.where()),
                printing=True,
            ),
            started,
            on_number,
        )

    async def _ask_central(
        self, key: str, service: str, language: str, priority: str | None
    ) -> TicketBody | None:
        if self.breaker.is_open:
            return None
        body = _ticket_body(key, service, language, priority, None)
        asked = time.perf_counter()
        try:
            ticket = await asyncio.wait_for(
                self.client.create_ticket(body), timeout=self.settings.budget_s
            )
        except TimeoutError:
            self.breaker.record_failure(f"no answer within {self.settings.budget_s:.2f} s")
            return None
        except CentralRejected as exc:
            # Central is up but refuses (stale catalogue, priority not allowed): the
            # citizen still needs a number; the sync loop will report the row as stuck.
            _LOGGER.error("central refused ticket %s: %s", key, exc)
            return None
        except CentralError as exc:
            self.breaker.record_failure(str(exc))
            return None
        except Exception:  # noqa: BLE001 - whatever went wrong, the citizen gets a number
            _LOGGER.exception(
                "TECHNICIAN: asking central for ticket %s failed unexpectedly; issuing it offline",
                key,
            )
            self.breaker.record_failure("unexpected error")
            return None
        self.breaker.record_success(time.perf_counter() - asked)
        return ticket

    def _view(
        self,
        service: ServiceInfo,
        language: str,
        priority: str | None,
        number: str,
        now: datetime,
        ticket: TicketBody | None,
        key: str,
    ) -> TicketView:
        counters = ticket.where() if ticket else service.counters
        category = next((c for c in self.catalogue.priority_categories if c.code == priority), None)
        return TicketView(
            centre_name=dict(self.settings.centre_names).get(language) or self.settings.centre_name,
            number=number,
            service_name=service.name(language),
            counters=tuple(c.name for c in counters),
            people_ahead=ticket.people_ahead if ticket else None,
            estimated_wait_min=round(ticket.estimated_wait_s / 60) if ticket else None,
            issued_at=ticket.issued_at.astimezone(self._tz) if ticket else now,
            status_url=ticket.status_url if ticket else self._offline_status_url(key),
            language=language,
            offline=ticket is None,
            priority_label=(category.names.get(language) or category.names.get("vi"))
            if category
            else None,
            labels=TicketLabels.for_language(language),
        )

    def _offline_status_url(self, key: str) -> str:
        # Central learns this key when the ticket is replayed; until then the page says
        # the number is valid and kept in order.
        return f"{self.settings.public_url.rstrip('/')}/t/key/{self.settings.kiosk_id}/{key}"

    async def _print(self, view: TicketView) -> str | None:
        """Print ``view``; returns None, or the printer error's code for the journal
        (``render-failed`` when the ticket could not even be drawn, ``printer-failed``
        when the printer's library raised something it does not document)."""
        # The number exists: whatever fails here, it must still reach the screen.
        try:
            job = build_print_job(view, self.printer.width_px, self.printer.slow_link)
        except Exception:  # noqa: BLE001
            _LOGGER.exception(
                "TECHNICIAN: ticket %s could not be rendered; number shown on screen", view.number
            )
            return "render-failed"
        return await self.printer_guard.print_job(job)

    async def _preview(self, view: TicketView, error: str | None) -> None:
        self._issued_count += 1
        if self.settings.preview_dir is None:
            return
        suffix = "" if error is None else "-not-printed"
        name = f"{self._issued_count:04d}-{view.number}{suffix}.png"
        await asyncio.to_thread(
            render_preview_png, view, self.printer.width_px, self.settings.preview_dir / name
        )

    # -- keeping central in step ------------------------------------------------------

    async def refresh_services(self) -> bool:
        """Fetch the service list from central into the catalogue; False if central is down."""
        try:
            body = await self.client.services()
        except CentralError as exc:
            # once per outage at warning level: the sync loop retries every few seconds
            log = _LOGGER.debug if self._refresh_failing else _LOGGER.warning
            log("could not refresh services from central: %s", exc)
            self._refresh_failing = True
            return False
        self._refresh_failing = False
        self.catalogue.update(body)
        await self.seed_offline_numbers()
        return True

    async def seed_offline_numbers(self) -> bool:
        """Take in the offline numbers central already holds for this kiosk today (once a
        day); False when central could not say."""
        today = self._clock().astimezone(self._tz).date().isoformat()
        if self.journal.is_seeded(today):
            return True
        try:
            answer = await self.client.offline_numbers()
        except CentralError as exc:
            _LOGGER.debug("could not ask central for its offline numbers: %s", exc)
            return False
        if answer.local_day.isoformat() != today:
            _LOGGER.warning(
                "central's day %s is not the kiosk's %s: offline numbers not seeded",
                answer.local_day,
                today,
            )
            return False
        self.journal.seed_offline(today, answer.last)
        if answer.last:
            _LOGGER.info("offline numbers continue after central's: %s", answer.last)
        return True

    async def sync_once(self) -> dict[str, int]:
        """Replay unsynced rows to central (fewest failures first, then oldest); stop at the
        first outage. Rows central refuses for good become ``refused``; the report counts
        ``synced``, ``recovered`` (pending rows central answered), ``failed`` (refused or
        to be retried) and ``left`` (not tried: central went away)."""
        report = {"synced": 0, "recovered": 0, "failed": 0, "left": 0}
        rows = [r for r in self.journal.unsynced() if r.key not in self._in_flight]
        for position, row in enumerate(rows):
            offline = None
            if row.state == "offline":
                offline = {"number": row.offline_number, "issued_at": row.created_at}
            body = _ticket_body(row.key, row.service, row.language, row.priority, offline)
            asked = time.perf_counter()
            try:
                ticket = await self.client.create_ticket(body)
            except CentralUnavailable as exc:
                self.breaker.record_failure(str(exc))
                report["left"] = len(rows) - position
                break
            except CentralRejected as exc:
                if exc.status in (401, 403):  # this kiosk's token: no row can get through
                    _LOGGER.error(
                        "TECHNICIAN: central refuses this kiosk's token (%s): "
                        "check [central] token",
                        exc,
                    )
                    report["left"] = len(rows) - position
                    break
                self.journal.replay_failed(row, str(exc), final=exc.status in FINAL_REFUSALS)
                report["failed"] += 1
                continue
            except CentralError as exc:
                self.journal.replay_failed(row, str(exc), final=False)
                report["failed"] += 1
                continue
            self.breaker.record_success(time.perf_counter() - asked)
            data = ticket.model_dump(mode="json")
            if row.state == "offline":
                self.journal.mark_synced(row.key, data)
                report["synced"] += 1
            else:
                self.journal.mark_online(row.key, data)
                report["recovered"] += 1
        if any(report.values()):
            _LOGGER.info("sync: %s", report)
        return report

    async def run_sync(self, interval_s: float) -> None:
        """The background loops: refresh the catalogue when empty, seed today's offline
        numbers, replay the journal; and probe a failing printer."""
        probe = asyncio.ensure_future(self.printer_guard.run_probe(self.settings.printer_probe_s))
        try:
            while True:
                try:
                    if not self.catalogue.from_central:
                        await self.refresh_services()
                    elif not self.breaker.is_open:
                        await self.seed_offline_numbers()
                    if self.journal.unsynced(limit=1):
                        await self.sync_once()
                    elif self.breaker.is_open:
                        # Nothing to replay: probe central so the circuit can close.
                        await self._probe()
                except Exception:  # noqa: BLE001 - the loop must outlive any one failure
                    _LOGGER.exception("sync loop failure; retrying in %.1f s", interval_s)
                await asyncio.sleep(interval_s)
        finally:
            probe.cancel()

    async def _probe(self) -> None:
        asked = time.perf_counter()
        try:
            await self.client.health()
        except CentralError as exc:
            self.breaker.record_failure(str(exc))
        else:
            self.breaker.record_success(time.perf_counter() - asked)


def _ticket_body(
    key: str, service: str, language: str, priority: str | None, offline: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "service": service,
        "language": language,
        "priority": priority,
        "offline": offline,
    }
