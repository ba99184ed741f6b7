"""A simulated camera that plays still photos, each placed in a lobby-sized frame.

For the face lookup's demo, tests and benchmark: ``PhotoCamera([a, b], 1280, 720)`` shows
photo ``a`` scaled to fit and centred on a grey wall, with fresh sensor noise on every
frame as a real camera has (so two frames are never identical pixels). ``show`` changes
what is held up; ``mirrored`` flips it left to right. Nothing is written anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from drivers.camera.base import Camera, CameraError, Frame

Pixels = npt.NDArray[np.uint8]


def load_photo(path: Path) -> Pixels:
    """An image file as RGB pixels (CameraError when unreadable)."""
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except OSError as exc:
        raise CameraError(f"{path}: not a readable image ({exc})") from exc


def place(photo: Pixels, width: int, height: int, *, mirrored: bool = False) -> Pixels:
    """``photo`` scaled to fit ``width`` x ``height`` and centred on a grey wall."""
    ph, pw = photo.shape[:2]
    scale = min(width / pw, height / ph)
    size = (max(1, round(pw * scale)), max(1, round(ph * scale)))
    fitted = np.asarray(Image.fromarray(photo).resize(size, Image.Resampling.BILINEAR))
    if mirrored:
        fitted = fitted[:, ::-1]
    frame = np.full((height, width, 3), 168, dtype=np.uint8)
    top, left = (height - size[1]) // 2, (width - size[0]) // 2
    frame[top : top + size[1], left : left + size[0]] = fitted
    return frame


class PhotoCamera(Camera):
    """Plays ``photos`` in turn (one per ``read``, looping), or holds the one ``show``n."""

    def __init__(
        self,
        photos: Sequence[Pixels],
        width: int = 1280,
        height: int = 720,
        *,
        seed: int = 0,
        noise: int = 3,
    ) -> None:
        self.width, self.height = width, height
        self._frames = [place(p, width, height) for p in photos]
        self._next = 0
        self._noise = noise
        self._rng = np.random.default_rng(seed)
        #: set to False to simulate a pulled cable
        self.connected = True

    def show(self, *photos: Pixels, mirrored: bool = False) -> None:
        """Hold up these photos from now on (in turn)."""
        self._frames = [place(p, self.width, self.height, mirrored=mirrored) for p in photos]
        self._next = 0

    def read(self, timeout_s: float = 1.0) -> Frame:
        """The next photo with fresh sensor noise; CameraError when disconnected or empty."""
        if not self.connected:
            raise CameraError("photo camera: unplugged")
        if not self._frames:
            raise CameraError("photo camera: nothing to show")
        base = self._frames[self._next % len(self._frames)]
        self._next += 1
        if not self._noise:
            return Frame(base.copy(), time.monotonic())
        noise = self._rng.integers(-self._noise, self._noise + 1, size=base.shape, dtype=np.int16)
        pixels = np.clip(base.astype(np.int16) + noise, 0, 255).astype(np.uint8)
        return Frame(pixels, time.monotonic())
