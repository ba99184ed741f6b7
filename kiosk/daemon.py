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
import threading
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
from statemachine.exceptions import TransitionNotAllowed

from drivers.printer import open_printer
from drivers.printer.base import Printer
from kiosk import presence, qr_scan
from kiosk.config import KioskConfig
from kiosk.events import (
    Docked,
    GuideFinished,
    IssueFailed,
    KioskEvent,
    PersonDetected,
    RedeemFailed,
    Shutdown,
    TicketReady,
    Timeout,
    Touch,
    VoiceIntent,
    describe,
)
from kiosk.flow import FlowTimeouts, Visit, VisitorFlow
from kiosk.health import serve_health
from kiosk.inputs import flow_event, voice_flow_event
from kiosk.screen.touchscreen import (
    ScreenModel,
    TouchScreen,
)
from kiosk.screen_view import KioskStatus, ScreenView
from kiosk.sd_notify import SystemdNotifier
from kiosk.tickets.catalogue import services_from_voice_catalogue
from kiosk.tickets.desk import IssuedTicket
from kiosk.tickets.errors import CentralRejected, TicketingError
from kiosk.voice import listening_language, ticket_speech
from kiosk.wiring import build_desk, open_extras

_LOGGER = logging.getLogger(__name__)

#: touch polling: a touch waits at most 8 ms to be read; a poll costs ~10 µs
SCREEN_POLL_S = 1 / 120


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
        self._transcript_file = (
            transcript_path.open("a", encoding="utf-8") if transcript_path else None
        )
        self._clock = clock
        self._started = clock()
        self._generation = 0
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread = 0
        self.notifier = SystemdNotifier()
        self._qr_scan: asyncio.Task[Any] | None = None
        #: ratings central accepted during this run (the demo and the tests read them)
        self.ratings_sent: list[dict[str, Any]] = []

        self.printer = printer or open_printer(
            config.devices.printer, timeout_s=config.devices.printer_timeout_s
        )
        self.desk = build_desk(config, self.printer, transport)
        self.journal, self.client = self.desk.journal, self.desk.client
        self.catalogue, self.breaker = self.desk.catalogue, self.desk.breaker
        self.robot, self.camera, self.voice = open_extras(config, post=self.post, say=self.say)
        self.has_base = self.robot is not None
        self.view = ScreenView(config, self.catalogue)
        self.screen = TouchScreen(
            config.screen.width,
            config.screen.height,
            fullscreen=config.screen.fullscreen,
            post=self.post,
            dpi=config.screen.dpi,
        )
        self.flow = VisitorFlow(
            self,
            services=self.catalogue.codes(),
            languages=config.kiosk.languages,
            timeouts=FlowTimeouts(config.flow.idle_timeout_s, config.flow.ticket_ready_s),
            has_base=self.has_base,
            features=config.features.enabled(),
            rating_levels=config.features.rating_levels,
        )
        self.screen.configure(time_left=self._time_left)

    # -- the loop -------------------------------------------------------------------------

    def post(self, event: KioskEvent) -> None:
        """Put ``event`` on the queue (safe from other threads once the loop runs)."""
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, event)
        else:
            self.queue.put_nowait(event)

    async def run(self) -> None:
        """Serve citizens until a Shutdown event arrives."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        if self.catalogue.services:
            self._spawn(self.desk.refresh_services())  # the cached list now, a fresh one soon
        elif not await self.desk.refresh_services():
            self._fall_back_to_own_services()
        self._refresh_flow_services()
        self._spawn(self.desk.run_sync(self.config.central.sync_interval_s))
        self._spawn(self._pump_screen())
        if self.config.health.port:
            self._spawn(serve_health(self.health_snapshot, self.config.health.port))
        if self.camera is not None:
            self._spawn(presence.watch(self.camera, self.config.presence, self.post))
        if self.voice is not None and self.voice.settings.listening_mode == "always":
            self._spawn(self._listen_always())
        _LOGGER.info(
            "kiosk %s ready: %d services, journal %s",
            self.config.kiosk.id,
            len(self.catalogue.services),
            self.journal.counts(),
        )
        self.notifier.ready(
            f"kiosk {self.config.kiosk.id}: {len(self.catalogue.services)} "
            f"lĩnh vực, central {'offline' if self.breaker.is_open else 'online'}"
        )
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

    def _fall_back_to_own_services(self) -> None:
        """Central never reached and nothing cached: offer the services of the kiosk's own
        catalogue (with central's prefixes) so citizens still get offline numbers."""
        fallback = services_from_voice_catalogue(self.config.kiosk.catalogue)
        if fallback is not None:
            self.catalogue.use_fallback(fallback)
            _LOGGER.error("TECHNICIAN: central never reached and no cached service list: "
                          "offering the %d services of %s, offline numbers until it answers",
                          len(fallback.services), self.config.kiosk.catalogue)

    async def close(self) -> None:
        """Stop background work and release devices."""
        _LOGGER.info("kiosk %s stopping: journal %s", self.config.kiosk.id, self.journal.counts())
        self.notifier.stopping()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._timer:
            self._timer.cancel()
        await self.client.close()
        if self.robot is not None:
            await self.robot.close()
        if self.voice is not None:
            await self.voice.close()
        if self.camera is not None:
            self.camera.close()
        self.printer.close()
        self.journal.close()
        self.screen.close()
        if self._transcript_file:
            self._transcript_file.close()

    def health_snapshot(self) -> dict[str, Any]:
        """The numbers /health and /metrics report (no I/O: read from memory and SQLite)."""
        not_printed = sum(1 for t in self.issued if not t.printed)
        return {"kiosk": self.config.kiosk.id, "state": self.flow.current_state_id,
                "central_circuit_open": self.breaker.is_open, "faults": list(self._faults()),
                "journal": self.journal.counts(), "tickets_issued": len(self.issued),
                "tickets_not_printed": not_printed, "transitions": len(self.transcript)}

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
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
        """Give the flow what central offers now (the list can change with every sync)."""
        self.flow.services = self.catalogue.codes()
        self.flow.priorities = frozenset(c.code for c in self.catalogue.priority_categories)

    # -- deciding -------------------------------------------------------------------------

    def handle(self, event: KioskEvent) -> None:
        """Feed one event to the flow and log what it did."""
        before = self.flow.current_state_id
        if isinstance(event, (Touch, VoiceIntent)) and self._armed_for is not None:
            self.arm_timer(self._armed_for)  # any input from the citizen restarts the clock
        if isinstance(event, Touch) and self.voice is not None:
            self.voice.stop_speaking()  # a touch cuts the kiosk off at once
            if event.target == "talk":
                self._listen()
        name, outcome = self._apply(event)
        after = self.flow.current_state_id
        record = {
            "t": round(self._clock() - self._started, 3),
            "event": describe(event),
            "from": before,
            "to": after,
            "transition": name,
            "outcome": outcome,
        }
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
        if isinstance(event, Touch) and event.target in ("large_text", "read_aloud"):
            return None, self._screen_tool(event.target)
        if isinstance(event, PersonDetected):
            return None, "handled" if self.flow.person_detected() else "ignored"
        if isinstance(event, Touch) and event.target == "start" and event.value:
            self.flow.set_language(event.value)  # a big language button on the attract screen
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
        if isinstance(event, VoiceIntent):
            return self._voice_flow_event(event)
        return flow_event(event, generation=self._generation)

    # -- voice ------------------------------------------------------------------------

    def _voice_flow_event(self, event: VoiceIntent) -> tuple[str | None, dict[str, Any]]:
        """What a spoken intent means here; language, repeat and slower act at once."""
        if event.language and event.language != self.flow.visit.language:
            self.flow.set_language(event.language)  # answer in the language it was asked in
        if event.name == "change_language" and event.slots.get("language"):
            self.flow.set_language(event.slots["language"])
            return None, {}
        if event.name in ("repeat", "slower"):
            if self.voice is not None and event.name == "slower":
                self.voice.speaker.slow = True
            self._screen_tool("read_aloud")
            return None, {}
        return voice_flow_event(event, self.flow.current_state_id, has_base=self.has_base)

    def _listen(self) -> None:
        """Listen once for what fits the current screen, in the visit's language."""
        if self.voice is None:
            return
        language = listening_language(
            self.voice, self.flow.visit.language, self.config.kiosk.languages
        )
        if language is not None:
            self.voice.listen(self.flow.current_state_id, language)

    async def _listen_always(self) -> None:
        # Always-listening mode: whenever nothing is being heard or said, listen again.
        assert self.voice is not None
        while True:
            if not self.voice.busy:
                self._listen()
            await asyncio.sleep(0.1)

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
        if state == "booking" and self.camera is not None and self._qr_scan is None:
            self._qr_scan = self._spawn(
                qr_scan.scan(
                    self.camera,
                    post=self.post,
                    active=lambda: self.flow.current_state_id == "booking",
                )
            )
            self._qr_scan.add_done_callback(lambda _: setattr(self, "_qr_scan", None))

    def screen_model(self, state: str, visit: Visit) -> ScreenModel:
        """What the screen shows for ``state`` and ``visit``."""
        status = KioskStatus(
            last_ticket=self.issued[-1] if self.issued else None,
            has_base=self.has_base,
            faults=self._faults(),
            can_talk=self._can_talk(visit.language),
        )
        return self.view.model(state, visit, status)

    def _can_talk(self, language: str) -> bool:
        """Show the microphone button: touch-to-talk voice that can listen now."""
        voice = self.voice
        return (
            voice is not None
            and voice.settings.listening_mode == "touch"
            and listening_language(voice, language, self.config.kiosk.languages) is not None
        )

    def _faults(self) -> tuple[str, ...]:
        """Parts that are down, for the friendly note on the menu."""
        faults = []
        if self.issued and not self.issued[-1].printed:
            faults.append("printer")
        if self.breaker.is_open:
            faults.append("central")
        return tuple(faults)

    def _time_left(self) -> float | None:
        """Seconds until the current state's timeout (the screen's idle countdown)."""
        if self._timer is None or self._timer.cancelled():
            return None
        loop = self._loop or asyncio.get_event_loop()
        return self._timer.when() - loop.time()

    def _screen_tool(self, tool: str) -> str:
        """Large text and read aloud: not flow events, they change how, not what."""
        if tool == "large_text":
            self.flow.toggle_large_text()
            return "handled"
        self.say(self.screen.spoken_text(), self.flow.visit.language)
        return "handled"

    def start_redeeming(self, visit: Visit) -> None:
        """Redeem the typed booking code and print it; post TicketReady or RedeemFailed."""
        self._spawn(self._redeem(visit.booking_code, visit.language))

    async def _redeem(self, code: str, language: str) -> None:
        try:
            issued = await self.desk.redeem(code, language)
        except CentralRejected as exc:
            _LOGGER.info("booking %s refused: %s", code, exc.code)
            self.post(RedeemFailed(exc.code, str(exc)))
            return
        except TicketingError as exc:
            _LOGGER.warning("booking %s could not be redeemed: %s", code, exc)
            self.post(RedeemFailed("central-unavailable", str(exc)))
            return
        self._hand_over(issued, language)

    def send_rating(self, visit: Visit) -> None:
        """Send the citizen's rating to central in the background."""
        if visit.score is None:
            return
        levels = self.config.features.rating_levels
        # central takes 1..5: spread a 3- or 4-level scale over it
        score = round(1 + (visit.score - 1) * 4 / (levels - 1))
        body = {
            "ticket_id": None,
            "counter": None,
            "score": score,
            "reasons": list(visit.reasons),
            "idempotency_key": uuid.uuid4().hex,
        }
        self._spawn(self._send_rating(body))

    async def _send_rating(self, body: dict[str, Any]) -> None:
        try:
            await self.client.post_rating(body)
        except TicketingError as exc:
            _LOGGER.warning("rating %s not sent to central: %s", body["score"], exc)
            return
        self.ratings_sent.append(body)

    def call_staff(self, state: str) -> None:
        """A citizen pressed "call staff": the floor staff watch for STAFF lines."""
        _LOGGER.warning(
            "STAFF: a citizen at kiosk %s asks for help (on screen %s)", self.config.kiosk.id, state
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
        self._hand_over(issued, visit.language)

    def _hand_over(self, issued: IssuedTicket, language: str) -> None:
        """The number exists: show it (via the flow) and say it."""
        self.issued.append(issued)
        self.post(TicketReady(issued.number, issued.offline, issued.printed, issued.print_error))
        self.say(
            ticket_speech(issued.number, issued.view.counters, issued.printed, language), language
        )

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
        else:
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
        if self.voice is None:
            _LOGGER.debug("say (%s, no voice): %s", language, text)
        else:
            self.voice.say(text, language)
