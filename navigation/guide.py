"""Guiding a citizen to a counter, and driving back to the dock: the kiosk's entry point.

One control loop per trip, paced by the base's clock (virtual in fast simulations):
read the base through the safety supervisor, update odometry, check the path ahead for
people, steer with pure pursuit, send the clipped velocity. ``guide_to`` ends at the
counter (ARRIVED), when it gives up (GAVE_UP), on a latched safety stop (STOPPED_SAFETY),
when the battery is too low to start (LOW_BATTERY) or for an unknown pose (UNKNOWN_POSE).
After any result but STOPPED_SAFETY the kiosk calls ``return_to_dock()``; after a safety
stop a person must call ``reset_after_stop()`` first.

Announcements (code, params): ``follow-me`` {counter}, ``arrived`` {counter},
``make-way`` {}, ``gave-up`` {counter}, ``low-battery`` {counter}, ``returning`` {},
plus the supervisor's ``safety-stop`` {reason} and ``resume-warning`` {}.

Blocked path: people and objects come from the ``obstacles`` callable (points on the
map): by default, with a lidar, what its scans show that the map does not
(:class:`navigation.perception.LidarObstacles`). When one is on the path ahead the robot
stops; someone still there after ``make_way_after_s`` (standing, not walking past) is
asked to make way; every ``make_way_wait_s`` it tries a path around; after
``blocked_give_up_s`` still blocked it gives up politely. Someone *walking* towards the
way ahead is let past: the robot stops while going on would bring it too close to where
they will be (:class:`navigation.crossing.CrossingWatch`: the protective field alone
cannot stop in time for a walker who steps in beside the robot's front). The lidar also
feeds the supervisor's protective and warning fields (navigation.separation).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from drivers.base import Clock, RobotBase
from drivers.lidar import Lidar
from navigation.crossing import CrossingWatch
from navigation.errors import NoPathError, UnknownPoseError
from navigation.follower import Odometry, PurePursuit
from navigation.lobby import LobbyMap
from navigation.localise import Match, ScanMatcher
from navigation.perception import LidarObstacles
from navigation.planner import Planner, Point
from navigation.safety_thread import SafetyMonitor
from navigation.settings import NavigationSettings
from navigation.supervisor import Announce, SafetySupervisor, StopReason
from navigation.tracking import PoseTracker

_LOGGER = logging.getLogger(__name__)

#: in virtual time, a background scan match is applied this long after it started
#: (a few times what one takes: 26 ms median on the 2-core development machine), seconds
VIRTUAL_MATCH_S = 0.1


class GuideResult(enum.StrEnum):
    """How a trip ended."""

    ARRIVED = "arrived"
    GAVE_UP = "gave-up"
    STOPPED_SAFETY = "stopped-safety"
    LOW_BATTERY = "low-battery"
    UNKNOWN_POSE = "unknown-pose"


@dataclass(frozen=True)
class GuideStatus:
    """A snapshot for the kiosk's screens, logs and health endpoint."""

    #: idle, guiding, returning, blocked
    activity: str
    target: str | None
    pose: tuple[float, float, float]
    stop_reason: str | None
    needs_reset: bool
    battery_v: float | None
    low_battery: bool


class Guide:
    """Leads citizens to counters on one base in one lobby (see module docstring)."""

    def __init__(
        self,
        base: RobotBase,
        lobby: LobbyMap,
        settings: NavigationSettings,
        announce: Announce,
        *,
        obstacles: Callable[[], Sequence[Point]] | None = None,
        clock: Clock | None = None,
        start_pose: str = "dock",
        lidar: Lidar | None = None,
    ) -> None:
        self.base = base
        self.lobby = lobby
        self.settings = settings
        self.announce = announce
        self.clock = clock or base.clock
        self.lidar = lidar
        self.planner = Planner(
            lobby, inflation_m=settings.inflation_m, plan_cell_m=settings.plan_cell_m
        )
        self.supervisor = SafetySupervisor(base, lobby, settings, announce, self.clock)
        #: the safety thread, on a wall clock only (virtual time has no real latency)
        self.monitor: SafetyMonitor | None = None
        if self.clock.realtime:
            self.monitor = SafetyMonitor(
                self.supervisor,
                poll_hz=settings.safety_poll_hz,
                realtime=settings.safety_realtime,
            )
        start = lobby.pose(start_pose)
        self.odometry = Odometry(start.x, start.y, start.theta, base.track_m)
        if lidar is not None:
            self.supervisor.attach_lidar(lidar)
        if obstacles is None and lidar is not None:
            obstacles = LidarObstacles(lidar, lobby, lambda: self.odometry.pose)
        self.obstacles: Callable[[], Sequence[Point]] = obstacles or (lambda: ())
        #: follows the people who walk and says when to let one cross first
        self.crossing = CrossingWatch(settings)
        #: corrects odometry from still scans (None without a lidar)
        self.matcher = ScanMatcher(lobby) if lidar is not None else None
        #: every accepted or refused match at a stop: (clock time, where, match)
        self.matches: list[tuple[float, str, Match]] = []
        #: the running trip's background matcher (None between trips, without a lidar)
        self.tracker: PoseTracker | None = None
        self._activity = "idle"
        self._target: str | None = None
        self._trip_lock = asyncio.Lock()

    # --- the kiosk's API -----------------------------------------------------------

    @property
    def status(self) -> GuideStatus:
        """Where the robot is, what it does and whether it waits for a reset."""
        battery = self.supervisor.battery_v
        return GuideStatus(
            activity=self._activity,
            target=self._target,
            pose=self.odometry.pose,
            stop_reason=self.supervisor.stop_reason.value if self.supervisor.stop_reason else None,
            needs_reset=self.supervisor.tripped,
            battery_v=battery,
            low_battery=battery is not None and battery < self.settings.low_battery_v,
        )

    def route_to(self, pose: str, *, start: str | None = None) -> list[Point]:
        """The planned route from ``start`` (default: where the robot is) to ``pose``."""
        if start is not None:
            return self.planner.route_between(start, pose)
        goal = self.lobby.pose(pose)
        return self.planner.plan((self.odometry.x, self.odometry.y), (goal.x, goal.y))

    def emergency_stop(self) -> None:
        """Stop the base now and latch the stop until ``reset_after_stop``."""
        self.supervisor.trip(StopReason.SOFTWARE_STOP)

    def reset_after_stop(self) -> bool:
        """Clear a latched stop (refused while the e-stop or a bumper is still pressed)."""
        return self.supervisor.reset()

    async def guide_to(self, pose: str, *, slow: bool = False) -> GuideResult:
        """Lead a citizen to ``pose`` (a counter code, e.g. "Q3"); slower pace when ``slow``."""
        try:
            self.lobby.pose(pose)
        except UnknownPoseError as exc:
            _LOGGER.warning("guide_to: %s", exc)
            return GuideResult.UNKNOWN_POSE
        async with self._trip_lock:
            if self.supervisor.tripped:
                return GuideResult.STOPPED_SAFETY
            await self._prepare()
            if self.status.low_battery:
                self.announce("low-battery", {"counter": pose})
                return GuideResult.LOW_BATTERY
            pace = self.settings.slow_speed_mps if slow else self.settings.guide_speed_mps
            self.announce("follow-me", {"counter": pose})
            result = await self._trip(pose, pace, "guiding")
            if result is GuideResult.ARRIVED:
                self.announce("arrived", {"counter": pose})
            elif result is GuideResult.GAVE_UP:
                self.announce("gave-up", {"counter": pose})
            return result

    async def return_to_dock(self) -> GuideResult:
        """Drive back to the dock alone (also on a low battery)."""
        async with self._trip_lock:
            if self.supervisor.tripped:
                return GuideResult.STOPPED_SAFETY
            await self._prepare()
            self.announce("returning", {})
            result = await self._trip("dock", self.settings.return_speed_mps, "returning")
            if result is GuideResult.ARRIVED:
                await self.relocalise(where="dock", wide=True)  # the day's re-check
            return result

    # --- the trip ------------------------------------------------------------------

    def start_monitor(self) -> None:
        """Start the safety thread (idempotent; needs the running event loop)."""
        self.supervisor.bind_loop(asyncio.get_running_loop())
        if self.monitor is not None:
            self.monitor.start()

    def close(self) -> None:
        """Stop the safety thread (the base is closed by its owner)."""
        if self.monitor is not None:
            self.monitor.stop()

    async def _prepare(self) -> None:
        self.start_monitor()
        if self.lidar is not None and not self.lidar.connected:
            await asyncio.to_thread(self.lidar.wait_streaming, 2.0)
        if abs(self.base.serial_timeout_s - self.settings.serial_timeout_s) > 0.05:
            await asyncio.to_thread(self.base.set_serial_timeout, self.settings.serial_timeout_s)
        self.supervisor.request_battery()  # a fresh voltage before deciding to go
        state = await self.supervisor.read()
        if state is not None:
            self.odometry.update(state)
        await self.relocalise(where=self._target or "start")

    async def relocalise(self, *, where: str, wide: bool = False) -> Match | None:
        """Standing still, match a fresh scan to the map and correct odometry by it.

        Waits for the wheels to stand still and for a revolution taken entirely after
        that (at most 2 s), so the scan has no motion blur. None without a lidar or a scan.
        """
        lidar, matcher = self.lidar, self.matcher
        if lidar is None or matcher is None or not lidar.connected or self.supervisor.tripped:
            return None
        tick = 1.0 / self.settings.control_hz
        deadline = self.clock.now() + 2.0
        last: tuple[float, float] | None = None
        still_at_rev: int | None = None
        while self.clock.now() < deadline:
            state = await self.supervisor.read()
            if state is not None:
                self.odometry.update(state)
                wheels = (state.left_m, state.right_m)
                if wheels != last:
                    still_at_rev = None
                elif still_at_rev is None:
                    still_at_rev = lidar.stats.revolutions
                last = wheels
            if still_at_rev is not None and lidar.stats.revolutions >= still_at_rev + 2:
                break
            await self.clock.sleep(tick)
        scan = lidar.latest_scan()
        if still_at_rev is None or scan is None:
            _LOGGER.info("localisation at %s skipped: the robot did not stand still", where)
            return None
        prior = self.odometry.pose
        window = (0.5, 8.0) if wide else (0.3, 6.0)
        match = await asyncio.to_thread(
            matcher.match, scan, prior, window_m=window[0], window_deg=window[1]
        )
        self.matches.append((self.clock.now(), where, match))
        if match.accepted:
            self.odometry.x, self.odometry.y, self.odometry.theta = match.pose
            _LOGGER.info(
                "localised at %s: odometry was %.3f m and %.1f deg off (fit %.2f)",
                where, match.shift_m, math.degrees(match.turn_rad), match.score,
            )  # fmt: skip
        else:
            _LOGGER.warning(
                "localisation at %s refused (fit %.2f, shift %.2f m): odometry kept",
                where, match.score, match.shift_m,
            )  # fmt: skip
        return match

    def _plan(self, goal: Point, obstacles: Sequence[Point] = ()) -> PurePursuit:
        path = self.planner.plan(
            (self.odometry.x, self.odometry.y), goal,
            obstacles=obstacles, obstacle_radius_m=self.settings.obstacle_radius_m,
        )  # fmt: skip
        _LOGGER.info("path to (%.2f, %.2f): %d points", goal[0], goal[1], len(path))
        return PurePursuit(
            path,
            lookahead_m=self.settings.lookahead_m,
            tolerance_m=self.settings.arrival_tolerance_m,
            max_angular_radps=self.settings.max_angular_radps,
        )

    def _blocking(self, pursuit: PurePursuit) -> list[Point]:
        points = list(self.obstacles())
        if not points:
            return []
        ahead = pursuit.ahead(self.odometry.x, self.odometry.y, self.settings.obstacle_check_m)
        clearance = self.settings.inflation_m + self.settings.obstacle_radius_m
        return [
            (ox, oy) for ox, oy in points
            if any(math.hypot(ox - px, oy - py) < clearance for px, py in ahead)
        ]  # fmt: skip

    async def _trip(self, name: str, pace: float, activity: str) -> GuideResult:
        target = self.lobby.pose(name)
        goal = (target.x, target.y)
        self._activity, self._target = activity, name
        self.tracker = None
        if self.matcher is not None and self.lidar is not None:
            # in virtual time the worker's wall time means nothing: apply a match a fixed
            # time after it started, so a simulated trip runs the same way every time
            apply_after = None if self.clock.realtime else VIRTUAL_MATCH_S
            self.tracker = PoseTracker(
                self.matcher, self.lidar, self.odometry, apply_after_s=apply_after
            )
        try:
            return await self._drive(goal, pace, activity)
        finally:
            self._activity, self._target = "idle", None
            if not self.supervisor.tripped:
                await self.supervisor.drive(0.0, 0.0, self.odometry.pose, pace)
            if self.tracker is not None:
                await self.tracker.close()

    async def _drive(self, goal: Point, pace: float, activity: str) -> GuideResult:
        try:
            pursuit = self._plan(goal)
        except NoPathError as exc:
            _LOGGER.warning("no path: %s", exc)
            return GuideResult.GAVE_UP
        tick = 1.0 / self.settings.control_hz
        started = self.clock.now()
        blocked_since: float | None = None
        last_ask = -math.inf
        while True:
            state = await self.supervisor.read()
            if self.supervisor.tripped:
                return GuideResult.STOPPED_SAFETY
            if state is not None:
                self.odometry.update(state)
            now = self.clock.now()
            x, y, theta = self.odometry.pose
            if pursuit.arrived(x, y):
                return GuideResult.ARRIVED
            if now - started > self.settings.goal_timeout_s:
                _LOGGER.warning("trip took longer than %.0f s", self.settings.goal_timeout_s)
                return GuideResult.GAVE_UP
            linear, angular = pursuit.command(x, y, theta, pace)
            self.crossing.update(now, self.obstacles())
            blockers = self._blocking(pursuit)
            if blockers:
                linear = angular = 0.0
                if blocked_since is None:
                    blocked_since = now
                    _LOGGER.info("path blocked at (%.2f, %.2f)", *blockers[0])
                if now - blocked_since >= self.settings.blocked_give_up_s:
                    await self.supervisor.drive(0.0, 0.0, (x, y, theta), pace)
                    return GuideResult.GAVE_UP
                self._activity = "blocked"
                standing = now - blocked_since >= self.settings.make_way_after_s
                if standing and now - last_ask >= self.settings.make_way_wait_s:
                    way_around = False
                    if last_ask > -math.inf:
                        try:
                            pursuit = self._plan(goal, list(self.obstacles()))
                            way_around = not self._blocking(pursuit)
                        except NoPathError:
                            _LOGGER.info("no way around yet")
                    if not way_around:
                        self.announce("make-way", {})
                    last_ask = now
            else:
                blocked_since = None
                self._activity = activity
                ahead = pursuit.ahead(x, y, self.settings.obstacle_check_m)
                if linear > 0 and self.crossing.conflict(now, ahead, linear):
                    linear = angular = 0.0  # someone walks across the way: let them pass
            if self.tracker is not None:
                self.tracker.step(now, linear, angular)
            await self.supervisor.drive(linear, angular, (x, y, theta), pace)
            await self.clock.sleep(tick)
