"""The background scan match in virtual time: applied on a tick fixed by the clock, not
by how fast the host's worker thread happened to finish (else a simulated trip drives a
different path on a busy host than on an idle one)."""

from __future__ import annotations

from drivers.base.clock import VirtualClock
from drivers.base.sim_pty import SimulatedBase
from drivers.lidar.sim_pty import SimulatedLidar
from navigation.follower import Odometry
from navigation.lobby import LobbyMap
from navigation.localise import ScanMatcher
from navigation.tracking import PoseTracker
from tests.wait import wait_until

OFF_M = 0.1  # odometry believes the robot is this far right of where it stands


def tracker_at_dock(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap
) -> tuple[PoseTracker, Odometry, float]:
    """A tracker on a standing robot whose odometry is off, with a whole scan to match."""
    clock = sim_base.clock
    assert isinstance(clock, VirtualClock)
    while sim_lidar.stats.revolutions < 2:
        clock.advance(0.02)
        sim_lidar.settle()
    dock = lobby.pose("dock")
    odometry = Odometry(dock.x + OFF_M, dock.y, dock.theta, sim_base.track_m)
    tracker = PoseTracker(ScanMatcher(lobby), sim_lidar, odometry, apply_after_s=0.1)
    return tracker, odometry, clock.now()


async def test_a_finished_match_waits_for_its_tick(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap
) -> None:
    tracker, odometry, t = tracker_at_dock(sim_base, sim_lidar, lobby)
    tracker.step(t, 0.0, 0.0)  # starts the match
    task = tracker._task
    assert task is not None
    await wait_until(task.done, 10)  # the worker finished: still not applied before its tick
    tracker.step(t + 0.05, 0.0, 0.0)
    assert (tracker.accepted, tracker.refused) == (0, 0)
    assert odometry.x == lobby.pose("dock").x + OFF_M
    tracker.step(t + 0.1, 0.0, 0.0)
    assert tracker.accepted == 1
    assert abs(odometry.x - sim_base.sim.pose[0]) < OFF_M - 0.02  # corrected towards the truth
    await tracker.close()


async def test_a_slow_match_is_waited_for_on_its_tick(
    sim_base: SimulatedBase, sim_lidar: SimulatedLidar, lobby: LobbyMap
) -> None:
    tracker, odometry, t = tracker_at_dock(sim_base, sim_lidar, lobby)
    tracker.step(t, 0.0, 0.0)
    tracker.step(t + 0.1, 0.0, 0.0)  # at once: the worker cannot have finished yet
    assert tracker.accepted == 1
    assert abs(odometry.x - sim_base.sim.pose[0]) < OFF_M - 0.02  # corrected towards the truth
    await tracker.close()
