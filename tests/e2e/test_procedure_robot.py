"""Issue 8 on a robot: the procedure's answer screen offers to lead the citizen to the
counter that takes its dossiers (the RoboClaw simulator on a pseudo-terminal, virtual
clock), and a kiosk without a base shows that counter on the lobby map instead."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch
from tests.wait import wait_until

KioskFactory = Callable[..., KioskDaemon]  # the make_kiosk fixture (tests/e2e/conftest.py)

AT_THE_DOCK = "sim://?clock=virtual&x=20&y=1.5&theta=1.5708"
PROCEDURE = "khai-sinh"  # birth registration: the justice counters


async def _until(daemon: KioskDaemon, state: str, timeout_s: float = 120) -> None:
    await wait_until(
        lambda: daemon.flow.current_state_id == state,
        timeout_s,
        lambda: f"stuck in {daemon.flow.current_state_id}, wanted {state}",
    )


async def _open_answer(daemon: KioskDaemon) -> None:
    for target, value, state in [
        ("start", None, "menu"),
        ("ask_procedure", None, "procedure_info"),
        ("proc_pick", PROCEDURE, "procedure_info"),
    ]:
        daemon.post(Touch(target, value))
        await _until(daemon, state)
    await wait_until(lambda: daemon.flow.visit.proc_code == PROCEDURE, 30)


async def test_the_robot_leads_the_way_to_the_procedures_counter(
    make_kiosk: KioskFactory,
) -> None:
    robot = make_kiosk(**{"devices.base": AT_THE_DOCK, "features.procedure_info": True})
    desk = robot.procedures
    assert desk is not None and robot.robot is not None
    serving = asyncio.ensure_future(robot.run())
    try:
        await _open_answer(robot)
        codes, _ = desk.counters_of(PROCEDURE)
        assert codes, "the sim centre names the justice counters"
        targets: list[str | None] = []
        assert robot.screen.tap("guide_me")  # the real "follow me" button of the answer
        await _until(robot, "guiding")
        while robot.flow.current_state_id == "guiding":
            targets.append(robot.robot.guide.status.target)
            await asyncio.sleep(0.01)
        await _until(robot, "idle")
        assert codes[0] in targets  # led to the counter of the procedure's field
        transitions = [r["transition"] for r in robot.transcript if r["outcome"] == "handled"]
        assert transitions[-3:] == ["guide_me", "arrived", "docked"]
        assert not robot.issued  # no ticket was needed for the trip
    finally:
        robot.post(Shutdown())
        await serving


async def test_a_robot_that_cannot_go_shows_the_counter_on_the_map(
    make_kiosk: KioskFactory,
) -> None:
    robot = make_kiosk(
        **{"devices.base": AT_THE_DOCK + "&battery=21.0", "features.procedure_info": True}
    )
    serving = asyncio.ensure_future(robot.run())
    try:
        await _open_answer(robot)
        robot.post(Touch("guide_me"))
        await wait_until(
            lambda: robot.flow.visit.show_way, 60, lambda: f"last: {list(robot.transcript)[-3:]}"
        )
        # back on the answer, not a ticket screen without a ticket; no second offer
        assert robot.flow.current_state_id == "procedure_info"
        assert robot.flow.visit.proc_code == PROCEDURE
        assert robot.screen.target_centre("guide_me") is None
        panel = robot.screen.model.procedure if robot.screen.model else None
        assert panel is not None and panel.detail is not None and panel.detail.route_png
    finally:
        robot.post(Shutdown())
        await serving


async def test_a_kiosk_without_a_base_offers_no_trip(make_kiosk: KioskFactory) -> None:
    kiosk = make_kiosk(**{"devices.base": "none://", "features.procedure_info": True})
    serving = asyncio.ensure_future(kiosk.run())
    try:
        await _open_answer(kiosk)
        assert kiosk.screen.target_centre("guide_me") is None
        panel = kiosk.screen.model.procedure if kiosk.screen.model else None
        assert panel is not None and panel.detail is not None
        assert panel.detail.route_png is not None  # the counter on the lobby map
        kiosk.post(Touch("guide_me"))  # a stale touch changes nothing
        await asyncio.sleep(0.2)
        assert kiosk.flow.current_state_id == "procedure_info"
    finally:
        kiosk.post(Shutdown())
        await serving
