"""Stale odometry and short emergency stops, through the real driver and the pty bytes.

In virtual time a reply that never comes still costs its reply timeout (the simulated
base advances the clock by it), so the bound on stale odometry is checked exactly and
the same way every run.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from drivers.base.sim_pty import SimulatedBase
from navigation.guide import GuideResult
from navigation.lobby import LobbyMap


async def _moving_away(sim_base: SimulatedBase, lobby: LobbyMap, trip: Any, metres: float) -> None:
    dock = lobby.pose("dock")
    while math.hypot(sim_base.sim.pose[0] - dock.x, sim_base.sim.pose[1] - dock.y) < metres:
        assert not trip.done()
        await asyncio.sleep(0.002)


@pytest.mark.parametrize("fault", ["silent", "short", "corrupt"])
async def test_stale_odometry_stops_within_the_bound(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap, fault: str
) -> None:
    guide = make_guide()
    stale = guide.settings.stale_odometry_s
    trip = asyncio.create_task(guide.guide_to("Q6"))
    await _moving_away(sim_base, lobby, trip, 1.5)
    assert max(sim_base.sim.wheel_speeds) > 0.3
    sim_base.sim.reply_fault = fault  # the controller still acts on commands, answers badly
    assert await trip is GuideResult.STOPPED_SAFETY
    last_good = sim_base.sim.log.last_intact_reply
    stop_sent = next(
        t for t, left, right in sim_base.sim.log.commands if t > last_good and left == right == 0.0
    )
    # the zero-speed command reached the controller before odometry was stale_odometry_s old
    assert stop_sent - last_good <= stale, (stop_sent - last_good, guide.supervisor.trips)
    assert guide.status.stop_reason in ("stale-odometry", "link-lost")
    sim_base.clock.advance(1.0)  # type: ignore[attr-defined]
    assert sim_base.sim.wheel_speeds == (0.0, 0.0)


async def test_an_emergency_stop_shorter_than_a_poll_is_latched(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap
) -> None:
    guide = make_guide()
    trip = asyncio.create_task(guide.guide_to("Q3"))
    await _moving_away(sim_base, lobby, trip, 1.0)
    sim_base.sim.estop = True  # pressed and released between two polls of the status
    sim_base.sim.estop = False
    # the controller cut the motors at once, whatever we command
    assert sim_base.sim.log.stops[-1][1] == "emergency-stop"
    assert await trip is GuideResult.STOPPED_SAFETY
    assert guide.status.stop_reason == "emergency-stop"
    sim_base.clock.advance(1.0)  # type: ignore[attr-defined]
    assert sim_base.sim.wheel_speeds == (0.0, 0.0)
    sim_base.set_velocity(0.3, 0.0)  # even a direct command does not move a latched e-stop
    sim_base.clock.advance(0.2)  # type: ignore[attr-defined]
    assert sim_base.sim.wheel_speeds == (0.0, 0.0)
    # released: the operator's reset clears the controller's latch (command 200)
    assert guide.reset_after_stop() is True
    assert not sim_base.read_state().estop
    assert await guide.guide_to("Q3") is GuideResult.ARRIVED


async def test_estop_held_refuses_reset(make_guide: Any, sim_base: SimulatedBase) -> None:
    guide = make_guide()
    sim_base.sim.estop = True
    assert await guide.guide_to("Q1") is GuideResult.STOPPED_SAFETY
    assert guide.reset_after_stop() is False  # still pressed: the latch stays
    assert sim_base.read_state().estop
    sim_base.sim.estop = False
    assert guide.reset_after_stop() is True
