"""Noticing that somebody stands in front of the kiosk, from the camera, without faces.

A running-average background of the empty lobby on small grey frames; when enough of the
picture differs from it for a few frames in a row, somebody is there and the daemon gets
one :class:`~kiosk.events.PersonDetected` (the attract screen greets them). It re-arms
once the picture is back to the background. Written here rather than with OpenCV's
background subtractors so that a kiosk without OpenCV (``sim://``, ``dir://``) has it;
it needs a few numpy operations on a 80 x 60 picture. No frame is kept or written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from drivers.camera import Camera, CameraError, Frame
from kiosk.events import KioskEvent, PersonDetected

_LOGGER = logging.getLogger(__name__)


class PresenceSettings(BaseModel):
    """Noticing a person in front of the kiosk from the camera."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    interval_s: float = Field(default=0.25, ge=0.05, le=5)
    """How often a frame is looked at."""
    changed_fraction: float = Field(default=0.08, gt=0, lt=1)
    """Share of the picture that must differ from the empty lobby to count as somebody."""
    frames: int = Field(default=2, ge=1, le=20)
    """Frames in a row that must show somebody before the kiosk greets."""
    adapt: float = Field(default=0.05, gt=0, le=0.5)
    """How fast the empty-lobby picture follows slow changes (light, a moved bench)."""


class PresenceDetector:
    """Frame differencing against a slowly adapting background."""

    def __init__(self, settings: PresenceSettings) -> None:
        self.settings = settings
        self._background: npt.NDArray[np.float32] | None = None
        self._streak = 0
        self.present = False
        #: frames looked at so far (a caller can wait for the next one)
        self.frames_seen = 0

    def feed(self, frame: Frame) -> bool:
        """Look at ``frame``; True exactly when a person has just arrived."""
        grey = _small_grey(frame.pixels)
        self.frames_seen += 1
        if self._background is None:
            self._background = grey
            return False
        changed = float(np.mean(np.abs(grey - self._background) > 25.0))
        somebody = changed >= self.settings.changed_fraction
        if not somebody:
            # Only an empty picture teaches the background, so a person standing still
            # does not fade into it.
            self._background += self.settings.adapt * (grey - self._background)
        self._streak = self._streak + 1 if somebody else 0
        arrived = not self.present and self._streak >= self.settings.frames
        if arrived:
            self.present = True
        elif not somebody:
            self.present = False
        return arrived


def _small_grey(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    h, w = pixels.shape[:2]
    step_y, step_x = max(1, h // 60), max(1, w // 80)
    small = pixels[::step_y, ::step_x].astype(np.float32)
    return small @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


async def watch(camera: Camera, settings: PresenceSettings,
                post: Callable[[KioskEvent], None],
                seen: Callable[[bool], None] | None = None,
                detector: PresenceDetector | None = None) -> None:
    """Poll ``camera`` forever; post PersonDetected on each arrival. Camera faults are
    logged once per outage and retried: the kiosk works without the camera. ``seen`` is
    told of each frame (True) or fault (False): the face button follows the camera.
    ``detector``: the one to feed (the daemon's, which others may read), else a new one."""
    detector = detector or PresenceDetector(settings)
    failing = False
    while True:
        try:
            frame = await asyncio.to_thread(camera.read, 1.0)
        except CameraError as exc:
            if not failing:
                _LOGGER.error("TECHNICIAN: camera gives no frames (%s); greeting by touch only",
                              exc)
            failing = True
            if seen is not None:
                seen(False)
            await asyncio.sleep(max(1.0, settings.interval_s))
            continue
        if failing:
            _LOGGER.warning("camera is back")
            failing = False
        if seen is not None:
            seen(True)
        if detector.feed(frame):
            post(PersonDetected())
        await asyncio.sleep(settings.interval_s)
