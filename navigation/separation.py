"""Speed and separation monitoring: the lidar's protective and warning fields.

Ahead of the robot lies a **protective field**, a corridor as wide as the robot plus
``field_side_margin_m`` on each side and as long as the distance the robot needs to
stop from its present speed ``v``, plus a margin::

    protective(v) = v * reaction_time_s + v^2 / (2 * braking_decel_mps2) + protective_margin_m

measured from the robot's front edge. Around the robot a ring of ``field_side_margin_m``
guards turns on the spot (narrower than the planner's inflation margin, so passing a
pillar on a planned path does not touch the fields). A sample inside either while the
robot is commanded to move stops it at once, from the lidar's reader thread (not the
control loop), and the stop holds until the field has been clear for ``field_clear_s``
and the way ahead has room for the field at the warning pace plus a margin (while held,
the robot may turn on the spot if the ring is clear). This stop does not latch (a
person stepping aside is the normal end of it, as ISO 13482 practice allows for
protective stops from person detection; a bumper hit still latches).

The **warning field** is ``warning_extra_m`` longer: something there caps the pace at
``warning_speed_mps``. The speed limit also never lets the protective field reach past
the nearest thing in the corridor: ``v`` is the largest speed with ``protective(v)``
below that distance (so the robot closes in slowly and stops short, rather than
stopping hard at the field's edge).

The corridor, the ring and the stopping distance are :class:`drivers.lidar.fields.FieldGeometry`
(built here from the settings by :func:`geometry`), which the stop guard's lidar relay
uses too: with ``guard=1`` on the base and an RPLIDAR, a real-time process of its own
makes the same check on the same samples first, and this monitor is the second layer.

The monitor keeps one range per degree of bearing from the latest samples, so the
fields are judged on a whole fresh revolution while every new batch is checked the
moment it arrives.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from drivers.lidar import ScanBatch
from drivers.lidar.fields import FieldGeometry
from navigation.settings import NavigationSettings

_LOGGER = logging.getLogger(__name__)

BINS = 360


@dataclass(frozen=True)
class Fields:
    """Field lengths ahead of the robot's front edge at one speed, metres."""

    speed_mps: float
    protective_m: float
    warning_m: float


def geometry(settings: NavigationSettings) -> FieldGeometry:
    """The protective field's geometry from the navigation settings (the stop guard's
    lidar relay gets the same, so both layers judge a sample alike)."""
    return FieldGeometry(
        robot_radius_m=settings.robot_radius_m,
        side_margin_m=settings.field_side_margin_m,
        reaction_time_s=settings.reaction_time_s,
        braking_decel_mps2=settings.braking_decel_mps2,
        protective_margin_m=settings.protective_margin_m,
    )


def protective_length(settings: NavigationSettings, speed_mps: float) -> float:
    """Stopping distance at ``speed_mps`` plus the margin, metres from the front edge."""
    return geometry(settings).protective_length(speed_mps)


def fields_at(settings: NavigationSettings, speed_mps: float) -> Fields:
    """Both fields at ``speed_mps``."""
    protective = protective_length(settings, speed_mps)
    return Fields(speed_mps, protective, protective + settings.warning_extra_m)


def speed_for_distance(settings: NavigationSettings, distance_m: float) -> float:
    """The largest speed whose protective field ends before ``distance_m``."""
    return geometry(settings).speed_for_distance(distance_m)


class SeparationMonitor:
    """Judges every lidar batch against the fields (see module docstring).

    ``speed`` gives the commanded forward speed (m/s) and whether any wheel is
    commanded to turn; ``stop(distance)`` is called from the reader thread when
    something is inside the protective field while moving.
    """

    def __init__(
        self,
        settings: NavigationSettings,
        *,
        speed: Callable[[], tuple[float, bool]],
        stop: Callable[[float], None],
        now: Callable[[], float],
    ) -> None:
        self.settings = settings
        self.geometry = geometry(settings)
        self._speed = speed
        self._stop = stop
        self._now = now
        self.ranges = np.full(BINS, np.inf)
        self.stamps = np.full(BINS, -np.inf)
        self._lock = threading.Lock()
        self._last_intrusion = -math.inf
        #: (clock time, distance from the front edge) of every protective stop
        self.stops: list[tuple[float, float]] = []
        self.batches = 0

    # --- geometry (drivers.lidar.fields, shared with the stop guard) --------------

    def nearest_ahead(self, x: np.ndarray, y: np.ndarray) -> float:
        """Distance from the front edge to the nearest point in the corridor (inf if none)."""
        return self.geometry.nearest_ahead(x, y)

    # --- the reader thread ---------------------------------------------------------

    def on_batch(self, batch: ScanBatch) -> None:
        """Store the batch's samples and stop at once if one is in the protective field."""
        x, y = batch.points()
        bins = (np.round(np.degrees(batch.angles)).astype(np.int64)) % BINS
        with self._lock:
            self.batches += 1
            self.ranges[bins] = batch.ranges
            self.stamps[bins] = batch.stamp
        speed, moving = self._speed()
        distance = self.geometry.intrusion(x, y, speed)
        if distance is None:
            return
        self._last_intrusion = self._now()
        if moving:
            self.stops.append((self._now(), distance))
            _LOGGER.warning("protective field: something %.2f m ahead at %.2f m/s", distance, speed)
            self._stop(distance)

    # --- the control loop ----------------------------------------------------------

    def fresh_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Robot-frame points of the bins seen within the last two revolutions."""
        now = self._now()
        with self._lock:
            keep = (now - self.stamps <= self.settings.lidar_stale_s) & np.isfinite(self.ranges)
            ranges = self.ranges[keep]
            angles = np.radians(np.nonzero(keep)[0].astype(np.float64))
        return ranges * np.cos(angles), ranges * np.sin(angles)

    def field_clear(self) -> bool:
        """True when nothing has been in the protective field for ``field_clear_s`` and
        the way ahead leaves room for the field at the warning pace plus a margin (so a
        person who stays close is not crept up on, stop after stop)."""
        if self._now() - self._last_intrusion < self.settings.field_clear_s:
            return False
        x, y = self.fresh_points()
        room = protective_length(self.settings, self.settings.warning_speed_mps)
        if self.nearest_ahead(x, y) <= room + self.settings.protective_margin_m:
            return False
        return self.geometry.intrusion(x, y, 0.0) is None

    def ring_clear(self) -> bool:
        """True when nothing is within the ring around the robot (it may turn on the spot)."""
        return not self.geometry.ring_hit(*self.fresh_points())

    def speed_limit(self, pace_mps: float) -> float:
        """The pace allowed by what is ahead: warning field, and room to stop short."""
        x, y = self.fresh_points()
        ahead = self.nearest_ahead(x, y)
        if math.isinf(ahead):
            return pace_mps
        limit = min(pace_mps, speed_for_distance(self.settings, ahead))
        if ahead <= fields_at(self.settings, pace_mps).warning_m:
            limit = min(limit, self.settings.warning_speed_mps)
        return limit

    def forget(self) -> None:
        """Drop stored samples (after the robot turned or the pose jumped)."""
        with self._lock:
            self.ranges[:] = np.inf
            self.stamps[:] = -np.inf
