"""The stop guard process (``?guard=1``) between the real driver and a simulated RoboClaw.

The simulator answers on its own pty (wall clock); the guard is the real
``python -m drivers.base.guard`` process; the driver talks to the guard's pty. Nothing
in this process polls the switches while the guard is tested alone: the stops come
from the guard.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from drivers.base import BaseError, open_base
from drivers.base import protocol as p
from drivers.base.clock import MonotonicClock
from drivers.base.roboclaw import RoboClawBase
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer
from tests.wait import wait_until_sync


# The simulator is a thread of this process at normal priority, not a microcontroller:
# on a loaded machine it can take tens of milliseconds to answer, so the driver waits
# up to 0.5 s (the guard half of it) instead of a real controller's 20 ms.
@pytest.fixture
def rig() -> Iterator[tuple[SimController, RoboClawBase]]:
    sim = SimController(MonotonicClock())
    server = SimPtyServer(sim)
    base = open_base(f"serial://{server.path}?guard=1&timeout=2&reply_timeout=0.5")
    assert isinstance(base, RoboClawBase) and base.guard is not None
    try:
        yield sim, base
    finally:
        base.close()
        server.close()


def _moving(sim: SimController) -> bool:
    return min(sim.wheel_speeds) > 0.25


@contextlib.contextmanager
def driving(base: RoboClawBase, speed: float = 0.3) -> Iterator[None]:
    """A control loop that sends ``speed`` every 50 ms and never reads the switches (nor
    judges a lidar sample)."""
    done = threading.Event()

    def loop() -> None:
        while not done.is_set():
            with contextlib.suppress(BaseError):
                base.set_velocity(speed, 0.0)
            done.wait(0.05)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def test_the_driver_talks_through_the_guard_as_to_the_controller(
    rig: tuple[SimController, RoboClawBase],
) -> None:
    sim, base = rig
    assert base.port_name == base.guard.path and base.port_name != ""
    assert sim.serial_timeout_s == 2.0  # set through the relay and read back
    state = base.read_state(battery=True)
    assert state.battery_v == pytest.approx(25.2, abs=0.1)
    base.set_velocity(0.3, 0.0)
    wait_until_sync(lambda: _moving(sim), 10.0)
    base.stop()
    wait_until_sync(lambda: sim.wheel_speeds == (0.0, 0.0), 10.0)
    assert base.guard.stops == []  # nothing pressed: the guard never intervened


def test_a_bumper_stops_the_wheels_with_nobody_polling_and_stays_latched(
    rig: tuple[SimController, RoboClawBase],
) -> None:
    sim, base = rig
    with driving(base):
        wait_until_sync(lambda: _moving(sim), 10.0)
        sim.bumper_front = True  # nobody here reads the status: only the guard does
        # (a stale-command stop may come first if this loaded machine stalls the loop)
        wait_until_sync(lambda: any(s["stop"] == "bumper" for s in base.guard.stops), 5.0)
        sim.bumper_front = False
        time.sleep(0.3)  # the control loop keeps asking for 0.3 m/s: refused
        assert sim.wheel_speeds == (0.0, 0.0)
        assert all(c[1:] == (0.0, 0.0) for c in sim.log.commands[-3:])
    base.set_velocity(0.3, 0.0)  # the daemon, unaware: refused, zero speed sent instead
    assert sim.log.commands[-1][1:] == (0.0, 0.0)
    # a press shorter than the daemon's poll is still seen: the bit stays in the status
    # (once read, the guard's next look at the released switch ends its latch)
    assert base.read_status() & p.STATUS_S4
    base.stop()  # the daemon has seen the stop; once the bumper is up, motion is obeyed
    wait_until_sync(lambda: not base.read_status() & p.STATUS_S4, 5.0)
    base.set_velocity(0.3, 0.0)
    wait_until_sync(lambda: _moving(sim), 10.0)


def test_the_emergency_stop_is_reported_as_such(
    rig: tuple[SimController, RoboClawBase],
) -> None:
    sim, base = rig
    with driving(base):
        wait_until_sync(lambda: _moving(sim), 10.0)
        sim.estop = True
        wait_until_sync(
            lambda: any(s["stop"] == "emergency-stop" for s in base.guard.stops), 5.0)


def test_a_daemon_that_goes_quiet_while_moving_is_stopped_by_the_guard(
    rig: tuple[SimController, RoboClawBase],
) -> None:
    sim, base = rig
    base.set_velocity(0.3, 0.0)  # and then nothing: a stalled event loop
    wait_until_sync(lambda: bool(base.guard.stops), 5.0)
    assert base.guard.stops[-1]["stop"] == "stale-command"
    assert sim.log.stops == [] or sim.log.stops[-1][1] != "serial-timeout"  # before 2 s
    assert sim.wheel_speeds == (0.0, 0.0) or sim.log.commands[-1][1:] == (0.0, 0.0)
    base.set_velocity(0.3, 0.0)  # the daemon is back: obeyed, as the controller would
    wait_until_sync(lambda: _moving(sim), 10.0)


def test_garbage_from_the_driver_side_is_dropped_and_the_next_packet_works(
    rig: tuple[SimController, RoboClawBase],
) -> None:
    sim, base = rig
    fd = os.open(base.guard.path, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, bytes((128, 0xEE, 1, 2, 3)))  # no such command
    finally:
        os.close(fd)
    base.set_velocity(0.3, 0.0)
    wait_until_sync(lambda: _moving(sim), 10.0)
    base.stop()


def test_a_dead_guard_stops_the_robot_and_is_started_again(
    rig: tuple[SimController, RoboClawBase],
) -> None:
    sim, base = rig
    base.set_velocity(0.3, 0.0)
    dead = base.guard.proc
    dead_pid = dead.pid
    os.kill(dead_pid, signal.SIGKILL)
    dead.wait(timeout=10)
    with pytest.raises(BaseError) as failed:
        for _ in range(20):
            base.read_status(retries=0)
    assert failed.value.code in ("base-port", "base-silent")
    # the new guard's first zero speed, or the controller's own serial timeout as the
    # last layer
    wait_until_sync(lambda: sim.wheel_speeds == (0.0, 0.0), 10.0)
    # and a new guard is started (by its keeper thread, or the driver's next reopen, as
    # after a replugged cable), under the same path

    def answers() -> bool:
        try:
            base.read_status(retries=0)
        except BaseError:
            return False
        return True

    wait_until_sync(answers, 20.0, interval_s=0.2)
    assert base.guard.restarts == 1 and base.guard.proc.pid != dead_pid and base.guard.alive
    assert base.port_name == base.guard.path
    assert base.guard.priority != "starting"


def test_a_port_that_cannot_be_opened_is_named() -> None:
    with pytest.raises(BaseError, match="/dev/no-such-base"):
        open_base("serial:///dev/no-such-base?guard=1")
