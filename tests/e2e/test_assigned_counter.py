"""Central names the counter at issue time (``counter_assignment = "at_issue"``): the whole
daemon on the real central app shows and prints that one counter, says it, and the robot
(the RoboClaw simulator on a pseudo-terminal, virtual clock) leads the citizen to its pose,
in Vietnamese, English and Korean. A ticket issued while central is down names no counter:
the robot leads to the field's waiting area as before.

tu-phap is served at Q1, Q2 and Q3 in ``config/central.sim.toml``; only Q3 is open here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import ImageChops

from central.settings import CentralSettings
from drivers.printer.sim import SimPrinter
from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch
from kiosk.tickets.render import render_ticket
from kiosk.wiring import open_parts
from tests.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]
AT_THE_DOCK = "sim://?clock=virtual&x=20&y=1.5&theta=1.5708"


@pytest.fixture
def central_settings(central_settings: CentralSettings) -> CentralSettings:
    """The simulated ward centre, assigning counters when it issues tickets."""
    return central_settings.model_copy(update={"counter_assignment": "at_issue"})


async def _open_counter(transport: httpx.ASGITransport, settings: CentralSettings) -> None:
    token = next(c.token for c in settings.counters if c.code == "Q3")
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as http:
        opened = await http.post(
            "/api/v1/counters/Q3/open", headers={"Authorization": f"Bearer {token}"}
        )
        assert opened.status_code == 200, opened.text


def _robot(
    tmp_path: Path,
    transport: httpx.AsyncBaseTransport | None,
    printer: SimPrinter,
    **overrides: Any,
) -> KioskDaemon:
    config = load_config(
        ROOT / "config" / "kiosk.sim.toml",
        overrides={
            "central.url": "http://central",
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "tickets.preview_dir": None,
            "devices.base": AT_THE_DOCK,
            **overrides,
        },
    )
    return KioskDaemon(config, open_parts(config, transport=transport, printer=printer))


async def _until(daemon: KioskDaemon, check: Callable[[], bool], what: str) -> None:
    await wait_until(check, 120, lambda: f"{what}: in {daemon.flow.current_state_id}")


async def _ticket_and_follow(daemon: KioskDaemon, language: str) -> None:
    """Wake the kiosk in ``language``, take a tu-phap ticket, follow the robot, back home."""
    for target, value, state in [
        ("start", language, "menu"),
        ("service", "tu-phap", "ticket_ready"),
    ]:
        daemon.post(Touch(target, value))
        await _until(daemon, lambda s=state: daemon.flow.current_state_id == s, state)  # type: ignore[misc]
    await _until(daemon, lambda: bool(daemon.issued) and not daemon.issued[-1].printing, "printed")


async def _follow(daemon: KioskDaemon, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Press "lead me" on the ticket screen, wait until the robot is back at its dock; what
    it said when it set off."""
    daemon.screen.tap("guide_me")  # the real button on the ticket screen
    await _until(daemon, lambda: daemon.flow.current_state_id == "idle", "back at the dock")
    said = (r.getMessage() for r in caplog.records)
    return [line for line in said if line.startswith("robot says (follow-me)")]


SAID = {
    "vi": (
        "Xin mời quý khách đến Quầy 3.",
        "Xin mời quý khách đi theo tôi đến Quầy 3.",
        "Số của quý khách sẽ được gọi tại Quầy 3",
    ),
    "en": (
        "Please go to Quầy 3.",
        "Please follow me to Quầy 3.",
        "Your number will be called at Counter 3",
    ),
    # the Korean line keeps its template and the counter's sign
    "ko": ("Quầy 3(으)로 가세요.", "Quầy 3까지 저를 따라오십시오.", "3번 창구"),
}


@pytest.mark.parametrize("language", ["vi", "en", "ko"])
async def test_the_assigned_counter_is_shown_printed_said_and_led_to(
    language: str,
    tmp_path: Path,
    asgi_transport: httpx.ASGITransport,
    central_settings: CentralSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    await _open_counter(asgi_transport, central_settings)
    printer = SimPrinter()
    daemon = _robot(tmp_path, asgi_transport, printer)
    serving = asyncio.ensure_future(daemon.run())
    try:
        await _ticket_and_follow(daemon, language)
        issued = daemon.issued[-1]
        assert not issued.offline and issued.counter_codes == ("Q3",)
        assert issued.view.counters == ("Quầy 3",)
        ticket_said, follow_said, screen_words = SAID[language]
        screen = " | ".join(d.text for d in daemon.screen.texts)
        assert screen_words in screen, screen
        assert "Quầy 1" not in screen and "Counter 1" not in screen and "1번" not in screen
        # written to /tmp on purpose: the screen a person looks at
        daemon.screen.screenshot(Path(f"/tmp/assigned-counter-{language}.png"))
        spoken = [r.getMessage() for r in caplog.records if r.getMessage().startswith("say (")]
        assert any(line.endswith(ticket_said) for line in spoken), spoken
        # on paper: the one counter, as the printer decoded the bytes it was sent
        [paper] = printer.printed
        decoded = paper.raster
        assert decoded is not None
        one = render_ticket(issued.view, printer.width_px).convert("L")
        every = render_ticket(
            replace(issued.view, counters=("Quầy 1", "Quầy 2", "Quầy 3")), printer.width_px
        ).convert("L")
        assert ImageChops.difference(decoded.convert("L"), one).getbbox() is None
        assert (
            decoded.size != every.size
            or ImageChops.difference(decoded.convert("L"), every).getbbox() is not None
        )
        # the robot leads to Quầy 3 itself, not to the field's waiting area
        robot_said = await _follow(daemon, caplog)
        assert "guiding to Q3 (Quầy 3)" in caplog.text
        assert robot_said and robot_said[0].endswith(follow_said), robot_said
        transitions = [r["transition"] for r in daemon.transcript if r["outcome"] == "handled"]
        assert transitions[-3:] == ["guide_me", "arrived", "docked"]
    finally:
        daemon.post(Shutdown())
        await serving


class _Cable(httpx.AsyncBaseTransport):
    """The real central app in-process, or a refused connection once ``pulled``."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.pulled = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.pulled:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_an_offline_ticket_names_no_counter_and_goes_to_the_waiting_area(
    tmp_path: Path,
    asgi_transport: httpx.ASGITransport,
    central_settings: CentralSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    await _open_counter(asgi_transport, central_settings)
    cable = _Cable(asgi_transport)
    daemon = _robot(tmp_path, cable, SimPrinter())
    serving = asyncio.ensure_future(daemon.run())
    try:
        await _until(daemon, lambda: bool(daemon.catalogue.services), "services from central")
        cable.pulled = True  # central goes down after the kiosk learnt its counters
        await _ticket_and_follow(daemon, "vi")
        issued = daemon.issued[-1]
        assert issued.offline and issued.counter_codes == ("Q1", "Q2", "Q3")
        robot_said = await _follow(daemon, caplog)
        assert "guiding to wait-tu-phap" in caplog.text
        assert robot_said[0].endswith("đến khu vực chờ lĩnh vực Tư pháp."), robot_said
    finally:
        daemon.post(Shutdown())
        await serving
