"""Guiding in the simulator, through the real driver and the pty bytes, in virtual time."""

from __future__ import annotations

import asyncio
import bisect
import math
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from drivers.base.sim_pty import SimulatedBase
from navigation.guide import GuideResult
from navigation.lobby import LobbyMap
from navigation.settings import NavigationSettings
from tests.wait import wait_until


async def until(condition: Callable[[], bool], wall_limit_s: float = 60.0) -> None:
    """Let the event loop run until ``condition`` holds (fails if it never does)."""
    await wait_until(condition, wall_limit_s, interval_s=0.002)


def near(sim_base: SimulatedBase, lobby: LobbyMap, name: str, tolerance: float) -> bool:
    x, y, _ = sim_base.sim.pose
    pose = lobby.pose(name)
    return math.hypot(pose.x - x, pose.y - y) <= tolerance


async def test_reach_every_counter_and_return_to_dock(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap, said: Any
) -> None:
    guide = make_guide()
    settings: NavigationSettings = guide.settings
    for i in range(1, 13):
        assert await guide.guide_to(f"Q{i}") is GuideResult.ARRIVED
        # the simulator's true pose, not only odometry, is at the counter
        assert near(sim_base, lobby, f"Q{i}", settings.arrival_tolerance_m + 0.05)
    assert await guide.return_to_dock() is GuideResult.ARRIVED
    assert near(sim_base, lobby, "dock", settings.arrival_tolerance_m + 0.05)
    arrived = [params["counter"] for _, code, params in said if code == "arrived"]
    assert arrived == [f"Q{i}" for i in range(1, 13)]
    assert said.codes().count("follow-me") == 12 and said.codes()[-1] == "returning"

    # speed limits held all the way: simulated wheels and commanded wheels
    log = sim_base.sim.log
    fastest_wheel = max(max(abs(w.left_mps), abs(w.right_mps)) for w in log.wheels)
    assert fastest_wheel <= settings.return_speed_mps + 1e-3
    assert (
        max(max(abs(left), abs(right)) for _, left, right in log.commands) <= settings.max_speed_mps
    )
    guiding_end = next(t for t, code, _ in said if code == "returning")
    assert all(
        max(abs(w.left_mps), abs(w.right_mps)) <= settings.guide_speed_mps + 1e-3
        for w in log.wheels
        if w.t < guiding_end
    )
    # while any part of the robot (its footprint, not only its centre) was inside a speed
    # zone, no wheel was commanded or turned faster than the zone allows
    times = [w.t for w in log.wheels]
    in_zone = 0
    for t, left, right in log.commands:
        index = bisect.bisect_left(times, t)
        if index == len(times) or abs(times[index] - t) > 0.01:
            continue  # standing still: the robot is at no particular place in a zone
        where = log.wheels[index]
        zone = lobby.speed_limit_over(where.x, where.y, settings.robot_radius_m)
        if zone is not None:
            in_zone += 1
            assert max(abs(left), abs(right)) <= zone + 1e-3
    assert in_zone > 20  # the entrance zone around the dock was crossed many times
    for w in log.wheels:
        zone = lobby.speed_limit_over(w.x, w.y, settings.robot_radius_m)
        if zone is not None:
            assert max(abs(w.left_mps), abs(w.right_mps)) <= zone + 1e-3, w


async def test_slow_mode_keeps_a_slower_pace(make_guide: Any, sim_base: SimulatedBase) -> None:
    guide = make_guide()
    assert await guide.guide_to("Q12", slow=True) is GuideResult.ARRIVED
    fastest = max(max(abs(w.left_mps), abs(w.right_mps)) for w in sim_base.sim.log.wheels)
    assert guide.settings.slow_speed_mps - 0.05 <= fastest <= guide.settings.slow_speed_mps + 1e-3


async def test_bumper_stops_and_stays_stopped_until_reset(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap, said: Any
) -> None:
    guide = make_guide()
    trip = asyncio.create_task(guide.guide_to("Q1"))
    await until(lambda: not near(sim_base, lobby, "dock", 2.0))
    sim_base.sim.bumper_front = True
    assert await trip is GuideResult.STOPPED_SAFETY
    assert ("safety-stop", {"reason": "bumper"}) in [(c, p) for _, c, p in said]
    assert sim_base.sim.log.commands[-1][1:] == (0.0, 0.0)
    sim_base.clock.advance(1.0)  # type: ignore[attr-defined]
    assert sim_base.sim.wheel_speeds == (0.0, 0.0)
    where = sim_base.sim.pose

    assert guide.reset_after_stop() is False  # still pressed
    sim_base.sim.bumper_front = False
    assert await guide.guide_to("Q1") is GuideResult.STOPPED_SAFETY  # released, not reset
    assert await guide.return_to_dock() is GuideResult.STOPPED_SAFETY
    sim_base.clock.advance(1.0)  # type: ignore[attr-defined]
    assert sim_base.sim.pose == where
    assert guide.status.needs_reset and guide.status.stop_reason == "bumper"

    await guide.supervisor.read()
    assert guide.reset_after_stop() is True
    assert await guide.guide_to("Q1") is GuideResult.ARRIVED


async def test_emergency_stops_hardware_and_software(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap
) -> None:
    guide = make_guide()
    trip = asyncio.create_task(guide.guide_to("Q3"))
    await until(lambda: not near(sim_base, lobby, "dock", 1.0))
    sim_base.sim.estop = True
    assert await trip is GuideResult.STOPPED_SAFETY
    assert guide.status.stop_reason == "emergency-stop"
    assert guide.reset_after_stop() is False
    sim_base.sim.estop = False
    await guide.supervisor.read()
    assert guide.reset_after_stop() is True

    trip = asyncio.create_task(guide.guide_to("Q3"))
    await until(lambda: guide.status.activity == "guiding" and max(sim_base.sim.wheel_speeds) > 0.2)
    guide.emergency_stop()
    assert sim_base.sim.log.commands[-1][1:] == (0.0, 0.0)  # sent at once, from the caller
    assert await trip is GuideResult.STOPPED_SAFETY
    assert guide.status.stop_reason == "software-stop"


async def test_silent_link_stops_the_trip(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap
) -> None:
    guide = make_guide()
    trip = asyncio.create_task(guide.guide_to("Q6"))
    await until(lambda: not near(sim_base, lobby, "dock", 1.0))
    sim_base.sim.reply_fault = "silent"
    assert await trip is GuideResult.STOPPED_SAFETY
    # whichever comes first: three failed exchanges, or odometry about to go stale
    assert guide.status.stop_reason in ("link-lost", "stale-odometry")
    # the controller's own serial timeout stops the wheels we could no longer reach
    sim_base.clock.advance(1.5)  # type: ignore[attr-defined]
    assert sim_base.sim.wheel_speeds == (0.0, 0.0)
    sim_base.sim.reply_fault = "none"
    assert guide.reset_after_stop() is True
    assert await guide.guide_to("Q6") is GuideResult.ARRIVED


async def test_blocked_asks_to_make_way_then_goes_around(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap, said: Any
) -> None:
    dock, goal = lobby.pose("dock"), lobby.pose("Q12")
    person = ((dock.x + goal.x) / 2, (dock.y + goal.y) / 2)
    guide = make_guide(obstacles=lambda: [person])
    assert await guide.guide_to("Q12") is GuideResult.ARRIVED
    assert "make-way" in said.codes()
    closest = min(math.hypot(w.x - person[0], w.y - person[1]) for w in sim_base.sim.log.wheels)
    assert closest >= guide.settings.obstacle_radius_m + guide.settings.robot_radius_m


async def test_blocked_for_too_long_gives_up_politely(
    make_guide: Any, sim_base: SimulatedBase, said: Any
) -> None:
    crowd = [(x / 2, 6.0) for x in range(0, 81)]
    guide = make_guide(obstacles=lambda: crowd, blocked_give_up_s=12.0)
    assert await guide.guide_to("Q5") is GuideResult.GAVE_UP
    codes = said.codes()
    assert codes.count("make-way") >= 3 and codes[-1] == "gave-up"
    first_ask = next(t for t, code, _ in said if code == "make-way")
    # the first ask comes once they have stood there make_way_after_s; the robot gives up
    # blocked_give_up_s after it was first blocked
    assert said[-1][0] - first_ask >= 12.0 - guide.settings.make_way_after_s - 1e-6
    assert max(y for w in sim_base.sim.log.wheels for y in [w.y]) < 6.0 - 0.6
    assert await guide.return_to_dock() is GuideResult.ARRIVED


async def test_low_battery_hands_over_and_docks(
    make_guide: Any, sim_base: SimulatedBase, said: Any
) -> None:
    sim_base.sim.battery_v = 21.0
    guide = make_guide()
    assert await guide.guide_to("Q2") is GuideResult.LOW_BATTERY
    assert said.codes() == ["low-battery"]
    assert all(left == right == 0.0 for _, left, right in sim_base.sim.log.commands)
    assert guide.status.low_battery
    assert await guide.return_to_dock() is GuideResult.ARRIVED


async def test_unknown_pose(make_guide: Any) -> None:
    guide = make_guide()
    assert await guide.guide_to("Q99") is GuideResult.UNKNOWN_POSE


async def test_warning_before_moving_after_a_long_stop(
    make_guide: Any, sim_base: SimulatedBase, said: Any
) -> None:
    guide = make_guide()
    assert await guide.guide_to("Q12") is GuideResult.ARRIVED
    warned = [t for t, code, _ in said if code == "resume-warning"]
    moving = [t for t, left, right in sim_base.sim.log.commands if left or right]
    assert len(warned) == 1 and moving[0] - warned[0] >= 2.0
    # a short stop at the counter: no new warning
    assert await guide.return_to_dock() is GuideResult.ARRIVED
    assert said.codes().count("resume-warning") == 1
    # a long stop: warned again
    await sim_base.clock.sleep(11.0)  # type: ignore[attr-defined]
    assert await guide.guide_to("Q11") is GuideResult.ARRIVED
    assert said.codes().count("resume-warning") == 2


def test_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="slow_speed_mps must be below"):
        NavigationSettings(slow_speed_mps=0.6, guide_speed_mps=0.5)
    with pytest.raises(ValidationError, match="guide_speed_mps"):
        NavigationSettings(guide_speed_mps=0.9)
    with pytest.raises(ValidationError, match="Extra inputs"):
        NavigationSettings(turbo=True)  # type: ignore[call-arg]


async def test_cancelled_trip_leaves_the_base_stopped(
    make_guide: Any, sim_base: SimulatedBase, lobby: LobbyMap
) -> None:
    guide = make_guide()
    trip = asyncio.create_task(guide.guide_to("Q4"))
    await until(lambda: not near(sim_base, lobby, "dock", 1.0))
    trip.cancel()
    with pytest.raises(asyncio.CancelledError):
        await trip
    assert sim_base.sim.log.commands[-1][1:] == (0.0, 0.0)
    assert guide.status.activity == "idle" and not guide.status.needs_reset
