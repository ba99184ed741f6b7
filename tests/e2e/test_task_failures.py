"""No task fails silently: whatever kills a task, the citizen is not left in front of a
screen that never changes, and whoever has a number sees it.

Each test breaks one kind of task the way the field breaks it: central answering with a
ticket the kiosk cannot render, a printer driver raising what it never documented, a
base whose cable is pulled mid-trip, a camera driver that crashes. The parts are handed
to the daemon (kiosk/wiring.py KioskParts) so each fault sits where it happens.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from drivers.base import BaseState, RobotBase
from drivers.camera.sim import SimCamera
from drivers.printer.base import PrintJob
from drivers.printer.sim import SimPrinter
from kiosk.config import KioskConfig, load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch
from kiosk.guiding import RobotGuide
from kiosk.wiring import open_parts
from tests.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]
AT_THE_DOCK = "sim://?clock=virtual&x=20&y=1.5&theta=1.5708"


class DeadUsbPrinter(SimPrinter):
    """A printer whose vendor library raises what it never documents (a USB reset)."""

    def print_job(self, job: PrintJob) -> None:
        raise RuntimeError(
            "usb.core.USBError: [Errno 19] No such device (it may have been disconnected)"
        )


class BuggyBase(RobotBase):
    """A real (simulated) base behind a driver with a bug: while ``broken``, a velocity
    command raises what no base driver documents."""

    def __init__(self, inner: RobotBase) -> None:
        self.inner, self.broken = inner, False
        self.clock, self.track_m, self.max_wheel_mps = (
            inner.clock,
            inner.track_m,
            inner.max_wheel_mps,
        )

    def set_serial_timeout(self, seconds: float) -> None:
        self.inner.set_serial_timeout(seconds)

    @property
    def serial_timeout_s(self) -> float:
        return self.inner.serial_timeout_s

    def set_velocity(
        self, linear_mps: float, angular_radps: float, *, retries: int | None = None
    ) -> None:
        if self.broken:
            raise ZeroDivisionError("float division by zero (wheel speed scaling)")
        self.inner.set_velocity(linear_mps, angular_radps, retries=retries)

    def stop(self) -> None:
        self.inner.stop()

    def read_state(self, *, battery: bool = False, retries: int | None = None) -> BaseState:
        return self.inner.read_state(battery=battery, retries=retries)

    def read_status(self, *, retries: int | None = None) -> int:
        return self.inner.read_status(retries=retries)

    def reset_estop(self) -> None:
        self.inner.reset_estop()

    @property
    def connected(self) -> bool:
        return self.inner.connected

    @property
    def worst_exchange_s(self) -> float:
        return self.inner.worst_exchange_s

    def close(self) -> None:
        self.inner.close()


class CrashingCamera(SimCamera):
    """A camera driver that crashes on the first frame (a bug in a vendor wheel)."""

    def read(self, timeout_s: float = 1.0) -> Any:
        raise RuntimeError("cv2.error: (-215:Assertion failed) !_src.empty()")


def _blank_status_url(asgi: httpx.ASGITransport) -> httpx.AsyncBaseTransport:
    """The real central, except that tickets come back with an empty ``status_url``."""

    async def handle(request: httpx.Request) -> httpx.Response:
        response = await asgi.handle_async_request(request)
        body = await response.aread()
        if request.method == "POST" and response.status_code in (200, 201):
            data = json.loads(body)
            if "status_url" in data:
                data["status_url"] = ""
                body = json.dumps(data).encode()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, content=body)

    return httpx.MockTransport(handle)


@pytest.fixture
def config(tmp_path: Path) -> Callable[..., KioskConfig]:
    def build(**overrides: Any) -> KioskConfig:
        loaded = load_config(
            ROOT / "config" / "kiosk.sim.toml",
            overrides={
                "kiosk.state_dir": str(tmp_path / "kiosk"),
                "tickets.preview_dir": None,
                "devices.base": "none://",
                **overrides,
            },
        )
        return loaded.model_copy(update={"speech": None})

    return build


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[KioskDaemon], None]]:
    running: list[tuple[KioskDaemon, asyncio.Future[None]]] = []

    def start(daemon: KioskDaemon) -> None:
        running.append((daemon, asyncio.ensure_future(daemon.run())))

    yield start
    for daemon, serving in running:
        daemon.post(Shutdown())
        await serving


async def _state(daemon: KioskDaemon, state: str) -> None:
    if state == "ticket_ready":  # the number shows first; wait for the printer's verdict too
        await wait_until(lambda: bool(daemon.issued) and not daemon.issued[-1].printing, 60)
    await wait_until(
        lambda: daemon.flow.current_state_id == state,
        60,
        lambda: (
            f"flow in {daemon.flow.current_state_id}, wanted {state}; "
            f"last {list(daemon.transcript)[-3:]}"
        ),
    )


async def test_a_ticket_central_sent_without_status_url_still_gives_a_number(
    config: Callable[..., KioskConfig],
    asgi_transport: httpx.ASGITransport,
    serve: Callable[[KioskDaemon], None],
) -> None:
    cfg = config()
    daemon = KioskDaemon(cfg, open_parts(cfg, transport=_blank_status_url(asgi_transport)))
    serve(daemon)
    await wait_until(lambda: bool(daemon.catalogue.services), 30)
    daemon.post(Touch("service", "tu-phap"))
    await _state(daemon, "ticket_ready")
    issued = daemon.issued[-1]
    assert daemon.flow.visit.ticket is not None
    assert daemon.flow.visit.ticket.number == issued.number
    assert issued.offline and issued.printed  # refused at the boundary: an offline number
    assert daemon.journal.get(issued.key) is not None


async def test_a_printer_raising_the_unexpected_still_shows_the_number(
    config: Callable[..., KioskConfig],
    asgi_transport: httpx.ASGITransport,
    serve: Callable[[KioskDaemon], None],
) -> None:
    cfg = config()
    daemon = KioskDaemon(cfg, open_parts(cfg, transport=asgi_transport, printer=DeadUsbPrinter()))
    serve(daemon)
    await wait_until(lambda: bool(daemon.catalogue.services), 30)
    daemon.post(Touch("service", "tu-phap"))
    await _state(daemon, "ticket_ready")
    issued = daemon.issued[-1]
    assert not issued.printed and issued.print_error == "printer-failed"
    assert daemon.flow.visit.ticket is not None and not daemon.flow.visit.ticket.printed
    row = daemon.journal.get(issued.key)
    assert row is not None and row.number == issued.number
    assert daemon.health_snapshot()["tickets_not_printed"] == 1


async def test_a_redeemed_booking_with_a_dead_printer_still_shows_the_number(
    config: Callable[..., KioskConfig],
    asgi_transport: httpx.ASGITransport,
    serve: Callable[[KioskDaemon], None],
) -> None:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    async with httpx.AsyncClient(transport=asgi_transport, base_url="http://central") as http:
        booked = await http.post(
            "/api/v1/bookings",
            json={
                "service": "tu-phap",
                "date": today,
                "language": "vi",
                "idempotency_key": "dead-printer-booking",
            },
            headers={"Authorization": "Bearer sim-kiosk-K1-token-00000"},
        )
    assert booked.status_code in (200, 201), booked.text
    code = booked.json()["code"]
    cfg = config()
    daemon = KioskDaemon(cfg, open_parts(cfg, transport=asgi_transport, printer=DeadUsbPrinter()))
    serve(daemon)
    await wait_until(lambda: bool(daemon.catalogue.services), 30)
    for target, value in (
        [("start", None), ("book", None)] + [("key", c) for c in code] + [("submit_code", None)]
    ):
        daemon.post(Touch(target, value))
    await _state(daemon, "ticket_ready")
    assert not daemon.issued[-1].printed
    assert daemon.flow.visit.ticket is not None


async def test_a_guide_trip_that_crashes_shows_the_way_and_a_return_that_crashes_stops(
    config: Callable[..., KioskConfig],
    asgi_transport: httpx.ASGITransport,
    serve: Callable[[KioskDaemon], None],
) -> None:
    cfg = config(**{"devices.base": AT_THE_DOCK})
    parts = open_parts(cfg, transport=asgi_transport)
    assert parts.robot is not None
    base = BuggyBase(parts.robot.base)
    parts.robot = RobotGuide(
        AT_THE_DOCK, cfg.navigation, post=parts.inbox.post, say=parts.say, base=base
    )
    daemon = KioskDaemon(cfg, parts)
    serve(daemon)
    await wait_until(lambda: bool(daemon.catalogue.services), 30)
    # 1. the trip to the counter dies: the ticket screen shows the way instead
    daemon.post(Touch("service", "dat-dai"))
    await _state(daemon, "ticket_ready")
    base.broken = True
    daemon.post(Touch("guide_me"))
    await wait_until(
        lambda: daemon.flow.visit.show_way, 60, lambda: f"flow in {daemon.flow.current_state_id}"
    )
    assert daemon.flow.current_state_id == "ticket_ready" and daemon.flow.visit.ticket
    await wait_until(lambda: "task:guide" in daemon.health_snapshot()["faults"], 10)
    # 2. a trip home that dies stops the robot until staff reset it
    base.broken = False
    daemon.post(Touch("done"))
    await _state(daemon, "idle")
    daemon.post(Touch("service", "dat-dai"))
    await _state(daemon, "ticket_ready")
    daemon.post(Touch("guide_me"))
    await _state(daemon, "returning")  # arrived at the counter
    base.broken = True
    await _state(daemon, "safe_stop")
    failed = [r["event"]["task"] for r in daemon.transcript if r["event"]["type"] == "TaskFailed"]
    assert "guide" in failed and "return" in failed


async def test_a_crashing_camera_driver_leaves_the_booking_screen_working(
    config: Callable[..., KioskConfig],
    asgi_transport: httpx.ASGITransport,
    serve: Callable[[KioskDaemon], None],
) -> None:
    cfg = config(**{"devices.camera": "none://"})
    parts = open_parts(cfg, transport=asgi_transport)
    parts.camera = CrashingCamera(seed=1)
    daemon = KioskDaemon(cfg, parts)
    serve(daemon)
    daemon.post(Touch("start"))
    daemon.post(Touch("book"))
    await _state(daemon, "booking")
    await wait_until(lambda: "task:scan" in daemon.health_snapshot()["faults"], 30)
    assert any(r["event"]["type"] == "TaskFailed" for r in daemon.transcript)
    daemon.post(Touch("key", "A"))  # typing the code still works
    await wait_until(lambda: daemon.flow.visit.booking_code == "A", 10)


async def test_the_number_is_shown_before_a_hung_printer_is_tried(
    config: Callable[..., KioskConfig],
    asgi_transport: httpx.ASGITransport,
    serve: Callable[[KioskDaemon], None],
) -> None:
    """A blackholed network printer: the screen shows the number first ("printing"), the
    print fails after its timeout, and the next citizen's ticket does not wait for it."""
    import socket

    hole = socket.create_server(("127.0.0.1", 0))  # accepts, never reads or answers
    try:
        url = f"tcp://127.0.0.1:{hole.getsockname()[1]}"
        cfg = config(**{"devices.printer": url, "devices.printer_timeout_s": 0.5})
        daemon = KioskDaemon(cfg, open_parts(cfg, transport=asgi_transport))
        serve(daemon)
        await wait_until(lambda: bool(daemon.catalogue.services), 30)
        daemon.post(Touch("service", "tu-phap"))
        await wait_until(lambda: daemon.counters.tickets_not_printed == 1, 60)
        events = [r["event"] for r in daemon.transcript]
        shown = next(i for i, e in enumerate(events) if e["type"] == "TicketReady")
        printed = next(i for i, e in enumerate(events) if e["type"] == "TicketPrinted")
        assert shown < printed and events[shown]["printing"] is True
        assert events[printed]["print_error"] == "printer-offline"
        assert daemon.flow.visit.ticket is not None and not daemon.flow.visit.ticket.printing
        assert daemon.desk.printer_guard.failing == "printer-offline"
        daemon.post(Touch("done", ""))
        await _state(daemon, "idle")
        daemon.post(Touch("service", "tu-phap"))
        await wait_until(lambda: daemon.counters.tickets_not_printed == 2, 60)
        assert daemon.desk.printer_guard.skipped == 1  # the second citizen did not wait
    finally:
        hole.close()
