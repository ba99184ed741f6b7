"""The stop guard with the lidar (``open_base(..., lidar=...)``): the protective field
checked in the guard's real-time process.

Both simulators answer on their own ptys (wall clock): the RoboClaw and an RPLIDAR A1
that ray-casts people standing on an empty floor from the simulated robot's true pose.
The guard is the real ``python -m drivers.base.guard`` process owning both ports; the
daemon's base driver and RPLIDAR driver talk to the guard's ptys. Nothing in this process
judges the field (no separation monitor is attached), so every protective stop here is
the guard's: the daemon's own check is the second layer, tested in tests/navigation.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from drivers.base import BaseError, open_base
from drivers.base.clock import MonotonicClock
from drivers.base.roboclaw import RoboClawBase
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer
from drivers.lidar import (
    FieldGeometry,
    Lidar,
    LidarRelaySpec,
    Person,
    ScanBatch,
    SimWorld,
    open_lidar,
)
from drivers.lidar.sim import SimRPLidar
from drivers.lidar.sim_pty import LidarPtyServer
from tests.base.test_stop_guard import driving
from tests.wait import wait_until_sync

GEOMETRY = FieldGeometry()  # the navigation settings' defaults: 0.30 m radius, 0.25 m margin


@dataclass
class Rig:
    """The two simulators, the guard between them and the daemon's two drivers."""

    sim: SimController
    world: SimWorld
    base: RoboClawBase
    lidar: Lidar
    batches: list[ScanBatch]


@pytest.fixture
def rig() -> Iterator[Rig]:
    sim = SimController(MonotonicClock())
    base_server = SimPtyServer(sim)
    world = SimWorld(np.zeros((1, 1), dtype=bool), 0.05, -1e4, -1e4, lambda: sim.pose)
    sensor = SimRPLidar(world, MonotonicClock(), noise_m=0.0)
    lidar_server = LidarPtyServer(sensor)
    spec = LidarRelaySpec(lidar_server.path, geometry=GEOMETRY, clear_s=0.5)
    base = open_base(f"serial://{base_server.path}?guard=1&timeout=2&reply_timeout=0.5",
                     lidar=spec)  # fmt: skip
    assert isinstance(base, RoboClawBase) and base.guard is not None
    lidar = open_lidar(f"rplidar://{lidar_server.path}", relayed_at=base.guard.lidar_path)
    assert lidar is not None
    batches: list[ScanBatch] = []
    lidar.subscribe(batches.append)
    try:
        assert lidar.wait_streaming(10.0), lidar.stats.last_error
        yield Rig(sim, world, base, lidar, batches)
    finally:
        lidar.close()
        base.close()
        lidar_server.close()
        base_server.close()


def _ahead(sim: SimController, distance: float) -> tuple[float, float]:
    x, y, theta = sim.pose
    return x + distance * math.cos(theta), y + distance * math.sin(theta)


def _field_stops(base: RoboClawBase) -> list[dict[str, float]]:
    return [s for s in base.guard.stops if s["stop"] == "protective-field"]


def _echo_ahead(batches: list[ScanBatch], near: float) -> bool:
    """The daemon's driver got a sample straight ahead closer than ``near`` metres."""
    for batch in batches:
        ahead = np.abs(batch.angles) < 0.3
        if bool((batch.ranges[ahead] < near).any()):
            return True
    return False


@pytest.mark.parametrize("speed", [0.3, 0.5, 0.7])
def test_a_person_stepping_in_front_is_stopped_for_by_the_guard(rig: Rig, speed: float) -> None:
    sim, base = rig.sim, rig.base
    field = GEOMETRY.protective_length(speed)
    with driving(base, speed):
        wait_until_sync(lambda: min(sim.wheel_speeds) > speed * 0.8, 10.0)
        assert _field_stops(base) == []  # an empty floor: nothing to stop for
        # a person (0.25 m radius) steps in with their front 0.2 m inside the field
        gap = field - 0.2
        person = rig.world.add(Person.standing(*_ahead(sim, GEOMETRY.robot_radius_m + gap
                                                       + 0.25)))  # fmt: skip
        wait_until_sync(lambda: bool(_field_stops(base)), 5.0, lambda: str(base.guard.stops))
        wait_until_sync(lambda: sim.wheel_speeds == (0.0, 0.0), 5.0)
        stop = _field_stops(base)[0]
        # the distance reported: from the robot's front edge to the person, when seen
        assert 0.0 < stop["distance_m"] <= field
        assert stop["t"] >= stop["seen_at"]
        # stopped before contact
        px, py = person.position(0.0)
        x, y, _ = sim.pose
        assert math.hypot(px - x, py - y) > GEOMETRY.robot_radius_m + person.radius_m
        # the daemon, unaware, keeps asking for speed: refused until it stops too
        commands = len(sim.log.commands)
        wait_until_sync(lambda: len(sim.log.commands) >= commands + 3, 5.0)
        assert all(c[1:] == (0.0, 0.0) for c in sim.log.commands[commands:])
    # the daemon's driver got the same samples through the relay
    assert _echo_ahead(rig.batches, GEOMETRY.robot_radius_m + field + 0.3)
    base.stop()  # the daemon has seen it (its separation monitor would hold now)
    rig.world.remove(person)
    base.set_velocity(speed, 0.0)
    wait_until_sync(lambda: min(sim.wheel_speeds) > 0.1, 10.0)
    base.stop()


def test_the_daemon_gets_every_scan_and_nothing_stops_a_clear_drive(rig: Rig) -> None:
    sim, base = rig.sim, rig.base
    rig.world.add(Person.standing(*_ahead(sim, 2.5)))  # far beyond the field at 0.3 m/s
    with driving(base, 0.3):
        wait_until_sync(lambda: min(sim.wheel_speeds) > 0.25, 10.0)
        revolutions = rig.lidar.stats.revolutions
        wait_until_sync(lambda: rig.lidar.stats.revolutions >= revolutions + 5, 10.0)
    base.stop()
    assert _field_stops(base) == []
    assert _echo_ahead(rig.batches[-20:], 2.5)  # the person, as the daemon sees them
    samples = sum(len(b.ranges) for b in rig.batches)
    assert samples > 0 and rig.lidar.health()["connected"]


def test_a_stop_the_daemon_never_acknowledges_is_released_once_the_field_is_clear(
    rig: Rig,
) -> None:
    sim, base = rig.sim, rig.base
    with driving(base, 0.3):
        wait_until_sync(lambda: min(sim.wheel_speeds) > 0.25, 10.0)
        person = rig.world.add(Person.standing(*_ahead(sim, 0.75)))
        wait_until_sync(lambda: bool(_field_stops(base)), 5.0)
        rig.world.remove(person)  # gone; the daemon never sent zero speed itself
        wait_until_sync(lambda: min(sim.wheel_speeds) > 0.1, 10.0)  # after clear_s
    base.stop()


def test_a_dead_guard_is_started_again_and_watches_the_field_again(rig: Rig) -> None:
    sim, base = rig.sim, rig.base
    dead = base.guard.proc
    assert dead is not None
    os.kill(dead.pid, signal.SIGKILL)
    dead.wait(timeout=10)
    # its keeper starts a new one under the same names; the lidar driver reconnects
    wait_until_sync(lambda: base.guard.alive and base.guard.proc is not dead, 20.0)
    assert base.guard.restarts == 1
    batches = len(rig.batches)
    wait_until_sync(lambda: rig.lidar.connected and len(rig.batches) > batches + 20, 20.0)

    def drives() -> bool:
        with contextlib.suppress(BaseError):
            base.set_velocity(0.3, 0.0)
        return min(sim.wheel_speeds) > 0.25

    wait_until_sync(drives, 20.0, interval_s=0.05)
    with driving(base, 0.3):
        rig.world.add(Person.standing(*_ahead(sim, 0.75)))
        wait_until_sync(lambda: bool(_field_stops(base)), 5.0, lambda: str(base.guard.stops))
        wait_until_sync(lambda: sim.wheel_speeds == (0.0, 0.0), 5.0)
    base.stop()


def test_a_lidar_port_that_cannot_be_opened_leaves_the_base_guarded() -> None:
    sim = SimController(MonotonicClock())
    server = SimPtyServer(sim)
    spec = LidarRelaySpec("/dev/no-such-lidar", geometry=GEOMETRY)
    base = open_base(f"serial://{server.path}?guard=1&timeout=2&reply_timeout=0.5", lidar=spec)
    try:
        assert isinstance(base, RoboClawBase) and base.guard.lidar_path is not None
        base.set_velocity(0.3, 0.0)  # the base works; the daemon's lidar driver will
        wait_until_sync(lambda: min(sim.wheel_speeds) > 0.25, 10.0)  # find it silent
        base.stop()
    finally:
        base.close()
        server.close()
