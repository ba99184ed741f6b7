"""The robot path through the whole daemon: ticket, follow me, arrive, return, dock.

The base is the RoboClaw simulator on a pseudo-terminal (real packet-serial bytes) with a
virtual clock, so the trip across the lobby takes simulated minutes but real seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from kiosk.daemon import KioskDaemon
from kiosk.events import EmergencyStop, Shutdown, Touch
from tests.wait import wait_until

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
            ("take_ticket", None, "choose_service"),
            ("service", "tu-phap", "choose_priority"),
            ("priority", "elderly", "ticket_ready"),
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
