"""The kiosk's robot with ``guard=1`` on the base and an RPLIDAR: the guard owns the lidar.

The base URL and the lidar URL are the config's (``[devices] base`` and ``lidar``); the
simulated RoboClaw and RPLIDAR answer on their own ptys as the devices would. The kiosk's
wiring gives the lidar to the stop guard, whose real-time process checks the protective
field first; the daemon's driver reads the scans through the guard's relay, and its own
separation monitor stays the second layer: a person stepping in front is stopped for by
both, and /health shows it.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from drivers.base.clock import MonotonicClock
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer
from drivers.lidar import Person, SimWorld
from drivers.lidar.sim import SimRPLidar
from drivers.lidar.sim_pty import LidarPtyServer
from kiosk.guiding import RobotGuide
from navigation.settings import NavigationSettings
from tests.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def robot() -> AsyncIterator[tuple[RobotGuide, SimController, SimWorld]]:
    sim = SimController(MonotonicClock(), pose=(5.0, 6.0, 0.0))
    base_server = SimPtyServer(sim)
    world = SimWorld(np.zeros((1, 1), dtype=bool), 0.05, -1e4, -1e4, lambda: sim.pose)
    lidar_server = LidarPtyServer(SimRPLidar(world, MonotonicClock(), noise_m=0.0))
    settings = NavigationSettings(
        map_path=str(ROOT / "config" / "lobby" / "lobby.yaml"), field_clear_s=0.2
    )
    said: list[Any] = []
    # reply_timeout 0.1 s (the sim is a thread here, not a microcontroller), below the
    # 0.3 s of stale odometry that a longer exchange would trip at once
    guide = RobotGuide(
        f"serial://{base_server.path}?guard=1&timeout=2&reply_timeout=0.1",
        settings,
        post=said.append,
        say=lambda words, language: said.append(words),
        lidar_url=f"rplidar://{lidar_server.path}",
    )
    try:
        yield guide, sim, world
    finally:
        await guide.close()
        lidar_server.close()
        base_server.close()


async def test_a_person_in_front_is_stopped_for_by_the_guard_and_the_daemon(
    robot: tuple[RobotGuide, SimController, SimWorld],
) -> None:
    guide, sim, world = robot
    guard = guide.base.guard  # type: ignore[attr-defined]
    lidar = guide.lidar
    assert lidar is not None and guard.lidar_path is not None
    assert lidar.port_name == guard.lidar_path  # type: ignore[attr-defined]
    await wait_until(lambda: lidar.connected, 20)
    health = guide.health()
    assert health["stop_guard"]["lidar_relayed"] is True
    assert health["lidar"]["connected"] is True
    supervisor = guide.guide.supervisor
    supervisor.bind_loop(asyncio.get_running_loop())
    pace = guide.guide.settings.guide_speed_mps

    async def drive(until: Any, seconds: float) -> None:
        end = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < end and not until():
            await supervisor.read()
            await supervisor.drive(pace, 0.0, (5.0, 6.0, 0.0), pace)  # open floor
            await asyncio.sleep(0.02)

    await drive(lambda: min(sim.wheel_speeds) > pace * 0.8, 10.0)
    assert not supervisor.tripped and min(sim.wheel_speeds) > pace * 0.8
    x, y, theta = sim.pose
    ahead = 0.30 + 0.45 + 0.25  # the person's front 0.45 m from the robot's edge
    world.add(Person.standing(x + ahead * math.cos(theta), y + ahead * math.sin(theta)))
    await drive(lambda: supervisor.field_held and sim.wheel_speeds == (0.0, 0.0), 10.0)
    assert sim.wheel_speeds == (0.0, 0.0)
    assert guard.protective_stops >= 1  # the real-time layer
    assert supervisor.field_held  # and the daemon's own, on the scans relayed to it
    assert supervisor.separation is not None and supervisor.separation.stops
    await wait_until(lambda: guide.health()["stop_guard"]["protective_stops"] >= 1, 5)
    assert not supervisor.tripped  # a protective stop holds, it does not latch
