"""The motion safety supervisor: the only path from navigation to the motors.

It reads the base every control tick and stops it at once on an emergency stop (S3), a
bumper (S4/S5), a lost or silent serial link, or odometry that has gone stale. These
stops latch: nothing moves again until :meth:`SafetySupervisor.reset` is called by a
person (ISO 3691-4 practice: no automatic restart after an emergency stop or a bumper
hit). Every velocity passes through :meth:`SafetySupervisor.drive`, which clips it to the
global limit, the speed zone at and just ahead of the robot, and the slow mode, for both
wheels. After a stop longer than ``long_stop_s`` it announces ``resume-warning`` and
holds still for ``resume_warning_s`` before the first motion.

Announcements are codes with parameters (``safety-stop`` {"reason": ...},
``resume-warning`` {}); the kiosk turns them into speech and screen text.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
from collections.abc import Callable
from typing import Any

from drivers.base import BaseError, BaseState, Clock, RobotBase
from navigation.lobby import LobbyMap
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
        self._failures = 0
        self._last_good = clock.now()
        self._last_battery = -math.inf
        self._moving = False
        self._stopped_since = -math.inf  # idle since boot counts as a long stop
        self._warning_since: float | None = None
        self._last_sent: tuple[float, float] | None = None
        self._last_sent_at = -math.inf

    # --- latching stops ------------------------------------------------------------

    @property
    def tripped(self) -> bool:
        """True while a stop is latched (motion refused until reset)."""
        return self.stop_reason is not None

    def trip(self, reason: StopReason) -> None:
        """Latch a stop and send zero speed now, from the calling thread."""
        if self.stop_reason is None:
            self.stop_reason = reason
            _LOGGER.warning("safety stop: %s", reason.value)
            self.announce("safety-stop", {"reason": reason.value})
        self._send_stop()

    def _send_stop(self) -> None:
        self._mark_stopped()
        try:
            self.base.stop()
            self._last_sent, self._last_sent_at = (0.0, 0.0), self.clock.now()
        except BaseError as exc:
            # the controller's serial timeout stops the motors when we cannot reach it
            _LOGGER.error("stop command failed (%s); relying on the serial timeout", exc.code)

    def reset(self) -> bool:
        """Clear a latched stop if the switches are released; return True when cleared."""
        state = self.last_state
        if state is not None and (state.estop or state.bumper_front or state.bumper_rear):
            _LOGGER.warning("reset refused: emergency stop or bumper still active")
            return False
        if self.stop_reason is not None:
            _LOGGER.info("safety stop %s reset by operator", self.stop_reason.value)
        self.stop_reason = None
        self._failures = 0
        self._last_good = self.clock.now()
        return True

    # --- reading -------------------------------------------------------------------

    def request_battery(self) -> None:
        """Make the next read include the battery voltage."""
        self._last_battery = -math.inf

    async def read(self) -> BaseState | None:
        """Read the base once, check it and return it (None when the read failed)."""
        now = self.clock.now()
        want_battery = now - self._last_battery >= self.settings.battery_check_s
        try:
            state = await asyncio.to_thread(self.base.read_state, battery=want_battery)
        except BaseError as exc:
            self._failures += 1
            _LOGGER.warning("base read failed (%s, %d in a row)", exc.code, self._failures)
            if self._failures >= self.settings.link_failures_to_stop:
                self.trip(StopReason.LINK_LOST)
            elif now - self._last_good > self.settings.stale_odometry_s:
                self.trip(StopReason.STALE_ODOMETRY)
            return None
        self._failures = 0
        self._last_good = now
        if state.battery_v is not None:
            self.battery_v, self._last_battery = state.battery_v, now
        self.last_state = state
        if state.estop:
            self.trip(StopReason.EMERGENCY_STOP)
        elif state.bumper_front or state.bumper_rear:
            self.trip(StopReason.BUMPER)
        return state

    # --- driving -------------------------------------------------------------------

    def speed_limit(self, x: float, y: float, theta: float, pace_mps: float) -> float:
        """Lowest of the pace, the global limit and the zones here and a braking distance ahead."""
        limit = min(pace_mps, self.settings.max_speed_mps)
        for ahead in (0.0, 0.5, 1.0):
            zone = self.lobby.speed_limit_at(
                x + ahead * math.cos(theta), y + ahead * math.sin(theta)
            )
            if zone is not None:
                limit = min(limit, zone)
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

    async def drive(
        self, linear: float, angular: float, pose: tuple[float, float, float], pace_mps: float
    ) -> None:
        """Send a clipped velocity, or zero when tripped or while the resume warning runs."""
        if self.tripped:
            await asyncio.to_thread(self._send_stop)
            return
        now = self.clock.now()
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
        try:
            await asyncio.to_thread(self.base.set_velocity, *command)
            self._last_sent, self._last_sent_at = command, now
        except BaseError as exc:
            self._failures += 1
            _LOGGER.warning("velocity command failed (%s)", exc.code)
            if self._failures >= self.settings.link_failures_to_stop:
                self.trip(StopReason.LINK_LOST)
