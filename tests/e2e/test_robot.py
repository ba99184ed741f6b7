"""The robot path through the whole daemon: ticket, follow me, arrive, return, dock.

The base is the RoboClaw simulator on a pseudo-terminal (real packet-serial bytes) with a
virtual clock, so the trip across the lobby takes simulated minutes but real seconds.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.daemon import KioskDaemon
from kiosk.events import EmergencyStop, Shutdown, Touch
from tests.wait import wait_until

ROOT = Path(__file__).resolve().parents[2]
KioskFactory = Callable[..., KioskDaemon]  # the make_kiosk fixture (tests/e2e/conftest.py)


async def _until(daemon: KioskDaemon, state: str, timeout_s: float = 120) -> None:
    await wait_until(lambda: daemon.flow.current_state_id == state, timeout_s,
                     lambda: f"stuck in {daemon.flow.current_state_id}, wanted {state}")


AT_THE_DOCK = "sim://?clock=virtual&x=20&y=1.5&theta=1.5708"


@pytest.fixture
def robot(make_kiosk: KioskFactory) -> KioskDaemon:
    return make_kiosk(**{"devices.base": AT_THE_DOCK})


async def test_follow_me_to_the_counter_and_back_to_the_dock(robot: KioskDaemon) -> None:
    serving = asyncio.ensure_future(robot.run())
    try:
        for target, value, state in [
            ("start", None, "menu"),
            ("ask_priority", None, "choose_priority"),
            ("priority", "elderly", "menu"),
            ("service", "tu-phap", "ticket_ready"),
        ]:
            robot.post(Touch(target, value))
            await _until(robot, state)
        assert robot.issued[-1].counter_codes[0] == "Q1"
        robot.screen.tap("guide_me")  # the real button on the ticket screen
        await _until(robot, "idle")
        transitions = [r["transition"] for r in robot.transcript if r["outcome"] == "handled"]
        assert transitions[-3:] == ["guide_me", "arrived", "docked"]
        assert robot.robot is not None
        pose = robot.robot.base.sim.pose  # type: ignore[attr-defined]
        dock = robot.robot.lobby.pose("dock")
        assert abs(pose[0] - dock.x) < 0.3 and abs(pose[1] - dock.y) < 0.3
    finally:
        robot.post(Shutdown())
        await serving


async def test_emergency_stop_latches_until_staff_reset(robot: KioskDaemon) -> None:
    serving = asyncio.ensure_future(robot.run())
    try:
        robot.post(Touch("service", "dat-dai"))  # voice/touch shortcut from idle
        await _until(robot, "ticket_ready")
        robot.post(Touch("guide_me"))
        await _until(robot, "guiding")
        robot.post(EmergencyStop("e-stop button"))
        await _until(robot, "safe_stop")
        assert robot.robot is not None and robot.robot.guide.status.needs_reset
        handled = robot.counters.transitions
        robot.post(Touch("done"))  # nothing a citizen touches restarts the robot
        await wait_until(lambda: robot.counters.transitions > handled, 10)
        assert robot.transcript[-1]["outcome"] == "ignored"
        assert robot.flow.current_state_id == "safe_stop"
        robot.post(Touch("staff_reset"))
        await _until(robot, "idle")
    finally:
        robot.post(Shutdown())
        await serving


async def test_low_battery_shows_the_way_on_screen_and_drives_home(
    make_kiosk: KioskFactory,
) -> None:
    robot = make_kiosk(**{"devices.base": AT_THE_DOCK + "&battery=21.0"})
    serving = asyncio.ensure_future(robot.run())
    try:
        robot.post(Touch("service", "dat-dai"))
        await _until(robot, "ticket_ready")
        assert robot.screen.target_centre("guide_me") is not None
        robot.post(Touch("guide_me"))
        # guiding is left at once: wait for the outcome, not the state
        await wait_until(lambda: robot.flow.visit.show_way, 60,
                         lambda: f"last: {list(robot.transcript)[-3:]}")
        assert robot.flow.current_state_id == "ticket_ready"  # the screen shows the way
        assert robot.screen.target_centre("guide_me") is None  # no second "follow me"
        model = robot.screen_model("ticket_ready", robot.flow.visit)
        assert model.ticket is not None and model.ticket.route_png  # the lobby map with the way
        transitions = [r["transition"] for r in robot.transcript if r["outcome"] == "handled"]
        assert transitions[-2:] == ["guide_me", "could_not_guide"]
    finally:
        robot.post(Shutdown())
        await serving


async def test_a_pulled_base_cable_stops_tells_and_comes_back(robot: KioskDaemon) -> None:
    serving = asyncio.ensure_future(robot.run())
    try:
        assert robot.robot is not None
        base = robot.robot.base
        robot.post(Touch("service", "dat-dai"))
        await _until(robot, "ticket_ready")
        robot.post(Touch("guide_me"))
        await _until(robot, "guiding")
        while max(base.sim.wheel_speeds) < 0.2:  # type: ignore[attr-defined]
            await asyncio.sleep(0.005)
        base.server.unplug()  # type: ignore[attr-defined]
        await _until(robot, "safe_stop")  # the flow was told
        health = robot.health_snapshot()
        assert health["robot"]["connected"] is False and "robot" in health["faults"]
        assert health["robot"]["stop_reason"] == "link-lost"
        robot.post(Touch("staff_reset"))  # refused: nothing to reset against
        await asyncio.sleep(0.3)
        assert robot.flow.current_state_id == "safe_stop"
        base.server.replug()  # type: ignore[attr-defined]
        await asyncio.sleep(0.6)  # the driver retries the port every 0.5 s
        robot.post(Touch("staff_reset"))
        await _until(robot, "idle")  # reset, back to the dock, ready again
        health = robot.health_snapshot()
        assert health["robot"]["connected"] and health["robot"]["reconnects"] == 1
        assert "robot" not in health["faults"]
    finally:
        robot.post(Shutdown())
        await serving


async def test_the_stop_guard_between_daemon_and_controller(make_kiosk: KioskFactory) -> None:
    """A robot configured as in the field (``guard=1``): the daemon drives the simulated
    controller (``kiosk sim base --realtime``: its own process and wall clock, as a
    microcontroller) through the stop guard process; a bumper mid-trip ends in safe_stop,
    health shows the guard, and the staff reset and the trip home work through it. The
    odometry deadline is relaxed to 1 s: the test machine may be loaded far beyond a robot."""
    sim = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "sim", "base", "--realtime", "--x=20", "--y=1.5",
         "--theta=1.5708"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert sim.stdin is not None and sim.stdout is not None

    def ask(line: str) -> Any:
        assert sim.stdin is not None and sim.stdout is not None
        sim.stdin.write(line + "\n")
        sim.stdin.flush()
        answer = sim.stdout.readline().strip()
        return answer if answer == "ok" else json.loads(answer)

    path = sim.stdout.readline().strip()
    robot = make_kiosk(**{"devices.base": f"serial://{path}?guard=1&reply_timeout=0.5&timeout=2",
                          "navigation.stale_odometry_s": 1.0,
                          "navigation.serial_timeout_s": 2.0})
    serving = asyncio.ensure_future(robot.run())
    try:
        health = robot.health_snapshot()["robot"]
        assert health["stop_guard"]["running"] and health["stop_guard"]["stops"] == 0
        robot.post(Touch("service", "dat-dai"))
        await _until(robot, "ticket_ready")
        robot.post(Touch("guide_me"))
        await _until(robot, "guiding")

        async def speed() -> float:
            state = await asyncio.to_thread(ask, "state")
            return max(abs(state["left"]), abs(state["right"]))

        deadline = asyncio.get_running_loop().time() + 60
        while await speed() < 0.2:
            assert asyncio.get_running_loop().time() < deadline, "the robot never moved"
            await asyncio.sleep(0.05)
        await asyncio.to_thread(ask, "press bumper_front")
        await _until(robot, "safe_stop")
        assert robot.health_snapshot()["robot"]["stop_reason"] == "bumper"
        assert (await asyncio.to_thread(ask, "latency"))["stop_ms"] is not None
        await asyncio.to_thread(ask, "release bumper_front")
        await asyncio.sleep(0.3)  # the guard's next poll sees the bumper up
        robot.post(Touch("staff_reset"))
        await _until(robot, "idle")  # reset, then the trip home through the guard
        assert robot.health_snapshot()["robot"]["stop_guard"]["running"]
    finally:
        robot.post(Shutdown())
        await serving
        sim.terminate()
        sim.wait(timeout=10)
