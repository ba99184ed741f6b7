"""People and things the lidar sees that the lobby map does not have.

The last whole revolution is placed on the map at the robot's pose; samples within
``static_margin_m`` of a wall or furniture on the map are the map itself and are dropped;
the rest are grouped (greedy, ``cluster_m`` apart) into obstacles, each reported at its
centre estimated as the middle of the visible arc pushed back by a person's radius. The
planner grows them by ``obstacle_radius_m`` and the guide asks them to make way, goes
around or gives up (navigation.guide).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import numpy as np

from drivers.lidar import Lidar
from navigation.lobby import LobbyMap
from navigation.planner import Point, inflate

_LOGGER = logging.getLogger(__name__)

Pose = tuple[float, float, float]


class LidarObstacles:
    """A callable returning obstacle centres on the map from the lidar's last revolution."""

    def __init__(
        self,
        lidar: Lidar,
        lobby: LobbyMap,
        pose: Callable[[], Pose],
        *,
        static_margin_m: float = 0.2,
        cluster_m: float = 0.45,
        person_radius_m: float = 0.2,
        max_range_m: float = 6.0,
        min_samples: int = 2,
    ) -> None:
        self.lidar = lidar
        self.lobby = lobby
        self.pose = pose
        self.cluster_m = cluster_m
        self.person_radius_m = person_radius_m
        self.max_range_m = max_range_m
        self.min_samples = min_samples
        self.static = inflate(lobby.occupied, static_margin_m / lobby.resolution)
        self._cache: tuple[float, list[Point]] | None = None

    def points(self) -> np.ndarray:
        """Map-frame (x, y) of the samples not explained by the map, shape (n, 2)."""
        scan = self.lidar.latest_scan()
        if scan is None:
            return np.zeros((0, 2))
        near = scan.ranges <= self.max_range_m
        x, y, theta = self.pose()
        heading = scan.angles[near] + theta
        mx = x + scan.ranges[near] * np.cos(heading)
        my = y + scan.ranges[near] * np.sin(heading)
        lobby = self.lobby
        rows_n, cols_n = self.static.shape
        cols = np.floor((mx - lobby.origin_x) / lobby.resolution).astype(np.int64)
        rows = rows_n - 1 - np.floor((my - lobby.origin_y) / lobby.resolution).astype(np.int64)
        inside = (rows >= 0) & (rows < rows_n) & (cols >= 0) & (cols < cols_n)
        unexplained = inside.copy()
        unexplained[inside] = ~self.static[rows[inside], cols[inside]]
        return np.column_stack((mx[unexplained], my[unexplained]))

    def __call__(self) -> list[Point]:
        """Obstacle centres on the map (people, bags, a trolley); computed once a revolution."""
        scan = self.lidar.latest_scan()
        if scan is None:
            return []
        if self._cache is not None and self._cache[0] == scan.stamp:
            return self._cache[1]
        found = self._cluster(self.points())
        self._cache = (scan.stamp, found)
        return found

    def _cluster(self, points: np.ndarray) -> list[Point]:
        if len(points) == 0:
            return []
        x, y, _ = self.pose()
        clusters: list[list[int]] = []
        centres: list[np.ndarray] = []
        for index, point in enumerate(points):
            for members, centre in zip(clusters, centres, strict=True):
                if math.hypot(point[0] - centre[0], point[1] - centre[1]) <= self.cluster_m:
                    members.append(index)
                    centre[:] = points[members].mean(axis=0)
                    break
            else:
                clusters.append([index])
                centres.append(point.astype(np.float64).copy())
        found: list[Point] = []
        for members, centre in zip(clusters, centres, strict=True):
            if len(members) < self.min_samples:
                continue  # a lone sample is noise, not a person
            dx, dy = centre[0] - x, centre[1] - y
            distance = math.hypot(dx, dy) or 1.0
            push = self.person_radius_m / distance
            found.append((float(centre[0] + dx * push), float(centre[1] + dy * push)))
        return found
