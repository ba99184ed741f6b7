"""The RPLIDAR driver against the simulated sensor: a sensor left scanning, line noise,
a pulled and replugged cable, a sensor in error, and bad URLs."""

from __future__ import annotations

import math
import os
import random
from collections.abc import Iterator

import pytest

from drivers.base.clock import MonotonicClock
from drivers.errors import DeviceURLError
from drivers.lidar import Person, SimWorld, open_lidar
from drivers.lidar import protocol as p
from drivers.lidar.rplidar import RPLidar
from drivers.lidar.sim import SimRPLidar
from drivers.lidar.sim_pty import LidarPtyServer, SimulatedLidar
from tests.wait import wait_until_sync as wait_until


@pytest.fixture
def lidar(world: SimWorld) -> Iterator[SimulatedLidar]:
    """Our driver reading a simulated A1 on the dock in real time."""
    opened = open_lidar("sim://", world=world, clock=MonotonicClock())
    assert isinstance(opened, SimulatedLidar)
    yield opened
    opened.close()


def test_parser_resynchronises_after_lost_and_flipped_bytes() -> None:
    nodes = [p.encode_node(i * 1.0, 1000 + i, 40, i == 0) for i in range(360)]
    stream = bytearray(b"".join(nodes))
    rng = random.Random(4)
    for _ in range(20):  # drop bytes and flip bits here and there
        at = rng.randrange(len(stream))
        if rng.random() < 0.5:
            del stream[at]
        else:
            stream[at] ^= 1 << rng.randrange(8)
    parser = p.NodeParser()
    decoded = [n for i in range(0, len(stream), 7) for n in parser.feed(bytes(stream[i : i + 7]))]
    assert parser.skipped > 0
    assert len(decoded) >= 300  # a few samples lost around each fault, not the stream
    good = [n for n in decoded if n.distance_mm == 1000 + round(n.angle_deg)]
    assert len(good) >= 290


def test_a_sensor_left_scanning_is_stopped_and_started_cleanly(world: SimWorld) -> None:
    sensor = SimRPLidar(world, MonotonicClock(), scanning=True)  # a killed client's leftover
    server = LidarPtyServer(sensor)
    driver = RPLidar(server.path, clock=MonotonicClock())
    driver.start()
    try:
        assert driver.wait_streaming(5.0)
        wait_until(lambda: driver.stats.revolutions >= 2, 10)
        commands = [c for c, _ in sensor.log.requests]
        assert commands[0] == p.CMD_STOP and p.CMD_GET_HEALTH in commands
        assert commands[-1] == p.CMD_SCAN and sensor.log.pwm == p.DEFAULT_PWM
        assert driver.info["model"] == 0x18 and driver.stats.reconnects == 0
    finally:
        driver.close()
        server.close()


def test_samples_are_in_the_robot_frame(lidar: SimulatedLidar, world: SimWorld) -> None:
    x, y, theta = world.pose()
    left = theta + math.pi / 2  # a person 1 m to the robot's left
    world.add(Person.standing(x + 1.0 * math.cos(left), y + 1.0 * math.sin(left)))
    first = lidar.stats.revolutions
    wait_until(lambda: lidar.stats.revolutions >= first + 2, 10)
    scan = lidar.latest_scan()
    assert scan is not None
    near = scan.ranges < 0.9
    assert near.any()
    bearings = scan.angles[near]
    assert abs(float(bearings.mean()) - math.pi / 2) < math.radians(8)


def test_pulled_cable_is_reported_and_the_sensor_comes_back(lidar: SimulatedLidar) -> None:
    assert lidar.wait_streaming(5.0)
    lidar.server.unplug()
    wait_until(lambda: not lidar.connected, 10)
    assert lidar.stats.last_error in ("lidar-port", "lidar-silent")
    lidar.server.replug()
    wait_until(lambda: lidar.connected, 10)
    before = lidar.stats.revolutions
    wait_until(lambda: lidar.stats.revolutions > before + 1, 10)
    assert lidar.stats.disconnects >= 1 and lidar.stats.reconnects >= 1
    assert os.path.exists(lidar.port_name)


def test_a_sensor_in_error_is_reset_once_then_reported(world: SimWorld) -> None:
    sensor = SimRPLidar(world, MonotonicClock())
    sensor.health_status = (p.HEALTH_ERROR, 0x8001)
    server = LidarPtyServer(sensor)
    driver = RPLidar(server.path, clock=MonotonicClock())
    driver.start()
    try:
        assert driver.wait_streaming(5.0)  # the reset cleared it
        assert p.CMD_RESET in [c for c, _ in sensor.log.requests]
    finally:
        driver.close()
    sensor.health_status, sensor.stuck_error = (p.HEALTH_ERROR, 0x8002), True
    driver = RPLidar(server.path, clock=MonotonicClock())
    driver.start()
    try:
        wait_until(lambda: driver.stats.last_error == "lidar-health", 10)
        assert not driver.connected
    finally:
        driver.close()
        server.close()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("rplidar://", "no device path"),
        ("rplidar:///dev/kiosk-lidar?baud=fast", "baud='fast'"),
        ("rplidar:///dev/kiosk-lidar?speed=3", "unknown option(s) speed"),
        ("sim://?clock=sundial", "clock='sundial'"),
        ("lidar:///dev/ttyUSB0", "supported: rplidar://, sim://"),
    ],
)
def test_bad_urls_name_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(DeviceURLError) as caught:
        open_lidar(url)
    assert words in str(caught.value)


def test_none_means_no_lidar() -> None:
    assert open_lidar("none://") is None
