"""``rplidar-roboticia`` (the RPLidar Python library) as an independent client of our simulator.

The library is a second implementation of the Slamtec protocol that we did not write:
its requests must be byte-identical to ours, it must get health, info and a standard
scan from the simulator through a real pseudo-terminal, and its decoding of the
simulator's nodes must agree with ours sample for sample.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import serial
from hypothesis import given
from hypothesis import strategies as st
from rplidar import RPLidar as VendorRPLidar
from rplidar import _process_scan

from drivers.base.clock import MonotonicClock
from drivers.lidar import Person, SimWorld
from drivers.lidar import protocol as p
from drivers.lidar.sim import SimRPLidar
from drivers.lidar.sim_pty import LidarPtyServer


class PtyVendorLidar(VendorRPLidar):  # type: ignore[misc]
    """The vendor class unchanged but for the A1's motor line: a pty has no DTR, so only
    the A2's PWM request is sent (the bytes of every request are still the library's)."""

    def start_motor(self) -> None:
        self._set_pwm(self._motor_speed)
        self.motor_running = True

    def stop_motor(self) -> None:
        self._set_pwm(0)
        self.motor_running = False


@pytest.fixture
def served(world: SimWorld) -> Iterator[tuple[SimRPLidar, LidarPtyServer]]:
    """A simulated A1 on the dock, streaming on a pty in real time."""
    sensor = SimRPLidar(world, MonotonicClock())
    server = LidarPtyServer(sensor)
    yield sensor, server
    server.close()


def _vendor_bytes(action: str, *args: object) -> bytes:
    vendor = VendorRPLidar.__new__(VendorRPLidar)
    vendor.logger = __import__("logging").getLogger("vendor")
    vendor._serial = serial.serial_for_url("loop://", timeout=0.05)
    getattr(vendor, action)(*args)
    return bytes(vendor._serial.read(64))


def test_requests_are_byte_identical_to_the_library() -> None:
    assert _vendor_bytes("_send_cmd", b"\x52") == p.request(p.CMD_GET_HEALTH)
    assert _vendor_bytes("_send_cmd", b"\x50") == p.request(p.CMD_GET_INFO)
    assert _vendor_bytes("_send_cmd", b"\x20") == p.request(p.CMD_SCAN)
    assert _vendor_bytes("_send_cmd", b"\x25") == p.request(p.CMD_STOP)
    for pwm in (0, 660, 1023):
        assert _vendor_bytes("_set_pwm", pwm) == p.request(p.CMD_SET_PWM, pwm.to_bytes(2, "little"))


def test_library_reads_health_info_and_scans_from_the_simulator(
    served: tuple[SimRPLidar, LidarPtyServer], world: SimWorld
) -> None:
    sensor, server = served
    x, y, theta = world.pose()
    # a person 1.5 m straight ahead of the sensor (the dock faces +y)
    world.add(Person.standing(x + 1.5 * math.cos(theta), y + 1.5 * math.sin(theta)))
    vendor = PtyVendorLidar(server.path, timeout=1)
    try:
        assert vendor.get_health() == ("Good", 0)
        info = vendor.get_info()
        assert info["model"] == 0x18 and info["firmware"] == (1, 29) and info["hardware"] == 7
        assert info["serialnumber"] == bytes(range(0xA0, 0xB0)).hex().upper()
        scans = vendor.iter_scans()
        scan = next(scans)
        scan = next(scans)  # the first may start mid-revolution
        vendor.stop()
        vendor.stop_motor()
    finally:
        vendor.disconnect()
    assert len(scan) >= 200  # 360 samples a revolution; beyond 12 m (the far walls) no echo
    angles = np.array([a for _, a, _ in scan])
    ranges = np.array([d for _, _, d in scan]) / 1000
    ahead = np.abs((angles + 180) % 360 - 180) < 2.0
    assert ahead.any() and np.all(np.abs(ranges[ahead] - 1.25) < 0.05)  # disc radius 0.25
    # the library's requests reached the sensor as it expects them
    deadline = time.monotonic() + 5
    while sensor.log.pwm != 0 and time.monotonic() < deadline:  # the last write in flight
        time.sleep(0.005)
    commands = [c for c, _ in sensor.log.requests]
    assert commands[-2:] == [p.CMD_STOP, p.CMD_SET_PWM] and p.CMD_SCAN in commands
    assert sensor.log.pwm == 0 and not sensor.scanning


@given(
    angle=st.floats(0, 359.98),
    distance=st.floats(0, 16000),
    quality=st.integers(0, 63),
    new_scan=st.booleans(),
)
def test_node_decoding_agrees_with_the_library(
    angle: float, distance: float, quality: int, new_scan: bool
) -> None:
    raw = p.encode_node(angle, distance, quality, new_scan)
    vendor_new, vendor_quality, vendor_angle, vendor_distance = _process_scan(raw)
    ours = p.decode_node(raw)
    assert ours is not None
    assert (ours.new_scan, ours.quality) == (vendor_new, vendor_quality)
    assert ours.angle_deg == pytest.approx(vendor_angle)
    assert ours.distance_mm == pytest.approx(vendor_distance)
    assert abs(((ours.angle_deg - angle) + 180) % 360 - 180) <= 1 / 64


def test_our_driver_and_the_library_see_the_same_revolution(
    served: tuple[SimRPLidar, LidarPtyServer], world: SimWorld
) -> None:
    """The same simulator read by both: same walls at the same bearings."""
    from drivers.lidar.rplidar import RPLidar

    sensor, server = served
    vendor = PtyVendorLidar(server.path, timeout=1)
    try:
        scans = vendor.iter_scans()
        next(scans)
        theirs = next(scans)
        vendor.stop()
    finally:
        vendor.disconnect()
    ours = RPLidar(server.path, clock=MonotonicClock())
    ours.start()
    try:
        assert ours.wait_streaming(5.0)
        deadline = time.monotonic() + 5
        while ours.stats.revolutions < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        scan = ours.latest_scan()
    finally:
        ours.close()
    assert scan is not None
    for _, angle, distance in theirs[::20]:
        # the library's clockwise degrees are our counter-clockwise radians, negated
        bearing = -math.radians(angle)
        gap = np.abs((scan.angles - bearing + math.pi) % (2 * math.pi) - math.pi)
        nearest = int(np.argmin(gap))
        if gap[nearest] < math.radians(0.3):
            assert scan.ranges[nearest] == pytest.approx(distance / 1000, abs=0.03, rel=0.04)


def test_kiosk_sim_lidar_prints_its_pty_and_the_library_reads_it(lobby: object) -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "sim", "lidar", "--map", "none"],
        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdin is not None
        path = child.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        child.stdin.write("person 2 0\nstate\n")  # 2 m straight ahead, on an empty floor
        child.stdin.flush()
        assert child.stdout.readline().strip() == "ok"
        assert '"people": 1' in child.stdout.readline()
        vendor = PtyVendorLidar(path, timeout=1)
        try:
            assert vendor.get_health() == ("Good", 0)
            scans = vendor.iter_scans()
            next(scans)
            scan = next(scans)
            vendor.stop()
        finally:
            vendor.disconnect()
        # only the person echoes: a short arc around 0 degrees, nearest at 2 m - 0.25 m
        assert scan and min(d for _, _, d in scan) == pytest.approx(1750, abs=40)
        assert all(1700 < d < 2050 for _, _, d in scan)
        assert all(min(a, 360 - a) < 10 for _, a, _ in scan)
    finally:
        child.terminate()
        assert child.wait(timeout=10) == 0
