"""Building the kiosk's parts from its config: the ticket desk, and the optional devices.

The ticket desk is the core job and must come up (a broken journal is fatal and says so).
The robot base, the camera and voice are extras around it: a pulled cable, a missing model
or a bad map degrades the kiosk (the way is shown on screen, touch only) with one clear
line for the technician, and the kiosk goes on issuing numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import httpx

from drivers.audio.base import AudioError
from drivers.base import BaseError
from drivers.camera import CameraError
from drivers.printer.base import Printer
from drivers.url import DeviceURLError
from kiosk.config import KioskConfig
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.desk import DeskSettings, TicketDesk
from kiosk.tickets.journal import TicketJournal
from navigation.errors import NavigationError
from speech.errors import SpeechError

_LOGGER = logging.getLogger(__name__)

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
            offline_prefix=central.offline_prefix,
            budget_s=central.budget_ms / 1000,
            public_url=central.public_url or central.url,
            preview_dir=config.tickets.preview_dir,
        ),
        journal=TicketJournal(state_dir / "journal.sqlite3"),
        client=client,
        printer=printer,
        catalogue=ServiceCatalogue(state_dir / "services.json"),
        breaker=CircuitBreaker(central.breaker_failures),
    )


def open_optional(part: str, url: str, open_part: Callable[[], _T]) -> _T | None:
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
