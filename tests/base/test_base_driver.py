"""The RoboClaw driver against the simulator, through the pty bytes."""

from __future__ import annotations

import logging
import random
import termios

import pytest
import serial

from drivers.base import (
    BaseLinkError,
    BaseReplyError,
    BaseSetupError,
    BaseSilentError,
    VirtualClock,
    open_base,
)
from drivers.base import protocol as p
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimulatedBase
from drivers.url import DeviceURLError


def test_open_sets_and_reads_back_serial_timeout(sim_base: SimulatedBase) -> None:
    assert sim_base.sim.serial_timeout_s == pytest.approx(0.5)
    assert sim_base.serial_timeout_s == pytest.approx(0.5)
    sim_base.set_serial_timeout(1.2)
    assert sim_base.sim.serial_timeout_s == pytest.approx(1.2)


def test_velocity_moves_the_simulated_robot(sim_base: SimulatedBase) -> None:
    clock = sim_base.clock
    assert isinstance(clock, VirtualClock)
    sim_base.set_velocity(0.5, 0.0)
    clock.advance(0.3)
    sim_base.set_velocity(0.5, 0.0)  # keep streaming inside the serial timeout
    clock.advance(0.3)
    state = sim_base.read_state(battery=True)
    assert state.left_m == pytest.approx(state.right_m)
    assert 0.15 < state.left_m < 0.3
    assert state.battery_v == pytest.approx(25.2)
    assert sim_base.sim.pose[0] == pytest.approx(state.left_m, abs=0.01)


def test_switches_and_battery_are_reported(sim_base: SimulatedBase) -> None:
    sim_base.sim.bumper_front = True
    sim_base.sim.battery_v = 21.3
    state = sim_base.read_state(battery=True)
    assert state.bumper_front and not state.bumper_rear and not state.estop
    assert state.battery_v == pytest.approx(21.3)
    sim_base.sim.bumper_front, sim_base.sim.bumper_rear, sim_base.sim.estop = False, True, True
    state = sim_base.read_state()
    assert state.bumper_rear and state.estop and not state.bumper_front
    assert state.status_bits == p.STATUS_ESTOP | p.STATUS_S5


def test_serial_timeout_stops_motors_in_sim_time(sim_base: SimulatedBase) -> None:
    clock = sim_base.clock
    assert isinstance(clock, VirtualClock)
    sim_base.set_velocity(0.4, 0.0)
    clock.advance(0.45)
    assert sim_base.sim.wheel_speeds[0] > 0.3
    clock.advance(0.4)  # 0.85 s since the last command: timeout 0.5 s, then 0.27 s braking
    assert sim_base.sim.wheel_speeds == (0.0, 0.0)
    assert sim_base.sim.log.stops == [(pytest.approx(0.5, abs=0.01), "serial-timeout")]


@pytest.mark.parametrize(
    ("fault", "error", "code"),
    [
        ("silent", BaseSilentError, "base-silent"),
        ("short", BaseReplyError, "base-reply-short"),
        ("corrupt", BaseReplyError, "base-reply-crc"),
    ],
)
def test_broken_replies_raise_typed_errors(
    sim_base: SimulatedBase, fault: str, error: type[Exception], code: str
) -> None:
    sim_base.sim.reply_fault = fault  # type: ignore[assignment]
    with pytest.raises(error) as caught:
        sim_base.read_state()
    assert caught.value.code == code  # type: ignore[attr-defined]
    with pytest.raises(BaseLinkError):
        sim_base.set_velocity(0.2, 0.0)
    sim_base.sim.reply_fault = "none"
    assert sim_base.read_state().estop is False  # the link recovers after resync


def test_garbage_acknowledgement_is_an_error(sim_base: SimulatedBase) -> None:
    sim_base.sim.reply_fault = "garbage"
    with pytest.raises(BaseLinkError) as caught:
        for _ in range(20):  # a random byte may by chance be 0xff once
            sim_base.set_velocity(0.2, 0.0)
    assert caught.value.code.startswith("base-")


def test_line_noise_never_gives_wrong_values_or_untyped_errors(sim_base: SimulatedBase) -> None:
    sim_base.sim.battery_v = 24.6
    sim_base.sim.noise = 0.05
    ok = failed = 0
    for _ in range(60):
        try:
            state = sim_base.read_state(battery=True)
        except BaseLinkError:
            failed += 1
            continue
        ok += 1
        assert state.battery_v == pytest.approx(24.6)
        assert state.status_bits == 0 and state.left_m == 0.0
    assert ok > 0 and failed > 0


def test_lost_ack_velocity_is_retried(sim_base: SimulatedBase) -> None:
    before = len(sim_base.sim.log.commands)
    sim_base.sim.drop_replies = 1
    sim_base.set_velocity(0.3, 0.0)
    assert len(sim_base.sim.log.commands) == before + 2  # executed twice: harmless


def test_lost_ack_distance_command_is_not_repeated(sim_base: SimulatedBase) -> None:
    sim_base.sim.drop_replies = 1
    with pytest.raises(BaseSilentError):
        sim_base.drive_distance(1.0, 1.0, 0.3)
    assert sim_base.sim.log.distance_commands == 1


def test_spy_logs_traffic_in_hex(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="drivers.base.roboclaw")
    base = open_base("sim://?clock=virtual&spy=1")
    try:
        base.stop()
    finally:
        base.close()
    assert "base tx 80 25 00 00 00 00 00 00 00 00" in caplog.text
    assert "rx ff" in caplog.text


def test_bad_urls_and_missing_port_are_clear() -> None:
    with pytest.raises(DeviceURLError, match="supported: serial://, sim://"):
        open_base("usb://1234:5678")
    with pytest.raises(DeviceURLError, match="address"):
        open_base("sim://?address=12")
    with pytest.raises(BaseLinkError) as caught:
        open_base("serial:///dev/does-not-exist-kiosk-base")
    assert caught.value.code == "base-port"


def test_simulator_parser_survives_random_bytes() -> None:
    sim = SimController(VirtualClock())
    rng = random.Random(3)
    for i in range(300):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        sim.receive(junk, wall_time=i * 0.02)
    good = p.frame(128, p.READ_STATUS)
    assert sim.receive(good, wall_time=100.0) == p.read_reply(128, p.READ_STATUS, bytes(4))


def test_simulator_drops_a_packet_split_by_a_gap() -> None:
    sim = SimController(VirtualClock())
    packet = p.frame(128, p.MIXED_SPEED, p.pack_mixed_speed(0, 0))
    assert sim.receive(packet[:2], wall_time=1.000) == b""
    assert sim.receive(packet[2:], wall_time=1.015) == b""  # 15 ms gap: resynchronised
    assert sim.receive(packet[:2], wall_time=2.000) == b""
    assert sim.receive(packet[2:], wall_time=2.005) == b"\xff"  # 5 ms: same packet


def test_a_serial_timeout_not_kept_is_a_setup_error() -> None:
    sim = SimController(VirtualClock())
    sim.max_serial_timeout_s = 0.3
    base = SimulatedBase(sim)
    try:
        with pytest.raises(BaseSetupError, match="kept serial timeout 0.3 s") as caught:
            base.set_serial_timeout(0.5)
        assert caught.value.code == "base-setup"
    finally:
        base.close()


def test_termios_error_from_a_vanished_usb_port_is_a_lost_port(
    sim_base: SimulatedBase, caplog: pytest.LogCaptureFixture
) -> None:
    # a real USB adapter pulled out makes tcflush fail with EIO (a pty does not): pyserial's
    # reset_input_buffer then raises termios.error, which is not an OSError
    def vanished() -> None:
        raise termios.error(5, "Input/output error")

    sim_base._port.reset_input_buffer = vanished
    sim_base.sim.reply_fault = "corrupt"  # a failed exchange makes the driver resync
    with pytest.raises(BaseLinkError) as caught:
        sim_base.read_state()
    assert caught.value.code == "base-port"
    assert not sim_base.connected
    assert "TECHNICIAN: robot base port" in caplog.text
    sim_base.sim.reply_fault = "none"
    sim_base.reopen_interval_s = 0.0
    assert sim_base.read_state().estop is False  # same path, reopened by itself
    assert sim_base.connected and sim_base.reconnects == 1


def test_write_timeout_is_not_a_dead_port(sim_base: SimulatedBase) -> None:
    port = sim_base._port
    real_write = port.write
    calls = {"n": 0}

    def slow_write(data: bytes) -> int | None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise serial.SerialTimeoutException("Write timeout")
        return real_write(data)  # type: ignore[no-any-return]

    port.write = slow_write
    sim_base.set_velocity(0.2, 0.0)  # the retry goes through
    assert calls["n"] == 2 and sim_base.connected and sim_base._port is port
    calls["n"] = 0
    with pytest.raises(BaseLinkError) as caught:
        sim_base.drive_distance(1.0, 1.0, 0.3)  # never retried
    assert caught.value.code == "base-write-timeout"
    assert sim_base.connected and sim_base.disconnects == 0
