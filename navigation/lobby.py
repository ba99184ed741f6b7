"""The lobby map: an occupancy image plus a YAML of named poses and speed zones.

The format is ROS map_server's (``image``, ``resolution``, ``origin``, ``occupied_thresh``,
``free_thresh``, ``negate``) with two additions: ``poses`` (``dock``, counters ``Q1``..,
waiting areas; x, y in metres, theta in radians) and ``speed_zones`` (axis-aligned
rectangles with a lower speed limit). A pixel's occupancy is ``(255 - value) / 255``
(inverted when ``negate``); above ``occupied_thresh`` it is occupied, below
``free_thresh`` free, and in between unknown, which the robot treats as occupied.
The image's bottom-left pixel sits at ``origin``; rotated origins are refused.

Errors are LobbyError and its children from :mod:`navigation.errors`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFont
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from navigation.errors import LobbyFileError, LobbyFormatError, UnknownPoseError

_LOGGER = logging.getLogger(__name__)


class Pose(BaseModel):
    """A named place on the map: where the robot stops and which way it faces."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    x: float
    """Metres east of the map origin."""
    y: float
    """Metres north of the map origin."""
    theta: float = Field(default=0.0, ge=-2 * math.pi, le=2 * math.pi)
    """Heading in radians, 0 = along +x."""


class SpeedZone(BaseModel):
    """A rectangle in which the robot must not go faster than ``max_speed_mps``."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    name: str
    """Name for logs (e.g. entrance, waiting)."""
    x_min: float
    """West edge, metres."""
    y_min: float
    """South edge, metres."""
    x_max: float
    """East edge, metres."""
    y_max: float
    """North edge, metres."""
    max_speed_mps: float = Field(gt=0.0, le=1.5)
    """Speed limit inside the zone, m/s."""

    def contains(self, x: float, y: float) -> bool:
        """True when (x, y) lies inside the rectangle."""
        return self.x_min <= x <= self.x_max and self.y_min <= y <= self.y_max

    def touches(self, x: float, y: float, radius: float) -> bool:
        """True when a disc of ``radius`` around (x, y) overlaps the rectangle."""
        dx = max(self.x_min - x, 0.0, x - self.x_max)
        dy = max(self.y_min - y, 0.0, y - self.y_max)
        return dx * dx + dy * dy <= radius * radius


class LobbyFile(BaseModel):
    """The YAML file as written by a technician."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    image: str
    """Occupancy image, relative to the YAML file."""
    resolution: float = Field(gt=0.005, le=1.0)
    """Metres per pixel."""
    origin: tuple[float, float, float]
    """Pose of the bottom-left pixel: x, y, yaw (yaw must be 0)."""
    occupied_thresh: float = Field(default=0.65, ge=0.0, le=1.0)
    """Occupancy above which a pixel is an obstacle."""
    free_thresh: float = Field(default=0.196, ge=0.0, le=1.0)
    """Occupancy below which a pixel is free."""
    negate: int = Field(default=0, ge=0, le=1)
    """1 when white means occupied."""
    mode: str = "trinary"
    """Only trinary maps are read."""
    poses: dict[str, Pose]
    """Named poses: dock, counters Q1.., waiting areas."""
    speed_zones: list[SpeedZone] = Field(default_factory=list)
    """Rectangles with a lower speed limit."""


@dataclass(eq=False)
class LobbyMap:
    """A loaded lobby: occupancy grid (row 0 = top of the image), poses and speed zones."""

    occupied: np.ndarray
    resolution: float
    origin_x: float
    origin_y: float
    poses: dict[str, Pose]
    speed_zones: list[SpeedZone] = field(default_factory=list)
    source: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid."""
        return self.occupied.shape[0], self.occupied.shape[1]

    def to_cell(self, x: float, y: float) -> tuple[int, int]:
        """Grid (row, column) of a point in metres (may be outside the grid)."""
        col = math.floor((x - self.origin_x) / self.resolution)
        row = self.shape[0] - 1 - math.floor((y - self.origin_y) / self.resolution)
        return row, col

    def to_world(self, row: float, col: float) -> tuple[float, float]:
        """Centre of a grid cell in metres."""
        x = self.origin_x + (col + 0.5) * self.resolution
        y = self.origin_y + (self.shape[0] - 1 - row + 0.5) * self.resolution
        return x, y

    def pose(self, name: str) -> Pose:
        """The pose called ``name``; raise UnknownPoseError listing the known names."""
        try:
            return self.poses[name]
        except KeyError:
            raise UnknownPoseError(
                f"{self.source}: no pose {name!r}; known: {', '.join(sorted(self.poses))}"
            ) from None

    def speed_limit_at(self, x: float, y: float) -> float | None:
        """The lowest zone limit covering (x, y), or None outside every zone."""
        limits = [z.max_speed_mps for z in self.speed_zones if z.contains(x, y)]
        return min(limits) if limits else None

    def speed_limit_over(self, x: float, y: float, radius: float) -> float | None:
        """The lowest limit of any zone the robot's footprint (a disc) touches, or None."""
        limits = [z.max_speed_mps for z in self.speed_zones if z.touches(x, y, radius)]
        return min(limits) if limits else None

    def render_route_png(
        self,
        start_pose: str,
        goal_pose: str,
        path: Sequence[tuple[float, float]],
        *,
        width_px: int = 480,
    ) -> Image.Image:
        """A small picture of the lobby with the route drawn, for a kiosk without a base."""
        start, goal = self.pose(start_pose), self.pose(goal_pose)
        rows, cols = self.shape
        scale = width_px / cols
        base = np.where(self.occupied, 70, 245).astype(np.uint8)
        image = Image.fromarray(base, mode="L").convert("RGB")
        image = image.resize((width_px, max(1, round(rows * scale))), Image.Resampling.BILINEAR)
        draw = ImageDraw.Draw(image)

        def px(x: float, y: float) -> tuple[float, float]:
            row, col = self.to_cell(x, y)
            return (col + 0.5) * scale, (row + 0.5) * scale

        for zone in self.speed_zones:
            x0, y0 = px(zone.x_min, zone.y_max)
            x1, y1 = px(zone.x_max, zone.y_min)
            draw.rectangle((x0, y0, x1, y1), outline=(230, 170, 40), width=1)
        points = [px(x, y) for x, y in path] or [px(start.x, start.y), px(goal.x, goal.y)]
        if len(points) > 1:
            draw.line(points, fill=(220, 30, 30), width=max(2, width_px // 160), joint="curve")
        dot = max(4, width_px // 80)
        for pose, colour in ((start, (30, 150, 60)), (goal, (30, 80, 220))):
            cx, cy = px(pose.x, pose.y)
            draw.ellipse((cx - dot, cy - dot, cx + dot, cy + dot), fill=colour)
        gx, gy = px(goal.x, goal.y)
        font = ImageFont.load_default(size=max(12, width_px // 30))
        left, top, right, bottom = draw.textbbox((0, 0), goal_pose, font=font)
        # keep the label inside the picture: left of the dot near the east wall, below near the top
        tx = gx + dot + 2 if gx + dot + 2 + right < width_px else gx - dot - 2 - right
        ty = max(0.0, min(gy - bottom / 2, image.height - bottom))
        draw.text((tx, ty), goal_pose, fill=(30, 80, 220), font=font)
        return image


def _occupancy(path: Path, spec: LobbyFile) -> np.ndarray:
    try:
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("L"), dtype=np.float32)
    except FileNotFoundError:
        raise LobbyFileError(f"{path}: map image not found") from None
    except OSError as exc:
        raise LobbyFormatError(f"{path}: not a readable image ({exc})") from exc
    occupancy = pixels / 255.0 if spec.negate else (255.0 - pixels) / 255.0
    # unknown (between the thresholds) counts as occupied: the robot never drives blind
    return np.asarray(occupancy >= spec.free_thresh)


def load_lobby(yaml_path: str | Path) -> LobbyMap:
    """Load and check a lobby map; raise LobbyError naming the file, key and reason."""
    path = Path(yaml_path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LobbyFileError(f"{path}: lobby map file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LobbyFileError(f"{path}: cannot read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise LobbyFormatError(f"{path}: not valid YAML ({exc})") from exc
    try:
        spec = LobbyFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise LobbyFormatError(f"{path}: {problems}") from None
    if spec.origin[2] != 0.0:
        raise LobbyFormatError(f"{path}: origin yaw {spec.origin[2]} is not supported (use 0)")
    if spec.free_thresh > spec.occupied_thresh:
        raise LobbyFormatError(f"{path}: free_thresh is above occupied_thresh")
    if "dock" not in spec.poses:
        raise LobbyFormatError(f"{path}: poses: no 'dock' pose")
    lobby = LobbyMap(
        occupied=_occupancy(path.parent / spec.image, spec),
        resolution=spec.resolution,
        origin_x=spec.origin[0],
        origin_y=spec.origin[1],
        poses=dict(spec.poses),
        speed_zones=list(spec.speed_zones),
        source=str(path),
    )
    rows, cols = lobby.shape
    for name, pose in lobby.poses.items():
        row, col = lobby.to_cell(pose.x, pose.y)
        if not (0 <= row < rows and 0 <= col < cols) or lobby.occupied[row, col]:
            raise LobbyFormatError(
                f"{path}: poses.{name}: ({pose.x}, {pose.y}) is not on free floor"
            )
    _LOGGER.info("lobby %s: %dx%d cells, %d poses", path, cols, rows, len(lobby.poses))
    return lobby
