"""Yielding to people who walk across the robot's way.

The protective field (:mod:`navigation.separation`) is sized for someone standing in
the robot's path: stopping distance plus a margin, along a corridor as wide as the robot
plus ``field_side_margin_m``. It cannot protect someone who walks *into* that corridor
from the side closer than the stopping distance: in the crowded-lobby simulation a
walker crossing at 1.1-1.3 m/s entered the corridor beside the robot's front, the field
stopped the robot 20-40 ms later, and the robot, still braking from 0.7-0.8 m/s, touched
them. Speed and separation monitoring must count the person's own speed (ISO/TS 15066:
the separation includes ``v_human * (reaction + stopping time)``), so the guide watches
the people it sees move.

:class:`CrossingWatch` follows the people the lidar shows that the map does not
(:class:`navigation.perception.LidarObstacles`, one set of centres per revolution) from
revolution to revolution (nearest neighbour, no faster than ``MAX_WALK_MPS``) and
estimates each one's velocity over the last ``VELOCITY_BASELINE_S``. Each control tick,
before the guide moves forward it asks :meth:`CrossingWatch.conflict`: if the robot kept
this speed for ``reaction_time_s`` and then braked at ``braking_decel_mps2`` along its
path, would its front come within ``robot_radius_m + obstacle_radius_m +
field_side_margin_m`` of where a walking person will be by then? If so it yields (stops
and waits, it does not ask them to make way: they are passing). Because the check
assumes the stop comes one reaction time late and the robot stops at once when it
fails, the first failing check still leaves room to stop. People standing still are
left to the planner's make-way path and to the protective field; the protective field
stays the safety layer for everyone (this only makes its stops rarer).

Written here rather than taken from a library: the people trackers in ROS
(``leg_detector``, ``spencer_people_tracking``) need ROS itself; what the guide needs is
a few lines of nearest-neighbour association and constant-velocity prediction.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from navigation.settings import NavigationSettings

_LOGGER = logging.getLogger(__name__)

Point = tuple[float, float]

#: nobody in a lobby walks faster than this: a centre further away is someone else, m/s
MAX_WALK_MPS = 2.5
#: slower than this is standing (cluster centres wander a little as the robot moves), m/s
MIN_WALK_MPS = 0.4
#: velocity is measured over at least this long (two revolutions of an A1), seconds
VELOCITY_BASELINE_S = 0.3
#: a track not seen for this long is dropped, seconds
FORGET_S = 0.6
#: the prediction is checked every this many seconds of the braking profile
STEP_S = 0.05


@dataclass
class Track:
    """One person followed from revolution to revolution: (time, x, y) sightings."""

    seen: deque[tuple[float, float, float]] = field(default_factory=lambda: deque(maxlen=8))

    @property
    def position(self) -> Point:
        """Where they were last seen (map frame)."""
        _, x, y = self.seen[-1]
        return x, y

    def velocity(self) -> Point | None:
        """(vx, vy) over the last ``VELOCITY_BASELINE_S`` or more; None until then."""
        t1, x1, y1 = self.seen[-1]
        for t0, x0, y0 in reversed(self.seen):
            if t1 - t0 >= VELOCITY_BASELINE_S:
                return (x1 - x0) / (t1 - t0), (y1 - y0) / (t1 - t0)
        return None


class CrossingWatch:
    """Follows walking people and says when the robot must yield (see module docstring)."""

    def __init__(self, settings: NavigationSettings) -> None:
        self.settings = settings
        self.tracks: list[Track] = []
        #: (clock time, person's x, y, vx, vy) of every yield that began
        self.yields: list[tuple[float, float, float, float, float]] = []
        #: True while the robot waits for a walker to pass (the last check found one)
        self.yielding = False
        self._last: Sequence[Point] | None = None

    @property
    def clearance_m(self) -> float:
        """Closest a walker's predicted centre may come to the robot's centre, metres."""
        s = self.settings
        return s.robot_radius_m + s.obstacle_radius_m + s.field_side_margin_m

    def update(self, now: float, centres: Sequence[Point]) -> None:
        """Take this revolution's obstacle centres (a repeated list is ignored)."""
        if centres is self._last:
            return
        self._last = centres
        self.tracks = [t for t in self.tracks if now - t.seen[-1][0] <= FORGET_S]
        free = list(self.tracks)
        for cx, cy in centres:
            best: Track | None = None
            best_d = math.inf
            for track in free:
                px, py = track.position
                d = math.hypot(cx - px, cy - py)
                reach = MAX_WALK_MPS * max(now - track.seen[-1][0], 0.05)
                if d <= reach and d < best_d:
                    best, best_d = track, d
            if best is None:
                best = Track()
                self.tracks.append(best)
            else:
                free.remove(best)
            best.seen.append((now, cx, cy))

    def walkers(self) -> list[tuple[Point, Point]]:
        """(position, velocity) of everyone walking at ``MIN_WALK_MPS`` or faster."""
        found = []
        for track in self.tracks:
            velocity = track.velocity()
            if velocity is not None and math.hypot(*velocity) >= MIN_WALK_MPS:
                found.append((track.position, velocity))
        return found

    def conflict(self, now: float, path_ahead: Sequence[Point], speed_mps: float) -> bool:
        """True when going on at ``speed_mps`` along ``path_ahead`` (points from the robot,
        0.1 m apart) and braking one reaction time later would bring the robot's front
        too close to a walker's predicted position (see module docstring)."""
        path = [point for i, point in enumerate(path_ahead) if i == 0 or point != path_ahead[i - 1]]
        walkers = self.walkers() if speed_mps > 0 and len(path) >= 2 else []
        hit = self._first_hit(path, speed_mps, walkers)
        if hit is not None and not self.yielding:
            (px, py), (vx, vy) = hit
            self.yields.append((now, px, py, vx, vy))
            _LOGGER.info("yielding to someone walking at %.1f m/s across the way at (%.2f, %.2f)",
                         math.hypot(vx, vy), px, py)  # fmt: skip
        self.yielding = hit is not None
        return self.yielding

    def _first_hit(
        self, path: Sequence[Point], v: float, walkers: list[tuple[Point, Point]]
    ) -> tuple[Point, Point] | None:
        if not walkers:
            return None
        s = self.settings
        reaction, decel = s.reaction_time_s, s.braking_decel_mps2
        stop_at = reaction + v / decel
        lengths = [0.0]
        for (ax, ay), (bx, by) in zip(path, path[1:], strict=False):
            lengths.append(lengths[-1] + math.hypot(bx - ax, by - ay))
        tau = 0.0
        while tau <= stop_at + 1e-9:
            braking = max(0.0, tau - reaction)
            travelled = v * min(tau, reaction) + v * braking - decel * braking * braking / 2
            rx, ry, hx, hy = _along(path, lengths, travelled)
            for (px, py), (vx, vy) in walkers:
                qx, qy = px + vx * tau, py + vy * tau
                ahead = (qx - rx) * hx + (qy - ry) * hy > 0
                if ahead and math.hypot(qx - rx, qy - ry) < self.clearance_m:
                    return (px, py), (vx, vy)
            tau += STEP_S
        return None


def _along(path: Sequence[Point], lengths: list[float], distance: float) -> tuple[float, ...]:
    """The point ``distance`` along ``path`` and the unit heading there (x, y, hx, hy);
    beyond the end the last segment is extended."""
    index = 1
    while index < len(path) - 1 and lengths[index] < distance:
        index += 1
    (ax, ay), (bx, by) = path[index - 1], path[index]
    seg = lengths[index] - lengths[index - 1]
    if seg <= 0:
        return ax, ay, 1.0, 0.0
    hx, hy = (bx - ax) / seg, (by - ay) / seg
    along = distance - lengths[index - 1]
    return ax + hx * along, ay + hy * along, hx, hy
