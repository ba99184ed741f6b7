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
import io
import json
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
from statemachine.exceptions import TransitionNotAllowed

from drivers.audio.base import AudioError
from drivers.base import BaseError
from drivers.camera import CameraError, open_camera
from drivers.printer import open_printer
from drivers.printer.base import Printer
from drivers.url import DeviceURLError
from kiosk import presence, qr_scan
from kiosk.config import KioskConfig
from kiosk.events import (
    Docked,
    EmergencyStop,
    GuideFinished,
    IssueFailed,
    KioskEvent,
    PersonDetected,
    QRScanned,
    RedeemFailed,
    Shutdown,
    TicketReady,
    Timeout,
    Touch,
    VoiceIntent,
    describe,
)
from kiosk.flow import FlowTimeouts, IssuedNumber, Visit, VisitorFlow
from kiosk.guiding import RobotGuide
from kiosk.screen.touchscreen import (
    PriorityButton,
    ScreenModel,
    ServiceButton,
    TicketPanel,
    TouchScreen,
)
from kiosk.sd_notify import SystemdNotifier
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.desk import DeskSettings, IssuedTicket, TicketDesk
from kiosk.tickets.errors import CentralRejected, TicketingError
from kiosk.tickets.journal import TicketJournal
from kiosk.voice import VoiceFrontend, listening_language, ticket_speech
from navigation.errors import NavigationError
from speech.errors import SpeechError

_LOGGER = logging.getLogger(__name__)

#: how often the screen is polled for touches (s)
SCREEN_POLL_S = 1 / 120  # a touch waits at most 8 ms to be read; a poll costs ~10 µs

# Touch targets that map one-to-one onto flow events.
_TOUCH_EVENTS = {
    "start": "start",
    "take_ticket": "take_ticket",
    "back": "back",
    "done": "done",
    "guide_me": "guide_me",
    "staff_reset": "reset",
}


# Screen targets that become flow events; the value travels as the named argument.
_SCREEN_EVENTS = {
    "page_next": ("page_next", None),
    "page_prev": ("page_prev", None),
    "book": ("book", None),
    "rate": ("rate", None),
    "call_staff": ("call_staff", None),
    "ask_procedure": ("ask_procedure", None),
    "ask_dossier": ("ask_dossier", None),
    "key": ("type_key", "char"),
    "submit_code": ("submit_code", None),
    "reason": ("toggle_reason", "reason"),
    "submit_rating": ("submit_rating", None),
}
_REDEEM_MESSAGES = ("unknown-booking", "booking-used", "booking-wrong-day", "central-unavailable")


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
        self.notifier = SystemdNotifier()
        self._qr_scan: asyncio.Task[Any] | None = None

        state_dir = config.kiosk.state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        self.printer = printer or open_printer(
            config.devices.printer, timeout_s=config.devices.printer_timeout_s
        )
        self.journal = TicketJournal(state_dir / "journal.sqlite3")
        self.catalogue = ServiceCatalogue(state_dir / "services.json")
        self.client = CentralClient(
            config.central.url,
            config.central.token,
            connect_timeout_s=config.central.connect_timeout_s,
            read_timeout_s=max(2.0, config.central.budget_ms / 1000 * 4),
            transport=transport,
        )
        self.breaker = CircuitBreaker(config.central.breaker_failures)
        self.desk = TicketDesk(
            settings=DeskSettings(
                kiosk_id=config.kiosk.id,
                centre_name=config.kiosk.centre_name,
                offline_prefix=config.central.offline_prefix,
                budget_s=config.central.budget_ms / 1000,
                public_url=config.central.public_url or config.central.url,
                preview_dir=config.tickets.preview_dir,
            ),
            journal=self.journal,
            client=self.client,
            printer=self.printer,
            catalogue=self.catalogue,
            breaker=self.breaker,
        )
        # The robot, the camera and voice are extras around the core job: a pulled cable or
        # a missing model degrades the kiosk (the way is shown on screen, touch only), it
        # never stops it from issuing numbers.
        self.robot = _optional(
            "robot base",
            config.devices.base,
            lambda: RobotGuide(
                config.devices.base, config.navigation, post=self.post, say=self.say
            ),
        )
        self.has_base = self.robot is not None
        self.camera = _optional(
            "camera", config.devices.camera, lambda: open_camera(config.devices.camera)
        )
        self.voice = (
            None
            if (speech := config.speech) is None
            else _optional(
                "voice",
                config.devices.audio_out,
                lambda: VoiceFrontend(
                    speech,
                    audio_in_url=config.devices.audio_in,
                    audio_out_url=config.devices.audio_out,
                    catalogue_path=config.kiosk.catalogue,
                    post=self.post,
                ),
            )
        )
        self.screen = TouchScreen(
            config.screen.width,
            config.screen.height,
            fullscreen=config.screen.fullscreen,
            post=self.post,
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
        if self.voice is not None:
            await self.voice.close()
        if self.camera is not None:
            self.camera.close()
        self.printer.close()
        self.journal.close()
        self.screen.close()
        if self._transcript_file:
            self._transcript_file.close()

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
        self.flow.services = self.catalogue.codes()

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
        self._configure_flow()
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
            if event.target == "priority":
                return "select_priority", {
                    "priority": None if event.value == "none" else event.value
                }
            if event.target == "score":
                score = int(event.value) if event.value and event.value.isdigit() else None
                return "choose_score", {"score": score}
            if event.target in _SCREEN_EVENTS:
                name, argument = _SCREEN_EVENTS[event.target]
                return name, ({argument: event.value} if argument else {})
            return _TOUCH_EVENTS.get(event.target), {}
        if isinstance(event, VoiceIntent):
            return self._voice_flow_event(event)
        if isinstance(event, TicketReady):
            ticket = IssuedNumber(event.number, event.offline, event.printed, event.print_error)
            return "ticket_issued", {"ticket": ticket}
        if isinstance(event, IssueFailed):
            return "issue_failed", {"message": "issue_failed"}
        if isinstance(event, QRScanned):
            return "scan_code", {"code": event.code}
        if isinstance(event, RedeemFailed):
            known = event.code if event.code in _REDEEM_MESSAGES else "redeem-failed"
            return "redeem_failed", {"message": known}
        if isinstance(event, Timeout):
            return ("timeout", {}) if event.generation == self._generation else (None, {})
        if isinstance(event, GuideFinished):
            return "arrived", {}
        if isinstance(event, Docked):
            return "docked", {}
        if isinstance(event, EmergencyStop):
            return "emergency_stop", {}
        return None, {}

    # -- voice ------------------------------------------------------------------------

    def _voice_flow_event(self, event: VoiceIntent) -> tuple[str | None, dict[str, Any]]:
        """What a spoken intent means in the current state (each has a button too)."""
        if event.language and event.language != self.flow.visit.language:
            self.flow.set_language(event.language)  # answer in the language it was asked in
        state, slots = self.flow.current_state_id, event.slots
        if event.name == "take_ticket":
            if "service" in slots and state in ("idle", "menu", "choose_service"):
                return "select_service", {"service": slots["service"]}
            return ("start" if state == "idle" else "take_ticket"), {}
        if event.name == "change_language" and slots.get("language"):
            self.flow.set_language(slots["language"])
            return None, {}
        if event.name in ("repeat", "slower"):
            if self.voice is not None:
                self.voice.speaker.slow = self.voice.speaker.slow or event.name == "slower"
            self._screen_tool("read_aloud")
            return None, {}
        if event.name == "no" and state == "choose_priority":
            return "select_priority", {"priority": None}
        if event.name in ("yes", "no") and state == "ticket_ready":
            wants_guide = event.name == "yes" and self.has_base
            return ("guide_me" if wants_guide else "done"), {}
        return {"help": ("call_staff", {}), "back": ("back", {})}.get(event.name, (None, {}))

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
        self.screen.configure(dpi=self.config.screen.dpi, time_left=self._time_left)
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
        lang = visit.language
        panel = None
        last = self.issued[-1] if self.issued else None
        categories = self.catalogue.priority_categories
        if visit.ticket is not None and last is not None and last.number == visit.ticket.number:
            view = last.view
            route = getattr(self, "route_picture", None)
            panel = TicketPanel(
                number=view.number,
                service_name=view.service_name,
                counters=view.counters,
                people_ahead=view.people_ahead,
                wait_min=view.estimated_wait_min,
                printed=last.printed,
                offline=last.offline,
                status_url=view.status_url,
                priority_name=view.priority_label,
                route_png=route(last.counter_codes[0]) if route and last.counter_codes else None,
            )
        features = self.config.features
        return ScreenModel(
            state=state,
            language=lang,
            languages=self.config.kiosk.languages,
            centre_name=self.config.kiosk.centre_name,
            services=tuple(ServiceButton(s.code, s.name(lang)) for s in self.catalogue.services),
            ticket=panel,
            error=visit.error,
            has_base=self.has_base,
            priorities=tuple(
                PriorityButton(c.code, c.names.get(lang) or c.names.get("vi") or c.code)
                for c in categories
            ),
            features=features.enabled(),
            page=visit.page,
            booking_code=visit.booking_code,
            score=visit.score,
            reasons=visit.reasons,
            rating_levels=features.rating_levels,
            large_text=visit.large_text,
            person_seen=visit.person_seen,
            faults=self._faults(),
            can_talk=self._can_talk(lang),
        )

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

    _routes: dict[str, bytes | None] | None = None

    def route_picture(self, counter_code: str) -> bytes | None:
        """The lobby map with the way from the entrance to ``counter_code`` (PNG), for a
        kiosk without a base; None (the screen draws a schematic) if there is no map."""
        if self.has_base:
            return None
        if self._routes is None:
            self._routes = {}
        if counter_code not in self._routes:
            self._routes[counter_code] = self._draw_route(counter_code)
        return self._routes[counter_code]

    def _draw_route(self, counter_code: str) -> bytes | None:
        from navigation.errors import NavigationError
        from navigation.lobby import load_lobby
        from navigation.planner import Planner

        settings = getattr(self.config, "navigation", None)
        if settings is None:
            return None
        path = Path(settings.map_path)
        if not path.is_absolute() and not path.exists():
            path = Path(__file__).resolve().parents[1] / path
        try:
            lobby = load_lobby(path)
            start = "entrance" if "entrance" in lobby.poses else "dock"
            planner = Planner(
                lobby, inflation_m=settings.robot_radius_m, plan_cell_m=settings.plan_cell_m
            )
            route = planner.route_between(start, counter_code)
            image = lobby.render_route_png(start, counter_code, route, width_px=720)
        except (NavigationError, OSError) as exc:
            _LOGGER.warning(
                "no lobby route to %s (%s): the screen draws a schematic", counter_code, exc
            )
            return None
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()

    def _time_left(self) -> float | None:
        """Seconds until the current state's timeout (the screen's idle countdown)."""
        if self._timer is None or self._timer.cancelled():
            return None
        loop = self._loop or asyncio.get_event_loop()
        return self._timer.when() - loop.time()

    def _configure_flow(self) -> None:
        """Give the flow central's priority categories and the configured features."""
        self.flow.priorities = frozenset(c.code for c in self.catalogue.priority_categories)
        self.flow.features = self.config.features.enabled()
        self.flow.rating_levels = self.config.features.rating_levels

    def _screen_tool(self, tool: str) -> str:
        """Large text and read aloud: not flow events, they change how, not what."""
        if tool == "large_text":
            self.flow.toggle_large_text()
            return "handled"
        say = getattr(self, "say", None)
        if say is None:
            return "ignored"
        say(self.screen.spoken_text(), self.flow.visit.language)
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

    _ratings_sent: list[dict[str, Any]] | None = None

    @property
    def ratings_sent(self) -> list[dict[str, Any]]:
        """Ratings central accepted during this run (the demo and the tests read them)."""
        if self._ratings_sent is None:
            self._ratings_sent = []
        return self._ratings_sent

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
        self.robot.guide_to(
            last.counter_codes[0],
            last.view.counters[0],
            language=visit.language,
            slow=visit.priority is not None,
        )

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
        if self.voice is None:
            _LOGGER.debug("say (%s, no voice): %s", language, text)
            return
        self.voice.say(text, language)


_DEVICE_ERRORS = (
    DeviceURLError,
    BaseError,
    NavigationError,
    CameraError,
    AudioError,
    SpeechError,
    OSError,
)

_T = TypeVar("_T")


def _optional(part: str, url: str, open_part: Callable[[], _T]) -> _T | None:
    """Open an optional part; on failure say what and why, and run without it."""
    if url.startswith("none:"):
        return None
    try:
        return open_part()
    except _DEVICE_ERRORS as exc:
        _LOGGER.error(
            "TECHNICIAN: %s unavailable (%s: %s: %s); the kiosk runs without it",
            part,
            url,
            getattr(exc, "code", type(exc).__name__),
            exc,
        )
        return None
