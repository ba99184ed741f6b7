"""People walking across the robot's way: it lets them pass rather than relying on the
protective field, which cannot stop in time for someone who steps in beside its front.

The unit tests drive :class:`navigation.crossing.CrossingWatch` with obstacle centres
as the lidar's perception reports them, one set per revolution; the last test walks a
simulated person across the first leg of a trip, timed to meet the robot, seen only
through the simulated lidar (virtual time: the same run every time)."""

from __future__ import annotations

import asyncio
import math
from typing import Any

from drivers.base.sim_pty import SimulatedBase
from drivers.lidar import Person
from drivers.lidar.sim_pty import SimulatedLidar
from kiosk.lidar_wiring import lidar_health
from navigation.crossing import CrossingWatch
from navigation.guide import Guide
from navigation.lobby import LobbyMap
from navigation.settings import NavigationSettings
from tests.navigation.test_nav_crowd import front_contacts
from tests.wait import wait_until

REV = 1 / 5.5  # one revolution of the simulated A1, seconds
#: the robot at the origin going along +x, the path ahead in 0.1 m steps
PATH = [(0.1 * i, 0.0) for i in range(16)]


def watch_walker(start: tuple[float, float], velocity: tuple[float, float],
                 revolutions: int = 4) -> CrossingWatch:  # fmt: skip
    """A watch that has seen one person for a few revolutions (the robot standing at
    the origin; positions as the perception reports them: already on the map)."""
    watch = CrossingWatch(NavigationSettings())
    for k in range(revolutions):
        t = k * REV
        watch.update(t, [(start[0] + velocity[0] * t, start[1] + velocity[1] * t)])
    return watch


def test_a_walker_about_to_cross_just_ahead_makes_the_robot_yield() -> None:
    # 1.2 m/s from 1.3 m to the right, crossing 0.6 m ahead of the robot's centre
    watch = watch_walker((0.6, -1.3), (0.0, 1.2))
    now = 3 * REV
    assert watch.conflict(now, PATH, 0.8)
    assert len(watch.yields) == 1
    assert watch.conflict(now, PATH, 0.8)  # still yielding: one yield, not two
    assert len(watch.yields) == 1


def test_a_walker_who_passes_before_the_robot_gets_there_is_no_reason_to_stop() -> None:
    watch = watch_walker((1.4, -0.3), (0.0, 1.3))  # already crossing, 1.4 m ahead
    assert not watch.conflict(3 * REV, PATH, 0.7)


def test_people_standing_beside_the_way_are_left_to_the_planner() -> None:
    watch = watch_walker((0.8, 0.7), (0.0, 0.0))  # near the path, not walking
    assert watch.walkers() == []
    assert not watch.conflict(3 * REV, PATH, 0.8)


def test_a_walker_catching_up_from_behind_does_not_stop_the_robot() -> None:
    # stopping would only let them walk into its back
    watch = watch_walker((-2.0, 0.0), (1.6, 0.0))  # 1.1 m behind by now
    assert not watch.conflict(3 * REV, PATH, 0.5)


def test_a_slower_robot_may_go_where_a_faster_one_must_wait() -> None:
    # by now 0.9 m to the right, 1.0 m ahead: they cross the path in 0.75 s, when a
    # robot going on at 0.8 m/s for a reaction time and then braking would be 0.5 m
    # from them; from 0.3 m/s it stops 0.86 m short
    watch = watch_walker((1.0, -1.55), (0.0, 1.2))
    assert watch.conflict(3 * REV, PATH, 0.8)
    assert not watch.conflict(3 * REV, PATH, 0.3)


def test_two_people_walking_past_each_other_are_told_apart() -> None:
    watch = CrossingWatch(NavigationSettings())
    for k in range(5):
        t = k * REV
        watch.update(t, [(3.0 + 1.1 * t, 2.0), (6.0 - 1.3 * t, 2.4)])
    walkers = sorted(watch.walkers())
    assert len(walkers) == 2
    (_, (vx1, vy1)), (_, (vx2, vy2)) = walkers
    assert math.isclose(vx1, 1.1, abs_tol=1e-6) and math.isclose(vy1, 0.0, abs_tol=1e-6)
    assert math.isclose(vx2, -1.3, abs_tol=1e-6) and math.isclose(vy2, 0.0, abs_tol=1e-6)


def test_a_walker_seen_once_is_not_yet_predicted() -> None:
    watch = watch_walker((0.6, -1.3), (0.0, 1.2), revolutions=1)
    assert watch.walkers() == []
    assert not watch.conflict(0.0, PATH, 0.8)


async def test_a_walker_crossing_the_way_is_let_past_untouched(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap, said: Any
) -> None:
    """Timed to meet the robot at full pace: the protective field alone stops it only
    when the walker is already beside its front, too late (the crowded-lobby flake)."""
    settings = NavigationSettings()
    guide = Guide(sim_base, lobby, settings, lambda c, p: said.append((0.0, c, p)),
                  lidar=sim_lidar)  # fmt: skip
    trip = asyncio.create_task(guide.guide_to("Q5"))
    sim, clock = sim_base.sim, sim_base.clock
    pace = settings.guide_speed_mps
    await wait_until(lambda: min(sim.wheel_speeds) >= pace - 0.02, 60, interval_s=0.001)
    x, y, theta = sim.pose
    t0 = clock.now()
    meet_s, walk_mps = 2.0, 1.2
    ahead = pace * meet_s + settings.robot_radius_m  # where the robot's front will be
    fx, fy = x + ahead * math.cos(theta), y + ahead * math.sin(theta)
    side = (math.sin(theta), -math.cos(theta))  # from the robot's right to its left
    reach = walk_mps * meet_s
    walker = sim_lidar.sensor.world.add(Person([
        (t0, fx + reach * side[0], fy + reach * side[1]),
        (t0 + 2 * meet_s, fx - reach * side[0], fy - reach * side[1]),
    ]))  # fmt: skip
    await wait_until(lambda: clock.now() > t0 + 2 * meet_s + 1.0, 60, interval_s=0.001)
    trip.cancel()
    await asyncio.gather(trip, return_exceptions=True)
    guide.close()
    assert front_contacts(sim_base, [walker]) == []
    assert guide.crossing.yields, "never yielded to the walker"
    # the technician sees it in /health (the robot's lidar part)
    health = lidar_health(guide)
    assert health is not None and health["yields_to_walkers"] == len(guide.crossing.yields)
    assert health["yielding"] is False  # they have passed
    assert not guide.supervisor.tripped
    # it went on once they had passed
    assert max(w.t for w in sim.log.wheels) > t0 + meet_s
