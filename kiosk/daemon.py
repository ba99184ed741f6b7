"""The kiosk daemon: one asyncio loop, one event queue, one visitor flow.

Devices, voice, screen, central and timers put small typed events on the queue; the
daemon feeds each to the :class:`~kiosk.flow.VisitorFlow`, logs the transition it caused
(so a day can be replayed from the journal), and carries out what the flow asks through
:class:`~kiosk.flow.FlowEffects`: render a screen, issue a ticket, arm a timer. Long work
(issuing, printing, guiding) runs as tasks that post their outcome back as events, so the
loop never blocks on a device.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from statemachine.exceptions import TransitionNotAllowed

from drivers.printer import open_printer
from drivers.printer.base import Printer
from kiosk.config import KioskConfig
from kiosk.events import (
    Docked,
    EmergencyStop,
    GuideFinished,
    IssueFailed,
    KioskEvent,
    Shutdown,
    TicketReady,
    Timeout,
    Touch,
    VoiceIntent,
    describe,
)
from kiosk.guiding import RobotGuide
from kiosk.flow import FlowTimeouts, IssuedNumber, Visit, VisitorFlow
from kiosk.sd_notify import SystemdNotifier
from kiosk.screen.touchscreen import ScreenModel, ServiceButton, TicketPanel, TouchScreen
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.desk import DeskSettings, IssuedTicket, TicketDesk
from kiosk.tickets.errors import TicketingError
from kiosk.tickets.journal import TicketJournal

_LOGGER = logging.getLogger(__name__)

#: how often the screen is polled for touches (s)
SCREEN_POLL_S = 1 / 60

# Touch targets that map one-to-one onto flow events.
_TOUCH_EVENTS = {
    "start": "start",
    "take_ticket": "take_ticket",
    "back": "back",
    "done": "done",
    "guide_me": "guide_me",
    "staff_reset": "reset",
}


class KioskDaemon:
    """Owns the devices, the flow and the queue of one kiosk."""

    def __init__(
        self,
        config: KioskConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        printer: Printer | None = None,
        transcript_path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.queue: asyncio.Queue[KioskEvent] = asyncio.Queue()
        self.transcript: list[dict[str, Any]] = []
        self.issued: list[IssuedTicket] = []
        self._transcript_file = transcript_path.open("a", encoding="utf-8") if transcript_path else None
        self._clock = clock
        self._started = clock()
        self._generation = 0
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.notifier = SystemdNotifier()

        state_dir = config.kiosk.state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        self.printer = printer or open_printer(
            config.devices.printer, timeout_s=config.devices.printer_timeout_s
        )
        self.journal = TicketJournal(state_dir / "journal.sqlite3")
        self.catalogue = ServiceCatalogue(state_dir / "services.json")
        self.client = CentralClient(
            config.central.url, config.central.token,
            connect_timeout_s=config.central.connect_timeout_s,
            read_timeout_s=max(2.0, config.central.budget_ms / 1000 * 4), transport=transport,
        )
        self.breaker = CircuitBreaker(config.central.breaker_failures)
        self.desk = TicketDesk(
            settings=DeskSettings(
                kiosk_id=config.kiosk.id, centre_name=config.kiosk.centre_name,
                offline_prefix=config.central.offline_prefix,
                budget_s=config.central.budget_ms / 1000,
                public_url=config.central.public_url or config.central.url,
                preview_dir=config.tickets.preview_dir,
            ),
            journal=self.journal, client=self.client, printer=self.printer,
            catalogue=self.catalogue, breaker=self.breaker,
        )
        self.has_base = not config.devices.base.startswith("none:")
        self.robot = (
            RobotGuide(config.devices.base, config.navigation, post=self.post, say=self.say)
            if self.has_base else None
        )
        self.screen = TouchScreen(
            config.screen.width, config.screen.height,
            fullscreen=config.screen.fullscreen, post=self.post,
        )
        self.flow = VisitorFlow(
            self,
            services=self.catalogue.codes(),
            languages=config.kiosk.languages,
            timeouts=FlowTimeouts(config.flow.idle_timeout_s, config.flow.ticket_ready_s),
            has_base=self.has_base,
        )

    # -- the loop -------------------------------------------------------------------------

    def post(self, event: KioskEvent) -> None:
        """Put ``event`` on the queue (safe from other threads once the loop runs)."""
        loop = self._loop
        if loop is not None and loop.is_running():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is not loop:
                loop.call_soon_threadsafe(self.queue.put_nowait, event)
                return
        self.queue.put_nowait(event)

    async def run(self) -> None:
        """Serve citizens until a Shutdown event arrives."""
        self._loop = asyncio.get_running_loop()
        if not self.catalogue.services:
            await self.desk.refresh_services()
        else:
            self._spawn(self.desk.refresh_services())
        self._refresh_flow_services()
        self._spawn(self.desk.run_sync(self.config.central.sync_interval_s))
        self._spawn(self._pump_screen())
        _LOGGER.info("kiosk %s ready: %d services, journal %s", self.config.kiosk.id,
                     len(self.catalogue.services), self.journal.counts())
        self.notifier.ready(f"kiosk {self.config.kiosk.id}: {len(self.catalogue.services)} "
                            f"lĩnh vực, central {'offline' if self.breaker.is_open else 'online'}")
        if self.notifier.watchdog_interval_s:
            self._spawn(self._watchdog(self.notifier.watchdog_interval_s))
        try:
            while True:
                event = await self.queue.get()
                if isinstance(event, Shutdown):
                    break
                self.handle(event)
        finally:
            await self.close()

    async def close(self) -> None:
        """Stop background work and release devices."""
        self.notifier.stopping()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._timer:
            self._timer.cancel()
        await self.client.close()
        if self.robot is not None:
            await self.robot.close()
        self.printer.close()
        self.journal.close()
        self.screen.close()
        if self._transcript_file:
            self._transcript_file.close()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _watchdog(self, interval_s: float) -> None:
        # Pinged from the event loop itself: if the loop hangs, systemd restarts us.
        while True:
            self.notifier.watchdog()
            await asyncio.sleep(interval_s)

    async def _pump_screen(self) -> None:
        while True:
            self.screen.pump()
            await asyncio.sleep(SCREEN_POLL_S)

    def _refresh_flow_services(self) -> None:
        self.flow.services = self.catalogue.codes()

    # -- deciding -------------------------------------------------------------------------

    def handle(self, event: KioskEvent) -> None:
        """Feed one event to the flow and log what it did."""
        before = self.flow.current_state_id
        if isinstance(event, (Touch, VoiceIntent)) and self._armed_for is not None:
            self.arm_timer(self._armed_for)  # any input from the citizen restarts the clock
        name, outcome = self._apply(event)
        after = self.flow.current_state_id
        record = {"t": round(self._clock() - self._started, 3), "event": describe(event),
                  "from": before, "to": after, "transition": name, "outcome": outcome}
        self.transcript.append(record)
        if self._transcript_file:
            self._transcript_file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            self._transcript_file.flush()
        log = _LOGGER.info if outcome == "handled" else _LOGGER.debug
        log("%s --%s--> %s  (event %s, %s)", before, name, after, describe(event), outcome)

    def _apply(self, event: KioskEvent) -> tuple[str | None, str]:
        """Carry ``event`` out on the flow; returns the flow event and handled/ignored."""
        if isinstance(event, Touch) and event.target == "language" and event.value:
            return None, "handled" if self.flow.set_language(event.value) else "ignored"
        name, kwargs = self._flow_event(event)
        if name is None:
            return None, "ignored"
        self._refresh_flow_services()
        try:
            self.flow.send(name, **kwargs)
        except TransitionNotAllowed:
            return name, "ignored"
        return name, "handled"

    def _flow_event(self, event: KioskEvent) -> tuple[str | None, dict[str, Any]]:
        """Translate an input event into a flow event name and its arguments."""
        if isinstance(event, Touch):
            if event.target == "service":
                return "select_service", {"service": event.value}
            return _TOUCH_EVENTS.get(event.target), {}
        if isinstance(event, VoiceIntent):
            if event.name == "take_ticket" and "service" in event.slots:
                return "select_service", {"service": event.slots["service"]}
            return None, {}
        if isinstance(event, TicketReady):
            ticket = IssuedNumber(event.number, event.offline, event.printed, event.print_error)
            return "ticket_issued", {"ticket": ticket}
        if isinstance(event, IssueFailed):
            return "issue_failed", {"message": "issue_failed"}
        if isinstance(event, Timeout):
            return ("timeout", {}) if event.generation == self._generation else (None, {})
        if isinstance(event, GuideFinished):
            return "arrived", {}
        if isinstance(event, Docked):
            return "docked", {}
        if isinstance(event, EmergencyStop):
            return "emergency_stop", {}
        return None, {}

    # -- FlowEffects ----------------------------------------------------------------------

    _armed_for: float | None = None

    def arm_timer(self, seconds: float | None) -> None:
        """(Re)start the state's timeout; stale timers are ignored by generation."""
        self._generation += 1
        self._armed_for = seconds
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if seconds is not None:
            loop = asyncio.get_event_loop()
            self._timer = loop.call_later(seconds, self.post, Timeout(self._generation))

    def render(self, state: str, visit: Visit) -> None:
        """Show the screen for ``state``."""
        self.screen.show(self.screen_model(state, visit))

    def screen_model(self, state: str, visit: Visit) -> ScreenModel:
        """What the screen shows for ``state`` and ``visit``."""
        lang = visit.language
        panel = None
        last = self.issued[-1] if self.issued else None
        if visit.ticket is not None and last is not None and last.number == visit.ticket.number:
            view = last.view
            panel = TicketPanel(
                number=view.number, service_name=view.service_name, counters=view.counters,
                people_ahead=view.people_ahead, wait_min=view.estimated_wait_min,
                printed=last.printed, offline=last.offline, status_url=view.status_url,
            )
        return ScreenModel(
            state=state, language=lang, languages=self.config.kiosk.languages,
            centre_name=self.config.kiosk.centre_name,
            services=tuple(ServiceButton(s.code, s.name(lang)) for s in self.catalogue.services),
            ticket=panel, error=visit.error, has_base=self.has_base,
        )

    def start_issuing(self, visit: Visit) -> None:
        """Issue and print in a task; post the outcome."""
        self._spawn(self._issue(visit))

    async def _issue(self, visit: Visit) -> None:
        assert visit.service is not None
        try:
            issued = await self.desk.issue(visit.service, visit.language, visit.priority)
        except (KeyError, TicketingError) as exc:
            _LOGGER.error("TECHNICIAN: could not issue a ticket for %s: %s", visit.service, exc)
            self.post(IssueFailed(getattr(exc, "code", "unknown-service"), str(exc)))
            return
        self.issued.append(issued)
        self.post(TicketReady(issued.number, issued.offline, issued.printed, issued.print_error))

    def start_guiding(self, visit: Visit) -> None:
        """Lead the citizen to the first counter of their ticket (slower for priority)."""
        last = self.issued[-1] if self.issued else None
        if self.robot is None or last is None or not last.counter_codes:
            self.post(GuideFinished("no-counter"))
            return
        self.robot.guide_to(last.counter_codes[0], last.view.counters[0],
                            language=visit.language, slow=visit.priority is not None)

    def start_returning(self) -> None:
        """Drive back to the dock."""
        if self.robot is None:
            self.post(Docked("no-base"))
            return
        self.robot.return_to_dock()

    def stop_motion(self) -> None:
        """Stop the base now (latched until staff reset it)."""
        if self.robot is not None:
            self.robot.stop()

    def reset_after_stop(self) -> bool:
        """Staff pressed reset in safe_stop: clear the latch if the cause is gone."""
        return self.robot is not None and self.robot.reset()

    def say(self, text: str, language: str) -> None:
        """Speak ``text`` (cutting off what was being said); logged when voice is off."""
        voice = getattr(self, "voice", None)
        if voice is None:
            _LOGGER.debug("say (%s, no voice): %s", language, text)
            return
        voice.say(text, language)
