"""The vendor's own library, ``basicmicro``, as an independent client of the simulator.

Every command our driver uses is sent once by ``basicmicro`` and once by our driver to
the same simulated controller over a real pseudo-terminal: writes must be byte-identical
on the wire, reads must decode to the same values. A simulator that accepted only our
own framing (a CRC after a read command, as before) fails every read here.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from basicmicro import Basicmicro

from drivers.base import protocol as p
from drivers.base.clock import MonotonicClock
from drivers.base.roboclaw import RoboClawBase
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer

ADDRESS = 0x80


@pytest.fixture
def rig() -> Iterator[tuple[SimController, Basicmicro, RoboClawBase]]:
    """One simulated controller on a pty, with the vendor library and our driver on it."""
    sim = SimController(MonotonicClock(), battery_v=24.7)
    server = SimPtyServer(sim)
    vendor = Basicmicro(server.path, 115200, timeout=0.01, retries=2)
    assert vendor.Open()
    ours = RoboClawBase(server.path, reply_timeout_s=0.2)
    try:
        yield sim, vendor, ours
    finally:
        vendor.close()
        ours.close()
        server.close()


def _packets_of(sim: SimController, action: object) -> list[bytes]:
    before = len(sim.log.packets)
    action()  # type: ignore[operator]
    return sim.log.packets[before:]


def test_vendor_reads_are_answered_and_decode_like_ours(
    rig: tuple[SimController, Basicmicro, RoboClawBase],
) -> None:
    sim, vendor, ours = rig
    ours.set_serial_timeout(0.7)
    assert vendor.GetTimeout(ADDRESS) == (True, pytest.approx(0.7))
    assert ours.serial_timeout_s == pytest.approx(0.7)

    ok, tenths = vendor.ReadMainBatteryVoltage(ADDRESS)
    assert ok and tenths == 247
    assert ours.read_state(battery=True).battery_v == pytest.approx(tenths / 10)

    sim.bumper_front = True
    sim.estop = True
    ok, status = vendor.ReadError(ADDRESS)
    state = ours.read_state()
    assert ok and status == state.status_bits == p.STATUS_ESTOP | p.STATUS_S4
    assert status & Basicmicro.ERROR_ESTOP and (status >> 16) & Basicmicro.WARN_S4
    sim.bumper_front = False

    sim.set_encoders(123_456, 7)
    ok, enc1, enc2 = vendor.GetEncoders(ADDRESS)
    state = ours.read_state()
    assert ok and (enc1, enc2) == (123_456, 7)
    assert (state.left_m, state.right_m) == (enc1 / ours.counts_per_m, enc2 / ours.counts_per_m)
    sim.set_encoders(-5, -70_000)  # basicmicro reads encoders as unsigned longs
    ok, enc1, enc2 = vendor.GetEncoders(ADDRESS)
    state = ours.read_state()
    assert ok and struct.unpack(">ii", struct.pack(">II", enc1, enc2)) == (-5, -70_000)
    assert (round(state.left_m * ours.counts_per_m), round(state.right_m * ours.counts_per_m)) == (
        -5,
        -70_000,
    )


def test_reads_are_address_and_command_alone(
    rig: tuple[SimController, Basicmicro, RoboClawBase],
) -> None:
    sim, vendor, ours = rig
    for vendor_read, our_read in [
        (lambda: vendor.GetTimeout(ADDRESS), lambda: ours.exchange(p.GET_SERIAL_TIMEOUT)),
        (lambda: vendor.ReadError(ADDRESS), lambda: ours.exchange(p.READ_STATUS)),
        (lambda: vendor.GetEncoders(ADDRESS), lambda: ours.exchange(p.READ_ENCODERS)),
        (
            lambda: vendor.ReadMainBatteryVoltage(ADDRESS),
            lambda: ours.exchange(p.READ_MAIN_BATTERY),
        ),
    ]:
        theirs = _packets_of(sim, vendor_read)
        mine = _packets_of(sim, our_read)
        assert theirs == mine and len(mine) == 1 and len(mine[0]) == 2, (theirs, mine)


def test_writes_are_byte_identical_to_the_vendor_library(
    rig: tuple[SimController, Basicmicro, RoboClawBase],
) -> None:
    sim, vendor, ours = rig
    cases = [
        (
            lambda: vendor.SetTimeout(ADDRESS, 0.5),
            lambda: ours.exchange(p.SET_SERIAL_TIMEOUT, b"\x05"),
        ),
        (lambda: vendor.ResetEncoders(ADDRESS), lambda: ours.exchange(p.RESET_ENCODERS)),
        (
            lambda: vendor.SpeedM1M2(ADDRESS, 1200, -800),
            lambda: ours.set_velocity(0.05, -0.5 / 0.42),
        ),
        (lambda: vendor.SpeedM1M2(ADDRESS, 0, 0), ours.stop),
        (
            lambda: vendor.SpeedDistanceM1M2(ADDRESS, 1200, 4000, -1200, 2000, 1),
            lambda: ours.drive_distance(1.0, -0.5, 0.3),
        ),
        (lambda: vendor.ResetEStop(ADDRESS), lambda: ours.exchange(p.RESET_ESTOP)),
    ]
    for vendor_write, our_write in cases:
        theirs = _packets_of(sim, vendor_write)
        mine = _packets_of(sim, our_write)
        assert len(theirs) == 1 and theirs == mine, (theirs, mine)
    # the vendor library sees every write acknowledged, and the controller did them
    assert vendor.SpeedM1M2(ADDRESS, 400, 400) is True
    assert sim.log.commands[-1][1:] == (0.1, 0.1)


def test_kiosk_sim_base_prints_its_pty_and_the_vendor_library_talks_to_it() -> None:
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "sim", "base", "--x", "2.5"],
        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdin is not None
        path = child.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        vendor = Basicmicro(path, 115200, timeout=0.01, retries=3)
        assert vendor.Open()
        try:
            assert vendor.ReadMainBatteryVoltage(ADDRESS) == (True, 252)
            assert vendor.SetTimeout(ADDRESS, 2.0) and vendor.GetTimeout(ADDRESS)[1] == 2.0
            child.stdin.write("press bumper_rear\nstate\n")
            child.stdin.flush()
            assert child.stdout.readline().strip() == "ok"
            assert '"x": 2.5' in child.stdout.readline()
            ok, status = vendor.ReadError(ADDRESS)
            assert ok and status == p.STATUS_S5
        finally:
            vendor.close()
    finally:
        child.terminate()
        assert child.wait(timeout=10) == 0
