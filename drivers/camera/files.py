"""``dir://PATH`` camera: frames from the image files in a folder, in name order, looping.

For the demo and for replaying what a lobby camera saw; the images are only read.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from drivers.camera.base import Camera, CameraDeviceError, CameraError, Frame

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


class DirectoryCamera(Camera):
    """Serves the folder's images one per ``read``."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise CameraDeviceError(f"dir://{folder}: not a folder")
        self._files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise CameraDeviceError(f"dir://{folder}: no {', '.join(IMAGE_SUFFIXES)} images")
        self._next = 0

    def read(self, timeout_s: float = 1.0) -> Frame:
        """The next image as an RGB frame."""
        path = self._files[self._next % len(self._files)]
        self._next += 1
        try:
            with Image.open(path) as image:
                pixels = np.asarray(image.convert("RGB"), dtype=np.uint8)
        except (OSError, UnidentifiedImageError) as exc:
            raise CameraError(f"{path}: not a readable image ({exc})") from exc
        return Frame(pixels, time.monotonic())
