"""The motion safety supervisor: the only path from navigation to the motors.

It stops the base at once on an emergency stop (S3), a bumper (S4/S5), a lost port, a
silent or garbled serial link, or odometry that has gone stale. These stops latch:
nothing moves again until :meth:`SafetySupervisor.reset` is called by a person (ISO 3691-4
practice: no automatic restart after an emergency stop, a bumper hit or power loss). The
controller latches its own e-stop too, so a press shorter than one poll is still seen;
``reset`` clears it on the controller (command 200) once the button is released. Every
velocity passes through :meth:`SafetySupervisor.drive`, which clips it to the global
limit, the speed zones the robot's footprint touches here and a braking distance ahead,
and the slow mode, for both wheels. After a stop longer than ``long_stop_s`` it announces
``resume-warning`` and holds still for ``resume_warning_s`` before the first motion.

Two watchers feed the stops:

- the control loop's :meth:`SafetySupervisor.read` (encoders, status, battery), each tick;
- on a wall clock, :class:`navigation.safety_thread.SafetyMonitor`, a thread (real-time
  priority when the system allows) that polls only the status word at ``safety_poll_hz``
  and sends the stop itself, without waiting for the event loop (the stop-latency path).

- with a lidar (:meth:`SafetySupervisor.attach_lidar`), the lidar's reader thread, through
  :class:`navigation.separation.SeparationMonitor`: something in the protective field
  stops the robot at once (held, not latched, until the field stays clear); the warning
  field and the room ahead cap the speed; a lidar silent for ``lidar_stale_s`` while
  moving latches ``lidar-lost`` (the robot never moves blind).

Stale odometry is enforced ahead of time: while the robot is commanded to move, once the
next exchange could no longer finish before ``last good reading + stale_odometry_s``, the
stop goes out (so the stop is on the wire within the bound, not after it).

Announcements are codes with parameters (``safety-stop`` {"reason": ...},
``resume-warning`` {}); the kiosk turns them into speech and screen text.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import threading
from collections.abc import Callable
from typing import Any

from drivers.base import BaseError, BaseState, Clock, RobotBase
from drivers.lidar import Lidar
from navigation.lobby import LobbyMap
from navigation.separation import SeparationMonitor
from navigation.settings import NavigationSettings

_LOGGER = logging.getLogger(__name__)

Announce = Callable[[str, dict[str, Any]], None]


class StopReason(enum.StrEnum):
    """Why the supervisor stopped the base (the value is the machine-readable code)."""

    EMERGENCY_STOP = "emergency-stop"
    SOFTWARE_STOP = "software-stop"
    BUMPER = "bumper"
    LINK_LOST = "link-lost"
    STALE_ODOMETRY = "stale-odometry"
    PROTECTIVE_FIELD = "protective-field"
    LIDAR_LOST = "lidar-lost"


class SafetySupervisor:
    """Watches the base and clips or blocks every motion command (see module docstring)."""

    def __init__(
        self,
        base: RobotBase,
        lobby: LobbyMap,
        settings: NavigationSettings,
        announce: Announce,
        clock: Clock,
    ) -> None:
        self.base = base
        self.lobby = lobby
        self.settings = settings
        self.announce = announce
        self.clock = clock
        self.stop_reason: StopReason | None = None
        self.last_state: BaseState | None = None
        self.battery_v: float | None = None
        #: (clock time, reason) of every trip, for logs and tests
        self.trips: list[tuple[float, str]] = []
        self._failures = 0
        self._last_good = clock.now()
        self._last_battery = -math.inf
        self._moving = False
        self._stopped_since = -math.inf  # idle since boot counts as a long stop
        self._warning_since: float | None = None
        self._last_sent: tuple[float, float] = (0.0, 0.0)
        self._last_sent_at = -math.inf
        self._motion_lock = threading.RLock()
        self._loop: asyncio.AbstractEventLoop | None = None
        #: the lidar and its speed and separation monitor (None without a lidar)
        self.lidar: Lidar | None = None
        self.separation: SeparationMonitor | None = None
        self._field_hold = False

    def attach_lidar(self, lidar: Lidar) -> SeparationMonitor:
        """Watch the protective and warning fields with ``lidar`` (see navigation.separation)."""
        self.lidar = lidar
        self.separation = SeparationMonitor(
            self.settings,
            speed=lambda: (self._last_sent[0], self.commanded_moving),
            stop=self.protective_stop,
            now=self.clock.now,
        )
        lidar.subscribe(self.separation.on_batch)
        return self.separation

    def protective_stop(self, distance_m: float) -> None:
        """Something is in the protective field: stop now (any thread); not latched."""
        with self._motion_lock:
            self._field_hold = True
            if self.commanded_moving:
                self._send_stop()
        _LOGGER.info("protective stop, %.2f m ahead; waits for a clear field", distance_m)

    @property
    def field_held(self) -> bool:
        """True while a protective stop holds the robot (until the field stays clear)."""
        return self._field_hold

    def lidar_stale(self) -> bool:
        """True when a lidar is fitted and has sent nothing for ``lidar_stale_s``."""
        lidar = self.lidar
        if lidar is None:
            return False
        last = lidar.last_batch_at
        return last is None or self.clock.now() - last > self.settings.lidar_stale_s

    # --- latching stops ------------------------------------------------------------

    @property
    def tripped(self) -> bool:
        """True while a stop is latched (motion refused until reset)."""
        return self.stop_reason is not None

    @property
    def commanded_moving(self) -> bool:
        """True when the last command sent asked the wheels to turn."""
        return self._last_sent != (0.0, 0.0)

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Announcements from other threads are handed to this loop."""
        self._loop = loop

    def trip(self, reason: StopReason) -> None:
        """Latch a stop and send zero speed now, from the calling thread (any thread)."""
        with self._motion_lock:
            first = self.stop_reason is None
            if first:
                self.stop_reason = reason
                self.trips.append((self.clock.now(), reason.value))
            self._send_stop()
        if first:
            _LOGGER.warning("safety stop: %s", reason.value)
            self._announce("safety-stop", {"reason": reason.value})

    def _announce(self, code: str, params: dict[str, Any]) -> None:
        loop = self._loop
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if loop is not None and running is not loop:
            try:
                loop.call_soon_threadsafe(self.announce, code, params)
                return
            except RuntimeError:  # loop closed: say it here
                pass
        self.announce(code, params)

    def _send_stop(self) -> None:
        self._mark_stopped()
        try:
            self.base.stop()
            self._last_sent, self._last_sent_at = (0.0, 0.0), self.clock.now()
        except BaseError as exc:
            # the controller's serial timeout stops the motors when we cannot reach it
            _LOGGER.error("stop command failed (%s); relying on the serial timeout", exc.code)

    def reset(self) -> bool:
        """Clear a latched stop if the link is up and the switches are released.

        A latched e-stop is cleared on the controller (command 200) and read back.
        """
        try:
            state = self.base.read_state()  # also reopens a port that came back
            if state.estop:
                self.base.reset_estop()
                state = self.base.read_state()
        except BaseError as exc:
            _LOGGER.warning("reset refused: the base does not answer (%s)", exc.code)
            return False
        self.last_state = state
        if state.estop or state.bumper_front or state.bumper_rear:
            _LOGGER.warning("reset refused: emergency stop or bumper still active")
            return False
        with self._motion_lock:
            if self.stop_reason is not None:
                _LOGGER.info("safety stop %s reset by operator", self.stop_reason.value)
            self.stop_reason = None
            self._failures = 0
            self._last_good = self.clock.now()
        return True

    # --- checks shared by the control loop and the safety thread -----------------------

    def check_switches(self, estop: bool, bumper: bool) -> None:
        """Trip on a pressed e-stop or bumper (status word just read)."""
        if estop:
            self.trip(StopReason.EMERGENCY_STOP)
        elif bumper:
            self.trip(StopReason.BUMPER)

    def odometry_deadline_passed(self) -> bool:
        """True when the next exchange could not finish before odometry goes stale."""
        if not self.commanded_moving:
            return False
        now = self.clock.now()
        return now + self.base.worst_exchange_s >= self._last_good + self.settings.stale_odometry_s

    def link_failed(self, exc: BaseError) -> None:
        """React to a failed exchange: a gone port stops at once, others count."""
        self._failures += 1
        _LOGGER.warning("base exchange failed (%s, %d in a row)", exc.code, self._failures)
        if exc.code == "base-port" or self._failures >= self.settings.link_failures_to_stop:
            self.trip(StopReason.LINK_LOST)
        elif self.odometry_deadline_passed():
            self.trip(StopReason.STALE_ODOMETRY)

    # --- reading -------------------------------------------------------------------

    def request_battery(self) -> None:
        """Make the next read include the battery voltage."""
        self._last_battery = -math.inf

    async def read(self) -> BaseState | None:
        """Read the base once, check it and return it (None when the read failed).

        No retries: a failed read is retried by the next tick, and stale odometry is
        judged by time, not by a count of attempts.
        """
        if self.lidar is not None and not self.clock.realtime:
            await asyncio.to_thread(self.lidar.settle)  # virtual time: samples up to now
        now = self.clock.now()
        want_battery = now - self._last_battery >= self.settings.battery_check_s
        try:
            state = await asyncio.to_thread(self.base.read_state, battery=want_battery, retries=0)
        except BaseError as exc:
            self.link_failed(exc)
            return None
        self._failures = 0
        self._last_good = state.stamp
        if state.battery_v is not None:
            self.battery_v, self._last_battery = state.battery_v, now
        self.last_state = state
        self.check_switches(state.estop, state.bumper_front or state.bumper_rear)
        return state

    # --- driving -------------------------------------------------------------------

    def speed_limit(self, x: float, y: float, theta: float, pace_mps: float) -> float:
        """Lowest of the pace, the global limit and the zones the footprint touches here
        and along a braking distance ahead."""
        limit = min(pace_mps, self.settings.max_speed_mps)
        radius = self.settings.robot_radius_m
        for ahead in (0.0, 0.25, 0.5, 0.75, 1.0):
            zone = self.lobby.speed_limit_over(
                x + ahead * math.cos(theta), y + ahead * math.sin(theta), radius
            )
            if zone is not None:
                limit = min(limit, zone)
        if self.separation is not None:
            limit = min(limit, self.separation.speed_limit(limit))
        return limit

    def clip(self, linear: float, angular: float, limit: float) -> tuple[float, float]:
        """Scale (linear, angular) so that neither wheel exceeds ``limit``."""
        angular = max(
            -self.settings.max_angular_radps, min(self.settings.max_angular_radps, angular)
        )
        half = angular * self.base.track_m / 2
        fastest = max(abs(linear - half), abs(linear + half))
        if fastest > limit:
            linear, angular = linear * limit / fastest, angular * limit / fastest
        return linear, angular

    def _mark_stopped(self) -> None:
        if self._moving:
            self._moving = False
            self._stopped_since = self.clock.now()
        self._warning_since = None

    def _send_velocity(self, command: tuple[float, float], now: float) -> None:
        # under the motion lock: a trip from the safety thread cannot be overtaken by a
        # velocity command that was decided before it
        with self._motion_lock:
            if self.tripped:
                self._send_stop()
                return
            if self.odometry_deadline_passed():
                self.trip(StopReason.STALE_ODOMETRY)
                return
            if command != (0.0, 0.0) and self.lidar_stale():
                self.trip(StopReason.LIDAR_LOST)  # never move blind
                return
            if command != (0.0, 0.0) and self._field_hold:
                command = (0.0, 0.0)  # a protective stop raced this command: it wins
            # no retries: the next period re-sends it, and a retry would hold the link
            self.base.set_velocity(*command, retries=0)
            self._last_sent, self._last_sent_at = command, now

    async def drive(
        self, linear: float, angular: float, pose: tuple[float, float, float], pace_mps: float
    ) -> None:
        """Send a clipped velocity, or zero when tripped or while the resume warning runs."""
        if self.tripped:
            await asyncio.to_thread(self._send_velocity, (0.0, 0.0), self.clock.now())
            return
        now = self.clock.now()
        if self._field_hold and self.separation is not None:
            if self.separation.field_clear():
                self._field_hold = False
                _LOGGER.info("protective field clear again")
            elif self.separation.ring_clear():
                linear = 0.0  # turning on the spot sweeps no new floor: it may turn away
            else:
                linear = angular = 0.0
        if linear == 0.0 and angular == 0.0:
            self._mark_stopped()
        elif not self._moving:
            if now - self._stopped_since > self.settings.long_stop_s:
                if self._warning_since is None:
                    self._warning_since = now
                    self.announce("resume-warning", {})
                if now - self._warning_since < self.settings.resume_warning_s:
                    linear = angular = 0.0
                else:
                    self._moving = True
            else:
                self._moving = True
        command = self.clip(linear, angular, self.speed_limit(*pose, pace_mps))
        period = 1.0 / self.settings.command_hz
        # stream at command_hz; a new stop goes out at once, whatever the rate
        urgent = command == (0.0, 0.0) and self._last_sent != (0.0, 0.0)
        if not urgent and now - self._last_sent_at < period * 0.999:
            return
        if command != (0.0, 0.0) and not self.commanded_moving:
            self._last_good = max(self._last_good, now)  # staleness counts from the start
        try:
            await asyncio.to_thread(self._send_velocity, command, now)
        except BaseError as exc:
            self.link_failed(exc)
