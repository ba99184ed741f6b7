"""Seeing people: the lidar's protective field, its warning field and the blocked path,
with a simulated RPLIDAR and a simulated RoboClaw, each on its own pty, in virtual time."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

from drivers.base.sim_pty import SimulatedBase
from drivers.lidar import Person
from drivers.lidar.sim_pty import SimulatedLidar
from navigation.guide import Guide, GuideResult
from navigation.lobby import LobbyMap
from navigation.separation import fields_at, protective_length
from navigation.settings import NavigationSettings
from tests.wait import wait_until

PERSON_RADIUS = 0.25


def closest_approach(sim_base: SimulatedBase, person: Person) -> float:
    """Smallest gap between the robot's footprint and the person over the whole run."""
    radius = NavigationSettings().robot_radius_m
    return min(
        math.hypot(w.x - px, w.y - py) - radius - person.radius_m
        for w in sim_base.sim.log.wheels
        for px, py in [person.position(w.t)]
    )


@pytest.mark.parametrize("speed", [0.5, 0.7, 0.8])
async def test_person_stepping_in_front_is_not_touched(
    speed: float,
    sim_base: SimulatedBase,
    sim_lidar: SimulatedLidar,
    lobby: LobbyMap,
    said: Any,
) -> None:
    """The protective field alone (the planner is told nothing) stops the robot short of
    a person who steps into its way, at several speeds, and reports the distance."""
    settings = NavigationSettings(guide_speed_mps=speed, slow_speed_mps=0.3)
    guide = Guide(
        sim_base, lobby, settings, lambda c, p: said.append((0.0, c, p)),
        obstacles=lambda: (), lidar=sim_lidar,
    )  # fmt: skip
    trip = asyncio.create_task(guide.guide_to("Q5"))
    sim = sim_base.sim
    await wait_until(lambda: min(sim.wheel_speeds) >= speed - 0.02, 60, interval_s=0.001)
    clock = sim_base.clock
    x, y, theta = sim.pose
    t0 = clock.now()
    # they step in from 0.8 m to the side in 0.5 s, to a point the robot would reach in
    # 1.3 s: inside its protective field by the time they get there
    ahead = speed * 1.3 + settings.robot_radius_m + PERSON_RADIUS
    fx, fy = x + ahead * math.cos(theta), y + ahead * math.sin(theta)
    side = (-math.sin(theta), math.cos(theta))
    person = sim_lidar.sensor.world.add(Person(
        [(t0, fx + 0.8 * side[0], fy + 0.8 * side[1]), (t0 + 0.5, fx, fy)], PERSON_RADIUS,
    ))  # fmt: skip
    await wait_until(lambda: clock.now() > t0 + 3.0, 60, interval_s=0.001)
    trip.cancel()
    await asyncio.gather(trip, return_exceptions=True)
    guide.close()

    separation = guide.supervisor.separation
    assert separation is not None and separation.stops, "no protective stop"
    stop_t, distance = separation.stops[0]
    assert stop_t >= t0
    # the distance reported is what was between the robot's front and the person then
    assert 0.0 < distance <= protective_length(settings, speed) + 0.05
    gap = closest_approach(sim_base, person)
    assert gap > 0.05, f"came within {gap:.3f} m at {speed} m/s"
    assert sim.wheel_speeds == (0.0, 0.0)
    assert not guide.supervisor.tripped  # a protective stop holds, it does not latch


async def test_warning_field_slows_and_the_robot_resumes_when_they_leave(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap, said: Any
) -> None:
    """Someone stands on the way (the planner is told nothing): the warning field slows
    the robot, the protective field stops it short, and it goes on once they step aside."""
    settings = NavigationSettings()
    guide = Guide(sim_base, lobby, settings, lambda c, p: said.append((0.0, c, p)),
                  obstacles=lambda: (), lidar=sim_lidar)  # fmt: skip
    path = guide.route_to("Q5")
    (x0, y0), (x1, y1) = path[0], path[1]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    start = sim_base.clock.now()
    px, py = x0 + 3.5 * ux, y0 + 3.5 * uy
    person = sim_lidar.sensor.world.add(Person(
        [(start, px, py), (start + 15, px, py), (start + 17, px - 2 * uy, py + 2 * ux)],
    ))  # fmt: skip
    assert await guide.guide_to("Q5") is GuideResult.ARRIVED
    guide.close()
    assert closest_approach(sim_base, person) > 0.1
    separation = guide.supervisor.separation
    assert separation is not None and separation.stops  # stopped short of them
    wheels = sim_base.sim.log.wheels
    assert max(w.t for w in wheels) > start + 15  # and went on after they stepped aside

    def in_warning(w: Any, t: float) -> bool:
        # their edge inside the warning field at the speed the robot is going at
        reach = settings.robot_radius_m + fields_at(settings, w.right_mps).warning_m - 0.1
        qx, qy = person.position(t)
        ahead = (qx - w.x) * ux + (qy - w.y) * uy
        across = abs(-(qx - w.x) * uy + (qy - w.y) * ux)
        return across <= settings.robot_radius_m and 0 < ahead - PERSON_RADIUS <= reach

    # once they had been inside the warning field for 0.6 s (a revolution to see them,
    # the wheels' deceleration), the robot went no faster than the warning pace
    slow = [w for w in wheels if w.t < start + 15 and in_warning(w, w.t)
            and in_warning(w, w.t - 0.6)]  # fmt: skip
    assert slow
    assert max(max(w.left_mps, w.right_mps) for w in slow) <= settings.warning_speed_mps + 0.05


async def test_person_standing_on_the_path_is_asked_to_make_way_then_passed(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap, said: Any
) -> None:
    """No injected obstacles: the planner learns of the person from the lidar alone."""
    dock, goal = lobby.pose("dock"), lobby.pose("Q12")
    guide = Guide(
        sim_base,
        lobby,
        NavigationSettings(),
        lambda c, p: said.append((sim_base.clock.now(), c, p)),
        lidar=sim_lidar,
    )
    person = sim_lidar.sensor.world.add(
        Person.standing((dock.x + goal.x) / 2, (dock.y + goal.y) / 2)
    )
    assert await guide.guide_to("Q12") is GuideResult.ARRIVED
    guide.close()
    assert "make-way" in said.codes()
    assert closest_approach(sim_base, person) > 0.1


async def test_a_silent_lidar_stops_the_robot(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap, said: Any
) -> None:
    guide = Guide(
        sim_base,
        lobby,
        NavigationSettings(),
        lambda c, p: said.append((0.0, c, p)),
        lidar=sim_lidar,
    )
    trip = asyncio.create_task(guide.guide_to("Q5"))
    sim = sim_base.sim
    await wait_until(lambda: max(sim.wheel_speeds) > 0.3, 60, interval_s=0.001)
    sim_lidar.server.unplug()  # the lidar's cable is pulled mid-trip
    assert await asyncio.wait_for(trip, 60) is GuideResult.STOPPED_SAFETY
    guide.close()
    assert guide.status.stop_reason == "lidar-lost"
    assert "safety-stop" in [c for _, c, _ in said]
