"""The kiosk daemon: one asyncio loop, one event queue, one visitor flow.

Devices, voice, screen, central and timers put small typed events (kiosk/events.py) on
one :class:`~kiosk.tasks.Inbox`; the daemon takes each off, lets
:func:`kiosk.inputs.apply_event` carry it out on the :class:`~kiosk.flow.VisitorFlow`,
records the transition in the transcript (``transcript.jsonl``: ``kiosk replay`` drives a
fresh flow through it and checks it reaches the same states), and carries out what the
flow asks through :class:`~kiosk.flow.FlowEffects`: render a screen, issue a ticket, arm
a timer. Long work (issuing, printing, guiding, sending a rating) runs as tasks that post
their outcome back as events; a task that dies unexpectedly posts
:class:`~kiosk.events.TaskFailed` (kiosk/tasks.py), so the flow never waits for ever.

The daemon's shape, for code that builds or extends it::

    parts = open_parts(config, transport=..., printer=...)   # kiosk/wiring.py: KioskParts
    daemon = KioskDaemon(config, parts, transcript_path=...)  # parts injected, or opened
    await daemon.run()                                        # until a Shutdown event

- what an input *means* lives only in kiosk/inputs.py (touch and voice tables);
- what the flow *decides* lives only in kiosk/flow.py;
- the daemon owns the loop, the timer, the tasks, the transcript and the FlowEffects,
  with helpers: issuing and rating (kiosk/ticket_tasks.py: the latest ``issued``), the
  voice tools and overlays (kiosk/voice_screen.py), call-staff (kiosk/help_call.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import dossier_lookup, heap, presence, qr_scan
from kiosk.config import KioskConfig
from kiosk.events import (
    Docked,
    DossierAnswer,
    FaceAnswer,
    GuideFinished,
    KioskEvent,
    Shutdown,
    TaskFailed,
    Timeout,
    Touch,
    VoiceIntent,
    describe,
)
from kiosk.face_run import FaceRunner
from kiosk.flow import FlowTimeouts, Visit, VisitorFlow
from kiosk.guiding import Destination, destination
from kiosk.health import daemon_health, serve_health
from kiosk.help_call import StaffCalls
from kiosk.inputs import apply_event
from kiosk.replay import services_record, start_record
from kiosk.screen.touchscreen import ScreenModel
from kiosk.screen_view import KioskStatus, ScreenView
from kiosk.sd_notify import SystemdNotifier
from kiosk.tasks import spawn
from kiosk.ticket_tasks import TicketTasks
from kiosk.voice_screen import VoiceScreen
from kiosk.wiring import KioskParts, open_parts
from navigation.guide import GuideResult

_LOGGER = logging.getLogger(__name__)

#: touch polling: a touch waits at most 8 ms to be read; a poll costs ~10 µs
SCREEN_POLL_S = 1 / 120
#: transitions kept in memory (the transcript file has the whole day)
TRANSCRIPT_KEPT = 1000


@dataclass
class DaemonCounters:
    """What the daemon counts over its whole run (the health endpoint reports them)."""

    transitions: int = 0
    tickets_issued: int = 0
    tickets_not_printed: int = 0
    ratings_sent: int = 0
    tasks_failed: int = 0


class KioskDaemon:
    """Runs the flow of one kiosk over the parts it is given (see the module docstring)."""

    def __init__(
        self,
        config: KioskConfig,
        parts: KioskParts | None = None,
        *,
        transcript_path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.parts = parts if parts is not None else open_parts(config)
        self.inbox = self.parts.inbox
        self.counters = DaemonCounters()
        #: the latest transitions, newest last (``counters.transitions`` counts them all)
        self.transcript: deque[dict[str, Any]] = deque(maxlen=TRANSCRIPT_KEPT)
        self._transcript_file = (
            transcript_path.open("a", encoding="utf-8") if transcript_path else None
        )
        self.clock = clock
        self._started = clock()
        self._generation = 0
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._failed_tasks: set[str] = set()
        self.notifier = SystemdNotifier()
        self._qr_scan: asyncio.Task[Any] | None = None

        parts = self.parts
        self.printer, self.desk, self.screen = parts.printer, parts.desk, parts.screen
        self.journal, self.client = self.desk.journal, self.desk.client
        self.catalogue, self.breaker = self.desk.catalogue, self.desk.breaker
        self.robot, self.camera, self.voice = parts.robot, parts.camera, parts.voice
        self.procedures = parts.procedures
        self.has_base = self.robot is not None
        self.view = ScreenView(config, self.catalogue, parts.procedures)
        #: issuing, redeeming, rating (kiosk/ticket_tasks.py); the latest tickets handed
        #: over and ratings sent, newest last
        self.tickets = TicketTasks(self)
        #: the "call staff" button and where its request stands (kiosk/help_call.py)
        self.staff = StaffCalls(self)
        self.issued, self.ratings_sent = self.tickets.issued, self.tickets.ratings_sent
        #: the voice tools and what voice shows over the screen (kiosk/voice_screen.py)
        self.voice_screen = VoiceScreen(self)
        #: whether the camera sees somebody (fed by the presence watcher in run())
        self.presence = presence.PresenceDetector(config.presence)
        features = config.features.enabled()
        #: dossier lookup by face (issue 9): None when off; dlib loads only in run()
        self.faces: FaceRunner | None = None
        if config.faces.enabled and "dossier_lookup" in features:
            from kiosk.faces.feature import FaceFeature

            self.faces = FaceRunner(FaceFeature(config.faces, self.camera, self.client),
                                    parts.procedures, self.post,
                                    lambda: self.flow.visit.dossier.phase)
            features = features | {"faces"}
        self.flow = VisitorFlow(
            self,
            services=self.catalogue.codes(),
            languages=config.kiosk.languages,
            timeouts=FlowTimeouts(config.flow.idle_timeout_s, config.flow.ticket_ready_s),
            has_base=self.has_base,
            features=features,
            rating_levels=config.features.rating_levels,
        )
        self.screen.configure(time_left=self._time_left)

    # -- the loop -------------------------------------------------------------------------

    def post(self, event: KioskEvent) -> None:
        """Put ``event`` on the queue (safe from other threads once the loop runs)."""
        self.inbox.post(event)

    async def run(self) -> None:
        """Serve citizens until a Shutdown event arrives."""
        self.inbox.bind()
        self._write_transcript(start_record(self.flow))
        if self.faces is not None:
            # The face models load behind the attract screen, already drawn, but before
            # anything else runs: dlib holds the GIL while it loads (0.5 s, seconds on a
            # busy machine), which would stall a robot's serial link or a touch mid-way.
            await self.faces.feature.start()
        if self.catalogue.services:
            self.spawn(self.desk.refresh_services(), "sync")  # cached now, fresh soon
        elif not await self.desk.refresh_services():
            self.catalogue.fall_back_to(self.config.kiosk.catalogue)
        self._refresh_flow_services()
        self.spawn(self.desk.run_sync(self.config.central.sync_interval_s), "sync")
        if self.procedures is not None:
            self.spawn(self.procedures.run_sync(), "procedures")
        self.spawn(self._pump_screen(), "screen")
        # freed heap back to the system at the attract screen (kiosk/heap.py: the soak)
        self.spawn(heap.trim_while_idle(lambda: self.flow.current_state_id == "idle"), "heap")
        if self.config.health.port:
            self.spawn(serve_health(self.health_snapshot, self.config.health.port), "health")
        if self.camera is not None:
            seen = self.faces.feature.camera_seen if self.faces is not None else None
            self.spawn(presence.watch(self.camera, self.config.presence, self.post, seen,
                                       self.presence), "presence")
        if self.voice is not None:
            self.voice.warm(self.flow.visit.language)  # classifiers and model behind the screen
        if self.voice is not None and self.voice.settings.listening_mode == "always":
            self.spawn(self.voice_screen.listen_always(), "voice")
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
            self.spawn(self._watchdog(self.notifier.watchdog_interval_s), "watchdog")
        try:
            while True:
                event = await self.inbox.get()
                if isinstance(event, Shutdown):
                    break
                self.handle(event)
        finally:
            await self.close()

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
        if self.procedures is not None:
            await self.procedures.close()
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
        """The numbers /health and /metrics report (kiosk/health.py)."""
        return daemon_health(self, self._faults())

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a task whose failure is posted to the flow as TaskFailed."""
        task = spawn(coro, name, self.post)
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
        services = self.catalogue.codes()
        priorities = frozenset(c.code for c in self.catalogue.priority_categories)
        if self.voice is not None:
            self.voice.parser.priority_categories = priorities
            names = {c.code: c.names for c in self.catalogue.priority_categories}
            self.voice.category_name = lambda code: names.get(code, {}).get(
                self.flow.visit.language, code)
        if services != self.flow.services or priorities != self.flow.priorities:
            self.flow.services, self.flow.priorities = services, priorities
            self._write_transcript(services_record(self.flow))

    def _write_transcript(self, line: dict[str, Any]) -> None:
        if self._transcript_file:
            self._transcript_file.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            self._transcript_file.flush()

    # -- deciding -------------------------------------------------------------------------

    def handle(self, event: KioskEvent) -> None:
        """Feed one event to the flow and record what it did."""
        before = self.flow.current_state_id
        generation = self._generation  # what a Timeout is compared with (kiosk replay too)
        if isinstance(event, (Touch, VoiceIntent)) and self._armed_for is not None:
            self.arm_timer(self._armed_for)  # any input from the citizen restarts the clock
        if isinstance(event, Touch) and self.voice is not None:
            self.voice.stop_speaking()  # a touch cuts the kiosk off at once
            if event.target == "talk":
                self.voice_screen.listen()
        if isinstance(event, TaskFailed):
            self.counters.tasks_failed += 1
            self._failed_tasks.add(event.task)
        self._refresh_flow_services()
        spoken = ""
        if isinstance(event, VoiceIntent) and self.procedures is not None:
            # a spoken question is answered first, so the screen shows what is said
            event, spoken = self.procedures.resolve(event, self.flow.features)
        chose = self.voice_screen.clear(event)
        name: str | None = None
        outcome: str
        try:
            name, outcome = apply_event(self.flow, event, generation=generation,
                                        has_base=self.has_base, tools=self.voice_screen)
        except Exception:  # noqa: BLE001 - one bad event must not stop the kiosk
            _LOGGER.exception("TECHNICIAN: event %s failed in state %s", describe(event), before)
            outcome = "failed"
        after = self.flow.current_state_id
        if self.procedures is not None and after == "idle":
            self.procedures.end_visit()  # the visit ended: forget the procedure in context
        if spoken and isinstance(event, VoiceIntent):
            self.say(spoken, event.language or self.flow.visit.language)
        if after == "idle" and before != "idle":  # the visit ended: nothing stays up
            chose = self.voice_screen.clear(Touch("screen")) or chose
        if chose and (after == before or after == "idle"):
            self.render(after, self.flow.visit)  # the question's choices leave the screen
        record = {
            "t": round(self.clock() - self._started, 3),
            "event": dossier_lookup.redact(describe(event)),
            "from": before,
            "to": after,
            "transition": name,
            "outcome": outcome,
            "timer": generation,
        }
        self.counters.transitions += 1
        self.transcript.append(record)
        self._write_transcript(record)
        log = _LOGGER.info if outcome == "handled" else _LOGGER.debug
        log("%s --%s--> %s  (event %s, %s)", before, name, after, record["event"], outcome)

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
        if state == "idle" and self.voice is not None:
            self.voice.context.forget()  # the voice context lives until the visit ends
        self.screen.show(self.screen_model(state, visit))

    def start_scanning(self) -> None:
        """The booking screen is up: read QR codes from the camera while it stays up."""
        if self.camera is None or self._qr_scan is not None:
            return
        self._qr_scan = self.spawn(
            qr_scan.scan(
                self.camera,
                post=self.post,
                active=self._scanning_wanted,
            ),
            "scan",
        )
        self._qr_scan.add_done_callback(lambda _: setattr(self, "_qr_scan", None))

    def _scanning_wanted(self) -> bool:
        """Read QR codes on the booking and rating screens and the dossier screen's keypad
        and answer (not while the camera looks at a face)."""
        state = self.flow.current_state_id
        return state in ("booking", "rating") or (
            state == "dossier_lookup" and not self.flow.visit.dossier.phase.startswith("face_")
        )

    def start_face(self, visit: Visit) -> None:
        """Look at the citizen's face for a lookup or an enrolment (kiosk.face_run)."""
        if self.faces is None:
            self.post(FaceAnswer("unavailable"))
        else:
            self.spawn(self.faces.run(visit), "face")

    def forget_face(self, visit: Visit) -> None:
        """Delete the face linked to the dossier shown, on central, at once."""
        if self.faces is None:
            self.post(FaceAnswer("unavailable"))
        else:
            self.spawn(self.faces.forget(visit), "face")

    def screen_model(self, state: str, visit: Visit) -> ScreenModel:
        """What the screen shows for ``state`` and ``visit``."""
        status = KioskStatus(
            last_ticket=self.issued[-1] if self.issued else None,
            has_base=self.has_base,
            faults=self._faults(),
            can_talk=self.voice_screen.can_talk(visit.language),
            help=self.staff.status,
            face_button=self.faces is not None and self.faces.button,
        )
        return self.voice_screen.over(self.view.model(state, visit, status), visit.language)

    def _faults(self) -> tuple[str, ...]:
        """Parts that are down, for the friendly note on the menu."""
        faults = []
        last = self.issued[-1] if self.issued else None
        printing = last is not None and last.printing
        if self.desk.printer_guard.failing or (last and not last.printed and not printing):
            faults.append("printer")
        if self.breaker.is_open:
            faults.append("central")
        faults.extend(f"task:{name}" for name in sorted(self._failed_tasks))
        return tuple(faults)

    def _time_left(self) -> float | None:
        """Seconds until the current state's timeout (the screen's idle countdown)."""
        if self._timer is None or self._timer.cancelled():
            return None
        loop = self.inbox.loop or asyncio.get_event_loop()
        return self._timer.when() - loop.time()

    def start_redeeming(self, visit: Visit) -> None:
        """Redeem the typed booking code and print it (kiosk/ticket_tasks.py)."""
        self.tickets.start_redeeming(visit)

    def send_rating(self, visit: Visit) -> None:
        """Send the citizen's rating to central in the background."""
        self.tickets.send_rating(visit)

    def check_rating_ticket(self, ref: str) -> None:
        """Ask central which ticket the citizen showed, in the background."""
        self.tickets.check_rating_ticket(ref)

    def print_checklist(self, visit: Visit) -> None:
        """Print the shown procedure's checklist on the ticket printer (in the background)."""
        if self.procedures is not None and visit.proc_code:
            self.spawn(self.procedures.print_checklist(visit.proc_code, visit.language), "print")

    def next_dossier(self) -> None:
        """Show the citizen's next dossier (a face linked to several)."""
        if self.procedures is not None:
            self.procedures.next_dossier()

    def start_dossier_lookup(self, visit: Visit) -> None:
        """Look ``visit.dossier`` up on central in the background (kiosk.dossier_lookup)."""
        if self.procedures is not None:
            look = dossier_lookup.look_up(self.procedures, visit.dossier, visit.language, self.post)
            self.spawn(look, "dossier")
        else:
            self.post(DossierAnswer(False, code="central-unavailable"))

    def call_staff(self, state: str) -> None:
        """A citizen pressed "call staff": a help request to central, followed until an
        officer takes it (kiosk/help_call.py), and a STAFF line in the journal."""
        self.staff.call(state)

    def start_issuing(self, visit: Visit) -> None:
        """Issue and print in a task; post the outcome (kiosk/ticket_tasks.py)."""
        self.tickets.start_issuing(visit)

    def start_guiding(self, visit: Visit) -> None:
        """Lead the citizen to their field's counter, or to its waiting area when several
        counters may call the number (slower for priority); from a procedure's answer (no
        ticket), to the first counter of its field."""
        last = self.issued[-1] if self.issued and visit.ticket is not None else None
        place = None
        if self.robot is not None and last is not None:
            # a redeemed booking's visit names no field: the ticket's field name does
            service = visit.service or next(
                (s.code for s in self.catalogue.services
                 if s.name(visit.language) == last.view.service_name), None)
            place = destination(service, last.view.service_name, last.counter_codes,
                                last.view.counters, self.robot.lobby.poses, visit.language)
        elif self.robot is not None and visit.proc_code and self.procedures is not None:
            codes, names = self.procedures.counters_of(visit.proc_code)  # from its answer
            if codes:
                place = Destination(codes[0], names[0] if names else codes[0], area=False)
        if self.robot is None or place is None:
            self.post(GuideFinished(GuideResult.UNKNOWN_POSE, "no counter to lead to"))
            return
        _LOGGER.info("guiding to %s (%s)", place.pose, place.name)
        self.robot.guide_to(place.pose, place.name,
                            language=visit.language, slow=visit.priority is not None)

    def start_returning(self) -> None:
        """Drive back to the dock."""
        if self.robot is None:
            self.post(Docked(None))
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
        self.parts.say(text, language)
