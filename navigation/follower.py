"""Odometry from wheel encoders and a pure pursuit path follower.

Pure pursuit steers towards the point one look-ahead distance further along the path;
it is simple, smooth at walking pace and has one parameter a technician can reason about.
The follower slows before the goal so the base can stop inside the arrival tolerance,
and turns on the spot when the path lies behind it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from drivers.base import BaseState

Point = tuple[float, float]


@dataclass
class Odometry:
    """Dead reckoning of (x, y, theta) from cumulative wheel travel."""

    x: float
    y: float
    theta: float
    track_m: float
    _left: float | None = None
    _right: float | None = None

    def update(self, state: BaseState) -> None:
        """Advance the pose by the wheel travel since the previous reading."""
        if self._left is not None and self._right is not None:
            dl, dr = state.left_m - self._left, state.right_m - self._right
            distance, turn = (dl + dr) / 2, (dr - dl) / self.track_m
            mid = self.theta + turn / 2  # midpoint heading: exact for arcs to second order
            self.x += distance * math.cos(mid)
            self.y += distance * math.sin(mid)
            self.theta = math.atan2(math.sin(self.theta + turn), math.cos(self.theta + turn))
        self._left, self._right = state.left_m, state.right_m

    @property
    def pose(self) -> tuple[float, float, float]:
        """The current estimate (x, y, theta)."""
        return self.x, self.y, self.theta


class PurePursuit:
    """Follows one path; ``command`` gives body speeds, ``arrived`` says when done."""

    def __init__(
        self,
        path: Sequence[Point],
        *,
        lookahead_m: float,
        tolerance_m: float,
        max_angular_radps: float,
        decel_mps2: float = 0.5,
    ) -> None:
        if len(path) < 2:
            path = [path[0], path[0]]
        self.path = list(path)
        self.lookahead_m = lookahead_m
        self.tolerance_m = tolerance_m
        self.max_angular_radps = max_angular_radps
        self.decel_mps2 = decel_mps2
        self._segment = 0  # progress only moves forward, so loops in the path cannot trap it

    @property
    def goal(self) -> Point:
        """The last point of the path."""
        return self.path[-1]

    def arrived(self, x: float, y: float) -> bool:
        """True within the arrival tolerance of the goal."""
        return math.hypot(self.goal[0] - x, self.goal[1] - y) <= self.tolerance_m

    def _project(self, x: float, y: float) -> Point:
        best: tuple[float, int, Point] | None = None
        for i in range(self._segment, min(self._segment + 3, len(self.path) - 1)):
            (ax, ay), (bx, by) = self.path[i], self.path[i + 1]
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            t = (
                0.0
                if length2 == 0
                else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length2))
            )
            px, py = ax + t * dx, ay + t * dy
            distance = math.hypot(x - px, y - py)
            if best is None or distance < best[0] - 1e-9:
                best = (distance, i, (px, py))
        assert best is not None
        self._segment = best[1]
        return best[2]

    def ahead(self, x: float, y: float, distance_m: float) -> list[Point]:
        """Points along the path from the robot's projection, ``distance_m`` long, 0.1 m apart."""
        px, py = self._project(x, y)
        points = [(px, py)]
        left = distance_m
        prev = (px, py)
        for nxt in self.path[self._segment + 1 :]:
            seg = math.hypot(nxt[0] - prev[0], nxt[1] - prev[1])
            steps = max(1, int(min(seg, left) / 0.1))
            for k in range(1, steps + 1):
                t = min(seg, left) * k / steps / seg if seg else 1.0
                points.append((prev[0] + (nxt[0] - prev[0]) * t, prev[1] + (nxt[1] - prev[1]) * t))
            left -= seg
            if left <= 0:
                break
            prev = nxt
        return points

    def _target(self, x: float, y: float) -> Point:
        px, py = self._project(x, y)
        left = self.lookahead_m
        prev = (px, py)
        for nxt in self.path[self._segment + 1 :]:
            seg = math.hypot(nxt[0] - prev[0], nxt[1] - prev[1])
            if seg >= left:
                t = left / seg
                return prev[0] + (nxt[0] - prev[0]) * t, prev[1] + (nxt[1] - prev[1]) * t
            left -= seg
            prev = nxt
        return self.goal

    def command(self, x: float, y: float, theta: float, speed_mps: float) -> tuple[float, float]:
        """Body speeds (linear m/s, angular rad/s) towards the path at up to ``speed_mps``."""
        if self.arrived(x, y):
            return 0.0, 0.0
        tx, ty = self._target(x, y)
        dx, dy = tx - x, ty - y
        local_x = math.cos(theta) * dx + math.sin(theta) * dy
        local_y = -math.sin(theta) * dx + math.cos(theta) * dy
        heading_error = math.atan2(local_y, local_x)
        if abs(heading_error) > math.radians(60):
            # the path is beside or behind: turn on the spot rather than sweep a wide arc
            return 0.0, math.copysign(min(self.max_angular_radps, 0.8), heading_error)
        distance_to_goal = math.hypot(self.goal[0] - x, self.goal[1] - y)
        speed = min(speed_mps, max(0.08, math.sqrt(2 * self.decel_mps2 * distance_to_goal)))
        curvature = 2 * local_y / max(1e-6, local_x * local_x + local_y * local_y)
        if abs(curvature) * speed > self.max_angular_radps:
            speed = self.max_angular_radps / abs(curvature)
        return speed, speed * curvature
