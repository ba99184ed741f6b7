"""Fixtures for the kiosk tests: the real central app (in-process and on loopback),
a kiosk config on simulated devices, and ticket desks wired as the daemon wires them."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from drivers.printer.sim import SimPrinter
from kiosk.config import KioskConfig, load_config
from kiosk.embedded_central import EmbeddedCentral
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.desk import DeskSettings, TicketDesk
from kiosk.tickets.journal import TicketJournal

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from kiosk_testkit import CENTRAL_SIM, KIOSK_SIM, TOKENS


@pytest.fixture
def loopback_central(tmp_path: Path) -> Iterator[EmbeddedCentral]:
    """The real central app under uvicorn on 127.0.0.1."""
    central = EmbeddedCentral(CENTRAL_SIM, tmp_path / "central-loopback.sqlite3")
    central.start()
    yield central
    central.stop()


@pytest.fixture
def kiosk_config(tmp_path: Path) -> KioskConfig:
    """The sim kiosk config with its state in the test's folder."""
    return load_config(
        KIOSK_SIM,
        overrides={
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "tickets.preview_dir": str(tmp_path / "previews"),
        },
    )


DeskFactory = Callable[..., TicketDesk]


@pytest.fixture
async def make_desk(tmp_path: Path) -> AsyncIterator[DeskFactory]:
    """Build ticket desks wired like the daemon's; closes them at the end."""
    made: list[TicketDesk] = []

    def factory(
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        url: str = "http://central",
        kiosk: str = "K1",
        budget_s: float = 0.8,
        printer: SimPrinter | None = None,
        state: Path | None = None,
        **desk: Any,
    ) -> TicketDesk:
        state = state or tmp_path / f"desk-{kiosk}-{len(made)}"
        state.mkdir(parents=True, exist_ok=True)
        client = CentralClient(
            url, TOKENS[kiosk], connect_timeout_s=0.5, read_timeout_s=5.0, transport=transport
        )
        built = TicketDesk(
            settings=DeskSettings(
                kiosk_id=kiosk,
                centre_name="Trung tâm thử nghiệm",
                offline_prefix=kiosk,
                budget_s=budget_s,
                public_url="http://central.example",
                **desk,
            ),
            journal=TicketJournal(state / "journal.sqlite3"),
            client=client,
            printer=printer or SimPrinter(),
            catalogue=ServiceCatalogue(state / "services.json"),
            breaker=CircuitBreaker(2, close_within_s=budget_s),
        )
        made.append(built)
        return built

    yield factory
    for desk in made:
        await desk.client.close()
        desk.journal.close()
