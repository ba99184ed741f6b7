"""Fixtures for the screen tests: SDL's dummy driver, the real central app in-process,
and a running kiosk daemon on simulated devices that scripted citizens tap."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from drivers.printer.sim import SimPrinter  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.daemon import KioskDaemon  # noqa: E402
from kiosk.events import Shutdown  # noqa: E402
from kiosk.wiring import open_parts  # noqa: E402
from tests.wait import wait_until  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CENTRAL_SIM = ROOT / "config" / "central.sim.toml"
KIOSK_SIM = ROOT / "config" / "kiosk.sim.toml"
KIOSK_TOKEN = "sim-kiosk-K1-token-00000"


@pytest.fixture
async def central_http(asgi_transport: httpx.ASGITransport) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on central with the kiosk's token (to book, and to check)."""
    async with httpx.AsyncClient(transport=asgi_transport, base_url="http://central",
                                 headers={"Authorization": f"Bearer {KIOSK_TOKEN}"},
                                 timeout=5.0) as http:
        yield http


@pytest.fixture
async def daemon(tmp_path: Path, asgi_transport: httpx.ASGITransport
                 ) -> AsyncIterator[KioskDaemon]:
    """A running kiosk daemon (fixed kiosk, sim printer) on the in-process central."""
    config = load_config(KIOSK_SIM, overrides={
        "central.url": "http://central",
        "kiosk.state_dir": str(tmp_path / "kiosk"),
        "tickets.preview_dir": str(tmp_path / "previews"),
        "devices.base": "none://",
        "screen.fullscreen": False,
    })
    kiosk = KioskDaemon(config, open_parts(config, transport=asgi_transport, printer=SimPrinter()))
    serving = asyncio.ensure_future(kiosk.run())
    await until(lambda: bool(kiosk.catalogue.services) and kiosk.screen.model is not None)
    yield kiosk
    kiosk.post(Shutdown())
    await asyncio.wait_for(serving, 10)


async def until(condition, timeout_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for ``condition()`` (the daemon works in tasks); fail after ``timeout_s``."""
    await wait_until(condition, timeout_s)
