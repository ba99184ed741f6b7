"""The protective field's geometry, and sensor nodes in the robot's frame.

Shared by the two layers that stop the robot for a person in front of it: the daemon's
separation monitor (:mod:`navigation.separation`, which adds the warning field, the
speed limit and the hold) and the stop guard's lidar relay (:mod:`drivers.lidar.relay`,
a real-time process of its own). Both must judge the same samples the same way, so the
field and the frame are written once, here, in drivers/ (which the stop guard may import,
and navigation builds on).

The protective field is a corridor ahead of the robot, as wide as the robot plus
``side_margin_m`` on each side and as long as the distance the robot needs to stop from
its commanded forward speed ``v``, plus a margin, measured from its front edge::

    protective(v) = v * reaction_time_s + v^2 / (2 * braking_decel_mps2) + protective_margin_m

Around the robot a ring ``side_margin_m`` wide guards turns on the spot (which sweep no
floor ahead).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from drivers.lidar.protocol import Node


@dataclass(frozen=True)
class FieldGeometry:
    """The robot's size and braking, which set the protective field (metres, seconds)."""

    robot_radius_m: float = 0.30
    side_margin_m: float = 0.05
    reaction_time_s: float = 0.3
    braking_decel_mps2: float = 1.0
    protective_margin_m: float = 0.25

    def as_dict(self) -> dict[str, float]:
        """The fields by name (the stop guard gets them as JSON on its command line)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> FieldGeometry:
        """The geometry from :meth:`as_dict`; an unknown or non-positive value is refused."""
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown field geometry keys: {', '.join(sorted(unknown))}")
        values = {key: float(value) for key, value in raw.items()}
        if any(not math.isfinite(v) or v < 0 for v in values.values()):
            raise ValueError(f"field geometry values must be finite and >= 0: {values}")
        return cls(**values)

    def protective_length(self, speed_mps: float) -> float:
        """Stopping distance at ``speed_mps`` plus the margin, metres from the front edge."""
        v = max(0.0, speed_mps)
        return (
            v * self.reaction_time_s
            + v * v / (2 * self.braking_decel_mps2)
            + (self.protective_margin_m)
        )

    def speed_for_distance(self, distance_m: float) -> float:
        """The largest speed whose protective field ends before ``distance_m``."""
        room = distance_m - self.protective_margin_m
        if room <= 0:
            return 0.0
        a, t = self.braking_decel_mps2, self.reaction_time_s
        # v^2 / 2a + v t - room = 0
        return -a * t + math.sqrt((a * t) ** 2 + 2 * a * room)

    @property
    def ring_m(self) -> float:
        """Radius of the ring around the robot's centre that guards turns on the spot."""
        return self.robot_radius_m + self.side_margin_m

    def nearest_ahead(self, x: np.ndarray, y: np.ndarray) -> float:
        """Distance from the front edge to the nearest point in the corridor (inf if none)."""
        inside = (x > 0) & (np.abs(y) <= self.ring_m)
        if not inside.any():
            return math.inf
        return max(0.0, float(x[inside].min()) - self.robot_radius_m)

    def intrusion(self, x: np.ndarray, y: np.ndarray, speed_mps: float) -> float | None:
        """How far from the robot's edge the nearest point inside the protective field
        (at ``speed_mps`` forward) or the ring is, metres; None when both are clear."""
        ahead = self.nearest_ahead(x, y)
        if speed_mps > 0 and ahead <= self.protective_length(speed_mps):
            return ahead  # (turning on the spot sweeps no floor ahead: only the ring counts)
        distance = np.hypot(x, y)
        near = distance <= self.ring_m
        if near.any():
            return max(0.0, float(distance[near].min()) - self.robot_radius_m)
        return None

    def ring_hit(self, x: np.ndarray, y: np.ndarray) -> bool:
        """True when a point is inside the ring around the robot."""
        return bool((np.hypot(x, y) <= self.ring_m).any())


def robot_frame(
    nodes: Sequence[Node], mount_yaw_rad: float, min_quality: int, max_range_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """(angles, ranges) of the usable nodes in the robot's frame: radians counter-clockwise
    from straight ahead, metres; no echo, too weak or too far is left out."""
    kept = [n for n in nodes if n.distance_mm > 0 and n.quality >= min_quality]
    angles = np.array([n.angle_deg for n in kept], dtype=np.float64)
    ranges = np.array([n.distance_mm for n in kept], dtype=np.float64) / 1000.0
    # the sensor turns clockwise seen from above; the robot's frame is counter-clockwise
    angles = np.mod(mount_yaw_rad - np.radians(angles) + math.pi, 2 * math.pi) - math.pi
    near = ranges <= max_range_m
    return angles[near], ranges[near]


def points(angles: np.ndarray, ranges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x ahead, y left) of samples in the robot's frame, metres."""
    return ranges * np.cos(angles), ranges * np.sin(angles)
