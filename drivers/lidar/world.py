"""What the simulated lidar sees: an occupancy grid, people walking on it, and the robot.

The grid is passed in as numpy arrays (row 0 = the top of the map image, as ROS
map_server images are), so this package needs nothing from navigation. People are discs
that walk along timed waypoints; a ray stops at the first occupied cell (sampled every
half cell) or at the nearest person, whichever is closer.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

Pose = tuple[float, float, float]


@dataclass
class Person:
    """A disc of ``radius_m`` following ``path`` [(time, x, y), ...] (held at the ends)."""

    path: list[tuple[float, float, float]]
    radius_m: float = 0.25
    name: str = "person"

    def position(self, t: float) -> tuple[float, float]:
        """Where the person is at clock time ``t``."""
        path = self.path
        if t <= path[0][0]:
            return path[0][1], path[0][2]
        for (t0, x0, y0), (t1, x1, y1) in zip(path, path[1:], strict=False):
            if t <= t1:
                f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
                return x0 + (x1 - x0) * f, y0 + (y1 - y0) * f
        return path[-1][1], path[-1][2]

    @classmethod
    def standing(cls, x: float, y: float, **kwargs: object) -> Person:
        """A person who stands still at (x, y)."""
        return cls([(0.0, x, y)], **kwargs)  # type: ignore[arg-type]


@dataclass
class SimWorld:
    """The lobby as the lidar sees it (see module docstring)."""

    occupied: np.ndarray
    resolution: float
    origin_x: float
    origin_y: float
    #: the lidar's true pose in the map (the simulated base's pose on a robot)
    pose: Callable[[], Pose]
    people: list[Person] = field(default_factory=list)
    max_range_m: float = 12.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, person: Person) -> Person:
        """Put a person in the lobby (thread-safe)."""
        with self._lock:
            self.people.append(person)
        return person

    def remove(self, person: Person) -> None:
        """Take a person out of the lobby."""
        with self._lock:
            if person in self.people:
                self.people.remove(person)

    def clear_people(self) -> None:
        """Nobody in the lobby."""
        with self._lock:
            self.people.clear()

    def cast(self, pose: Pose, angles: Sequence[float] | np.ndarray, t: float) -> np.ndarray:
        """Ranges (m) along world-frame ``angles`` from ``pose``; 0 where nothing echoes."""
        x, y, _ = pose
        angles = np.asarray(angles, dtype=np.float64)
        dx, dy = np.cos(angles), np.sin(angles)
        step = self.resolution / 2
        s = np.arange(step, self.max_range_m, step)
        xs = x + dx[:, None] * s
        ys = y + dy[:, None] * s
        rows_n, cols_n = self.occupied.shape
        cols = np.floor((xs - self.origin_x) / self.resolution).astype(np.int64)
        rows = rows_n - 1 - np.floor((ys - self.origin_y) / self.resolution).astype(np.int64)
        inside = (rows >= 0) & (rows < rows_n) & (cols >= 0) & (cols < cols_n)
        hit = np.zeros(inside.shape, dtype=bool)  # beyond the map's edge: no echo
        hit[inside] = self.occupied[rows[inside], cols[inside]]
        first = np.argmax(hit, axis=1)
        ranges = np.where(hit[np.arange(len(angles)), first], s[first], np.inf)
        with self._lock:
            people = [(p.position(t), p.radius_m) for p in self.people]
        for (px, py), radius in people:
            ox, oy = px - x, py - y
            along = ox * dx + oy * dy
            perp2 = ox * ox + oy * oy - along * along
            inside_disc = perp2 <= radius * radius
            depth = np.sqrt(np.maximum(0.0, radius * radius - perp2))
            near = along - depth
            hits = inside_disc & (near > 0)
            ranges = np.where(hits & (near < ranges), near, ranges)
        return np.where(np.isfinite(ranges) & (ranges <= self.max_range_m), ranges, 0.0)

    def nearest_person(self, t: float) -> tuple[Person, float] | None:
        """The person nearest the lidar and the distance between their edges' centres, m."""
        x, y, _ = self.pose()
        with self._lock:
            people = list(self.people)
        best: tuple[Person, float] | None = None
        for person in people:
            px, py = person.position(t)
            distance = math.hypot(px - x, py - y)
            if best is None or distance < best[1]:
                best = (person, distance)
        return best
