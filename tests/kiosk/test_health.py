"""The localhost health and metrics endpoint of a running daemon."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from kiosk_testkit import KIOSK_SIM

from drivers.printer.base import Paper
from drivers.printer.sim import SimPrinter
from kiosk.config import load_config
from kiosk.daemon import TRANSCRIPT_KEPT, KioskDaemon
from kiosk.embedded_central import free_port
from kiosk.events import Shutdown, Touch
from kiosk.ticket_tasks import ISSUED_KEPT
from kiosk.wiring import open_parts
from tests.wait import wait_until


async def test_health_and_metrics(tmp_path: Path, asgi_transport: httpx.ASGITransport) -> None:
    port = free_port()
    config = load_config(
        KIOSK_SIM,
        overrides={
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "devices.base": "none://",
            "health.port": port,
        },
    )
    printer = SimPrinter()
    printer.paper = Paper.OUT
    config = config.model_copy(update={"speech": None})
    daemon = KioskDaemon(config, open_parts(config, transport=asgi_transport, printer=printer))
    serving = asyncio.ensure_future(daemon.run())
    try:
        daemon.post(Touch("service", "tu-phap"))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            await wait_until(lambda: daemon.counters.tickets_issued == 1, 30)
            health: dict[str, object] = {}

            async def served() -> bool:  # the endpoint may need a moment to listen
                nonlocal health
                try:
                    answer = await http.get("/health")
                except httpx.TransportError:
                    return False
                health = answer.json()
                # the number is shown first; the printer's verdict follows
                return answer.status_code == 200 and health.get("tickets_not_printed") == 1

            await wait_until(served, 10, lambda: f"/health answered {health}")
            assert health["kiosk"] == "K1" and health["state"] == "ticket_ready"
            assert health["status"] == "degraded" and health["faults"] == ["printer"]
            assert health["journal"] == {"online": 1} and health["tickets_not_printed"] == 1
            metrics = (await http.get("/metrics")).text
            assert 'kiosk_journal_tickets{state="online"} 1' in metrics
            assert "kiosk_tickets_not_printed_total 1" in metrics
        # Bound to 127.0.0.1 only: the lobby network cannot reach it.
        assert ("127.0.0.1", port) in _listening_addresses(port)
    finally:
        daemon.post(Shutdown())
        await serving


def _listening_addresses(port: int) -> set[tuple[str, int]]:
    """The local addresses with a TCP listener on ``port`` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
            octets = [str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)]
            found.add((".".join(octets), port))
    return found


async def test_a_long_day_keeps_memory_bounded_and_counts_everything(
    tmp_path: Path, asgi_transport: httpx.ASGITransport
) -> None:
    config = load_config(
        KIOSK_SIM,
        overrides={"kiosk.state_dir": str(tmp_path / "kiosk"), "devices.base": "none://",
                   "devices.camera": "none://", "tickets.preview_dir": None},
    ).model_copy(update={"speech": None})
    daemon = KioskDaemon(config, open_parts(config, transport=asgi_transport))
    serving = asyncio.ensure_future(daemon.run())
    try:
        await wait_until(lambda: bool(daemon.catalogue.services), 30)
        tickets = ISSUED_KEPT + 8
        for _ in range(tickets):
            daemon.post(Touch("service", "tu-phap"))
            await wait_until(lambda: daemon.flow.current_state_id == "ticket_ready", 30)
            daemon.post(Touch("done"))
            await wait_until(lambda: daemon.flow.current_state_id == "idle", 30)
        touches = TRANSCRIPT_KEPT + 100
        for _ in range(touches):  # a child tapping the attract screen all afternoon
            daemon.post(Touch("screen"))
        await wait_until(lambda: daemon.counters.transitions >= tickets * 3 + touches, 30)
        assert len(daemon.issued) == ISSUED_KEPT and len(daemon.transcript) == TRANSCRIPT_KEPT
        assert daemon.issued[-1].number == f"A{tickets:03d}"  # the latest are kept
        health = daemon.health_snapshot()
        assert health["tickets_issued"] == tickets
        assert health["transitions"] == daemon.counters.transitions >= tickets * 3 + touches
    finally:
        daemon.post(Shutdown())
        await serving
