"""Building the kiosk's parts from its config: the ticket desk, and the optional devices.

:func:`open_parts` builds a :class:`KioskParts` (the inbox, printer, ticket desk,
screen, and the optional robot, camera and voice) from a config; the daemon is given one.
A test or a bench builds the same object and swaps any part (a printer with no paper, a
base whose cable is pulled) without the daemon knowing.

The ticket desk is the core job and must come up (a broken journal is fatal and says so).
The robot base, the camera and voice are extras around it: a pulled cable, a missing model
or a bad map degrades the kiosk (the way is shown on screen, touch only) with one clear
line for the technician, and the kiosk goes on issuing numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from zoneinfo import ZoneInfo

import httpx

from drivers.camera import Camera, open_camera
from drivers.errors import DeviceError
from drivers.printer import open_printer
from drivers.printer.base import Printer
from kiosk.config import KioskConfig
from kiosk.events import KioskEvent
from kiosk.guiding import RobotGuide
from kiosk.procedures.desk import ProcedureDesk
from kiosk.procedures.remote import ProcedureRemote
from kiosk.screen.touchscreen import TouchScreen
from kiosk.tasks import Inbox
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.desk import DeskSettings, TicketDesk
from kiosk.tickets.journal import TicketJournal
from kiosk.voice import VoiceFrontend
from navigation.errors import NavigationError
from speech.errors import SpeechError

_LOGGER = logging.getLogger(__name__)

#: what opening an optional part may raise: any device's error (one family, with a code),
#: a lobby map that cannot be used, a speech model or catalogue that cannot be loaded
_PART_ERRORS = (DeviceError, NavigationError, SpeechError)

_T = TypeVar("_T")


def build_desk(
    config: KioskConfig, printer: Printer, transport: httpx.AsyncBaseTransport | None = None
) -> TicketDesk:
    """The ticket desk with its journal, service cache, central client and breaker."""
    state_dir = config.kiosk.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    central = config.central
    client = CentralClient(
        central.url,
        central.token,
        connect_timeout_s=central.connect_timeout_s,
        read_timeout_s=max(2.0, central.budget_ms / 1000 * 4),
        transport=transport,
    )
    return TicketDesk(
        settings=DeskSettings(
            kiosk_id=config.kiosk.id,
            centre_name=config.kiosk.centre_name,
            centre_names=tuple(sorted(config.kiosk.centre_names.items())),
            offline_prefix=central.offline_prefix,
            budget_s=central.budget_ms / 1000,
            public_url=central.public_url or central.url,
            preview_dir=config.tickets.preview_dir,
            timezone=ZoneInfo(config.kiosk.timezone),
        ),
        journal=TicketJournal(state_dir / "journal.sqlite3"),
        client=client,
        printer=printer,
        catalogue=ServiceCatalogue(state_dir / "services.json"),
        breaker=CircuitBreaker(central.breaker_failures, close_within_s=central.budget_ms / 1000),
    )


def open_optional(part: str, url: str, open_part: Callable[[], _T]) -> _T | None:
    """Open an optional part; on failure say what and why, and run without it."""
    if url.startswith("none:"):
        return None
    try:
        return open_part()
    except _PART_ERRORS as exc:
        _LOGGER.error(
            "TECHNICIAN: %s unavailable (%s: %s: %s); the kiosk runs without it",
            part,
            url,
            getattr(exc, "code", type(exc).__name__),
            exc,
        )
        return None


def open_extras(
    config: KioskConfig, *, post: Callable[[KioskEvent], None], say: Callable[[str, str], None]
) -> tuple[RobotGuide | None, Camera | None, VoiceFrontend | None]:
    """The robot base with navigation, the camera and voice, each None when not configured
    or not working (the daemon then shows the way on screen, greets by touch, is silent)."""
    devices = config.devices
    robot = open_optional("robot base", devices.base, lambda: RobotGuide(
        devices.base, config.navigation, post=post, say=say, lidar_url=devices.lidar))
    camera = open_optional("camera", devices.camera, lambda: open_camera(devices.camera))
    speech = config.speech
    voice = None if speech is None else open_optional(
        "voice", devices.audio_out, lambda: VoiceFrontend(
            speech, audio_in_url=devices.audio_in, audio_out_url=devices.audio_out,
            catalogue_path=config.kiosk.catalogue, post=post))
    return robot, camera, voice


@dataclass
class KioskParts:
    """Everything a :class:`~kiosk.daemon.KioskDaemon` drives.

    ``inbox`` is the one queue all parts post to (the screen's touches, voice, the robot's
    trips); ``robot``, ``camera`` and ``voice`` are None on a kiosk without them.
    """

    inbox: Inbox
    printer: Printer
    desk: TicketDesk
    screen: TouchScreen
    robot: RobotGuide | None = None
    camera: Camera | None = None
    voice: VoiceFrontend | None = None
    procedures: ProcedureDesk | None = None

    def say(self, text: str, language: str) -> None:
        """Speak ``text`` (cutting off what was being said); every line is logged, so the
        journal tells what a citizen was told."""
        _LOGGER.info("say (%s%s): %s", language, ", no voice" if self.voice is None else "", text)
        if self.voice is not None:
            self.voice.say(text, language)


def open_parts(
    config: KioskConfig,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    printer: Printer | None = None,
) -> KioskParts:
    """Open every part ``config`` names (``transport`` and ``printer`` replace central's
    network and the configured printer: tests and the demo use them)."""
    inbox = Inbox()
    printer = printer or open_printer(
        config.devices.printer, timeout_s=config.devices.printer_timeout_s
    )
    desk = build_desk(config, printer, transport)
    screen = TouchScreen(
        config.screen.width,
        config.screen.height,
        fullscreen=config.screen.fullscreen,
        post=inbox.post,
        dpi=config.screen.dpi,
    )
    parts = KioskParts(inbox, printer, desk, screen)
    parts.robot, parts.camera, parts.voice = open_extras(config, post=inbox.post, say=parts.say)
    parts.procedures = ProcedureDesk(
        config.kiosk.state_dir,
        ProcedureRemote(config.central.url, config.central.token, transport=transport),
        desk.catalogue,
        idle_timeout_s=config.flow.idle_timeout_s,
        centre_name=config.kiosk.centre_name,
        public_url=config.central.public_url or config.central.url,
        printer=printer,
    )
    return parts
