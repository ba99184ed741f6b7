"""Knowing where it is: a day of trips on wheels whose odometry drifts, with and without
the lidar's corrections against the lobby map (simulated RoboClaw and RPLIDAR on ptys)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from drivers.base.sim_pty import SimulatedBase
from drivers.lidar.sim_pty import SimulatedLidar
from navigation.guide import Guide, GuideResult
from navigation.lobby import LobbyMap
from navigation.settings import NavigationSettings

#: a worn left wheel and a little slip: about 0.7 degrees of heading error per metre
WHEEL_SCALE = (1.002, 0.997)
SLIP = 0.02
#: the test's short day (bench/localisation.py drives a long one)
DAY = ["Q3", "Q9", "Q12"]


def drifting(sim_base: SimulatedBase) -> None:
    sim_base.sim.encoder_scale = WHEEL_SCALE
    sim_base.sim.slip = SLIP


def error(guide: Guide, sim_base: SimulatedBase) -> float:
    x, y, _ = sim_base.sim.pose
    return math.hypot(guide.odometry.x - x, guide.odometry.y - y)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_a_day_of_trips_stays_localised(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap, said: Any
) -> None:
    drifting(sim_base)
    guide = Guide(sim_base, lobby, NavigationSettings(),
                  lambda c, p: said.append((0.0, c, p)), lidar=sim_lidar)  # fmt: skip
    errors: list[float] = []
    for counter in DAY:
        assert await guide.guide_to(counter) is GuideResult.ARRIVED
        errors.append(error(guide, sim_base))
        assert await guide.return_to_dock() is GuideResult.ARRIVED
        errors.append(error(guide, sim_base))
    guide.close()
    # the pose the robot believes stays within a few centimetres of the truth all day
    assert max(errors) < 0.15, errors
    docks = [m for _, where, m in guide.matches if where == "dock"]
    assert len(docks) == len(DAY) and all(m.accepted for m in docks)
    assert said.codes().count("arrived") == len(DAY)


async def test_without_the_lidar_the_same_wheels_get_lost(
    sim_base: SimulatedBase, lobby: LobbyMap, said: Any
) -> None:
    """The control: the drift is real, so the test above can fail."""
    drifting(sim_base)
    guide = Guide(sim_base, lobby, NavigationSettings(), lambda c, p: said.append((0.0, c, p)))
    errors = []
    for counter in DAY[:1]:
        await guide.guide_to(counter)
        errors.append(error(guide, sim_base))
        await guide.return_to_dock()
        errors.append(error(guide, sim_base))
    guide.close()
    assert max(errors) > 0.3, errors
