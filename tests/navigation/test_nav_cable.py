"""A pulled and replugged base cable in the middle of a trip (a real pty that vanishes)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from pathlib import Path
from typing import Any

import pytest

from drivers.base import protocol as p
from drivers.base.clock import VirtualClock
from drivers.base.roboclaw import RoboClawBase
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer
from navigation.guide import Guide, GuideResult
from navigation.lobby import LobbyMap
from navigation.settings import NavigationSettings


async def test_unplug_mid_trip_stops_tells_and_reconnects_on_replug(
    lobby: LobbyMap, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    dock = lobby.pose("dock")
    sim = SimController(VirtualClock(), pose=(dock.x, dock.y, dock.theta))
    link = str(tmp_path / "kiosk-base")  # the udev name: stays the same across replugs
    server = SimPtyServer(sim, link=link)
    base = RoboClawBase(link, clock=sim.clock, reply_timeout_s=0.1, reopen_interval_s=0.2)
    said: list[tuple[str, dict[str, Any]]] = []
    guide = Guide(base, lobby, NavigationSettings(), lambda c, params: said.append((c, params)))
    try:
        base.stop()
        base.set_serial_timeout(0.5)
        trip = asyncio.create_task(guide.guide_to("Q6"))
        while math.hypot(sim.pose[0] - dock.x, sim.pose[1] - dock.y) < 1.0:
            assert not trip.done()
            await asyncio.sleep(0.002)
        moving = max(sim.wheel_speeds)
        assert moving > 0.3
        server.unplug()
        assert await asyncio.wait_for(trip, 30) is GuideResult.STOPPED_SAFETY
        # the flow and the people around are told, the technician reads which port
        assert guide.status.stop_reason == "link-lost"
        assert ("safety-stop", {"reason": "link-lost"}) in said
        technician = [r.getMessage() for r in caplog.records if "TECHNICIAN:" in r.getMessage()]
        assert technician and link in technician[0]
        # the controller's own serial timeout stopped the wheels we could no longer reach
        sim.clock.advance(1.5)  # type: ignore[attr-defined]
        assert sim.wheel_speeds == (0.0, 0.0)
        assert sim.log.stops[-1][1] == "serial-timeout"
        assert guide.reset_after_stop() is False  # still unplugged: nobody can reset it

        server.replug()
        packets_before = len(sim.log.packets)
        deadline = time.monotonic() + 10
        while not guide.reset_after_stop():
            assert time.monotonic() < deadline, "never reconnected"
            await asyncio.sleep(0.05)
        # the first thing said to the controller after the replug: zero speed
        first = sim.log.packets[packets_before]
        assert first == p.frame(128, p.MIXED_SPEED, p.pack_mixed_speed(0, 0))
        assert sim.serial_timeout_s == pytest.approx(0.5)
        assert base.disconnects == 1 and base.reconnects == 1
        assert any("is back" in r.getMessage() for r in caplog.records)
        # and the robot works again without restarting anything
        assert await guide.guide_to("Q6") is GuideResult.ARRIVED
    finally:
        guide.close()
        base.close()
        server.close()
