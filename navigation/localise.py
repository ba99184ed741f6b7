"""Knowing where it is: correct odometry's drift against the lobby map from lidar scans.

Wheel odometry drifts: a wheel worn 1 % smaller turns a 30 m trip into a 30 cm error
and a slow heading error that grows with every trip of the day. The map and the lidar
fix that. We use **correlative scan matching** against a likelihood field (Olson 2009, the
matcher inside Google Cartographer and Hector's front end, reduced to a brute-force
search in numpy): the map's distance-to-nearest-wall field is computed once; a scan
taken while the robot stands still is rotated and shifted over a window of poses around
the odometry estimate, each pose scored by how close its points fall to walls
(``exp(-d^2 / 2 sigma^2)``, so people, whom the map does not have, only lower the score
a little instead of pulling the pose), first coarse, then fine around the best.

Why not a particle filter: the robot stops at every counter and at the dock, and a
still robot's scan has no motion blur, so one exhaustive match at each stop beats
tracking hundreds of hypotheses through the blurred scans of a moving robot; the match is
deterministic (the same numbers in every run, which tests can state), and its cost is
bounded (about 40k field look-ups). Why not scipy's distance transform: scipy is not a
dependency of the kiosk, and the field only needs 0.5 m of reach, which a dozen disc
dilations (the planner's ``inflate``) give at map load.

A match is accepted only when enough of the scan lies on walls (``min_score``) and the
best pose stands out from the window's edge; otherwise odometry is kept and the refusal
logged. At the dock a wider window is searched (the end of the day's re-check).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from drivers.lidar import ScanBatch
from navigation.lobby import LobbyMap
from navigation.planner import inflate

_LOGGER = logging.getLogger(__name__)

Pose = tuple[float, float, float]


@dataclass(frozen=True)
class Match:
    """The result of one scan match."""

    pose: Pose
    #: mean likelihood of the scan's points at ``pose`` (1 = every point on a wall)
    score: float
    #: how far the pose moved from the prior: metres and radians
    shift_m: float
    turn_rad: float
    accepted: bool


def distance_field(occupied: np.ndarray, resolution: float, reach_m: float) -> np.ndarray:
    """Metres from each cell's centre to the nearest occupied cell's edge (0 inside one),
    capped at ``reach_m``."""
    field = np.where(occupied, 0.0, reach_m).astype(np.float32)
    steps = max(1, math.ceil(reach_m / resolution))
    done = occupied.copy()
    for radius in range(1, steps + 1):
        grown = inflate(occupied, radius)
        fresh = grown & ~done
        field[fresh] = (radius - 0.5) * resolution
        done |= grown
    return field


_FIELDS: dict[tuple[int, float, float], np.ndarray] = {}


def likelihood_field(lobby: LobbyMap, sigma_m: float, reach_m: float) -> np.ndarray:
    """``exp(-d^2 / 2 sigma^2)`` of the distance field, computed once per map."""
    key = (id(lobby.occupied), sigma_m, reach_m)
    if key not in _FIELDS:
        field = distance_field(lobby.occupied, lobby.resolution, reach_m).astype(np.float64)
        _FIELDS[key] = np.exp(-(field**2) / (2 * sigma_m * sigma_m))
    return _FIELDS[key]


class ScanMatcher:
    """Matches still scans against one lobby map (see module docstring)."""

    def __init__(
        self,
        lobby: LobbyMap,
        *,
        sigma_m: float = 0.08,
        reach_m: float = 0.5,
        max_points: int = 360,
        min_score: float = 0.45,
        prior_weight: float = 0.02,
    ) -> None:
        self.lobby = lobby
        self.sigma_m = sigma_m
        self.max_points = max_points
        self.min_score = min_score
        #: a plateau of equal fits (a long wall, nothing across it) resolves to the prior
        self.prior_weight = prior_weight
        self.likelihood = likelihood_field(lobby, sigma_m, reach_m)

    def _points(self, scan: ScanBatch, motion: tuple[float, float] | None = None) -> np.ndarray:
        """Robot-frame points at the scan's end; with ``motion`` (linear m/s, angular rad/s
        during the revolution) each sample is moved to where the robot was at the end."""
        keep = (scan.ranges > 0.15) & (scan.ranges < 10.0)
        n = len(scan.ranges)
        span = scan.stamp - (scan.start_stamp if scan.start_stamp is not None else scan.stamp)
        # samples are in time order: the i-th was taken span * (n - 1 - i) / n before the end
        ago = span * (n - 1 - np.arange(n)) / max(1, n)
        angles, ranges, ago = scan.angles[keep], scan.ranges[keep], ago[keep]
        if len(ranges) > self.max_points:
            pick = np.linspace(0, len(ranges) - 1, self.max_points).astype(np.int64)
            angles, ranges, ago = angles[pick], ranges[pick], ago[pick]
        x, y = ranges * np.cos(angles), ranges * np.sin(angles)
        if motion is not None:
            linear, angular = motion
            turn = -angular * ago  # the robot's heading then, relative to the end
            x, y = (
                x * np.cos(turn) - y * np.sin(turn) - linear * ago,
                x * np.sin(turn) + y * np.cos(turn),
            )
        return np.column_stack((x, y))

    def _scores(
        self, points: np.ndarray, xs: np.ndarray, ys: np.ndarray, theta: float
    ) -> np.ndarray:
        """Score of every (x, y) in the grid xs x ys at heading ``theta``."""
        c, s = math.cos(theta), math.sin(theta)
        wx = points[:, 0] * c - points[:, 1] * s
        wy = points[:, 0] * s + points[:, 1] * c
        lobby, field = self.lobby, self.likelihood
        rows_n, cols_n = field.shape
        # continuous cell coordinates of every point (cell centres at whole numbers)
        fx = (xs[:, None, None] + wx[None, None, :] - lobby.origin_x) / lobby.resolution - 0.5
        fy = rows_n - 1 - ((ys[None, :, None] + wy[None, None, :] - lobby.origin_y)
                           / lobby.resolution - 0.5)  # fmt: skip
        fx, fy = np.broadcast_arrays(fx, fy)
        c0, r0 = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
        ax, ay = fx - c0, fy - r0
        inside = (r0 >= 0) & (r0 < rows_n - 1) & (c0 >= 0) & (c0 < cols_n - 1)
        r, c, a, b = r0[inside], c0[inside], ax[inside], ay[inside]
        values = np.zeros(fx.shape)
        values[inside] = (
            field[r, c] * (1 - a) * (1 - b) + field[r, c + 1] * a * (1 - b)
            + field[r + 1, c] * (1 - a) * b + field[r + 1, c + 1] * a * b
        )  # fmt: skip
        return np.asarray(values.mean(axis=2))

    def _search(
        self, points: np.ndarray, prior: Pose, window_m: float, window_rad: float,
        step_m: float, step_rad: float,
    ) -> tuple[Pose, float]:  # fmt: skip
        x0, y0, t0 = prior
        offsets = np.arange(-window_m, window_m + step_m / 2, step_m)
        turns = np.arange(-window_rad, window_rad + step_rad / 2, step_rad)
        penalty = self.prior_weight * (offsets[:, None] ** 2 + offsets[None, :] ** 2)
        best: tuple[float, float, Pose] = (-math.inf, 0.0, prior)
        for turn in turns:
            scores = self._scores(points, x0 + offsets, y0 + offsets, t0 + turn)
            ranked = scores - penalty - self.prior_weight * turn * turn
            i, j = np.unravel_index(int(np.argmax(ranked)), ranked.shape)
            if ranked[i, j] > best[0]:
                pose = (x0 + offsets[i], y0 + offsets[j], t0 + turn)
                best = (float(ranked[i, j]), float(scores[i, j]), pose)
        return best[2], best[1]

    def match(
        self,
        scan: ScanBatch,
        prior: Pose,
        *,
        window_m: float = 0.3,
        window_deg: float = 6.0,
        motion: tuple[float, float] | None = None,
    ) -> Match:
        """The pose at the scan's end that best fits ``scan`` near ``prior`` (the odometry
        then); ``motion`` (m/s, rad/s) undoes the blur of a scan taken while driving."""
        points = self._points(scan, motion)
        if len(points) < 20:
            return Match(prior, 0.0, 0.0, 0.0, accepted=False)
        # coarse on a third of the points, fine on all of them
        coarse, _ = self._search(
            points[::3], prior, window_m, math.radians(window_deg), 0.05, math.radians(1.0)
        )
        # a best pose on the window's edge may be a worse fit than one beyond it: refuse
        on_edge = max(abs(coarse[0] - prior[0]), abs(coarse[1] - prior[1])) >= window_m - 0.025
        pose, score = self._search(points, coarse, 0.04, math.radians(0.75), 0.01,
                                   math.radians(0.25))  # fmt: skip
        theta = math.atan2(math.sin(pose[2]), math.cos(pose[2]))
        pose = (float(pose[0]), float(pose[1]), theta)
        shift = math.hypot(pose[0] - prior[0], pose[1] - prior[1])
        turn = math.atan2(math.sin(theta - prior[2]), math.cos(theta - prior[2]))
        accepted = score >= self.min_score and not on_edge
        return Match(pose, score, shift, turn, accepted)
