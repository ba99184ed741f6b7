"""Killing the process that drives the base stops the motors within the serial timeout."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from drivers.base.clock import MonotonicClock
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer
from tests.wait import wait_until_sync

ROOT = Path(__file__).resolve().parents[2]

DRIVER = """
import sys, time
from drivers.base import open_base
base = open_base(sys.argv[1])
print("ready", flush=True)
while True:
    base.set_velocity(0.3, 0.0)
    time.sleep(0.05)
"""


def test_kill_9_of_the_driving_process_stops_the_motors() -> None:
    sim = SimController(MonotonicClock())
    server = SimPtyServer(sim)
    child = subprocess.Popen(
        [sys.executable, "-c", DRIVER, f"serial://{server.path}?timeout=0.5&reply_timeout=0.1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 20.0)
        assert ready and child.stdout.readline().strip() == b"ready"
        assert sim.serial_timeout_s == 0.5  # set by the child at start and read back
        wait_until_sync(lambda: min(sim.wheel_speeds) > 0.25, 10.0)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        last_command = sim.log.commands[-1][0]
        wait_until_sync(lambda: sim.wheel_speeds == (0.0, 0.0), 10.0)
        # the controller, not the dead process, stopped the motors, at the timeout
        assert sim.log.stops[-1][1] == "serial-timeout"
        assert sim.log.stops[-1][0] - last_command <= 0.5 + sim.step_s
        assert sim.log.commands[-1][1:] == (0.3, 0.3)  # no stop command was ever sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        server.close()


OPENER = """
import sys, time
from drivers.base import open_base
base = open_base(sys.argv[1])
print("opened", flush=True)
time.sleep(30)
"""


def test_a_new_process_opening_a_moving_base_stops_it_first() -> None:
    # the simulator resumes the last speed on any valid packet after a timeout stop (the
    # worst firmware); a process that only opens the base must not set the wheels going
    sim = SimController(MonotonicClock())
    server = SimPtyServer(sim)
    url = f"serial://{server.path}?timeout=0.5&reply_timeout=0.1"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children: list[subprocess.Popen[bytes]] = []
    try:
        for script, word in ((DRIVER, b"ready"), (OPENER, b"opened")):
            child = subprocess.Popen(
                [sys.executable, "-c", script, url], cwd=ROOT, stdout=subprocess.PIPE, env=env
            )
            children.append(child)
            assert child.stdout is not None
            ready, _, _ = select.select([child.stdout], [], [], 20.0)
            assert ready and child.stdout.readline().strip() == word
            if script is DRIVER:
                wait_until_sync(lambda: min(sim.wheel_speeds) > 0.25, 10.0)
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=10)
                wait_until_sync(lambda: sim.wheel_speeds == (0.0, 0.0), 10.0)
                stopped_at = sim.log.stops[-1][0]
        time.sleep(1.0)  # the opener sits idle: nothing it sent may move the robot
        assert sim.wheel_speeds == (0.0, 0.0)
        assert all(w.left_mps <= 0.3 and w.right_mps <= 0.3 for w in sim.log.wheels)
        moved_after = [w for w in sim.log.wheels if w.t > stopped_at + 0.3]
        assert moved_after == [], moved_after[:3]
        opener_packets = [c for c in sim.log.commands if c[0] > stopped_at]
        assert opener_packets[0][1:] == (0.0, 0.0)  # zero speed was its first command
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=10)
        server.close()
