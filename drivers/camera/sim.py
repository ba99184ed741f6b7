"""``sim://`` camera: an empty lobby, and a person in front of the kiosk when told so.

The frames are drawn pixels (a floor, a wall and, when ``person_present`` is set, a
standing figure close to the camera), so a presence detector works on them exactly as on
a real camera's frames. Tests and the demo change ``person_present``.
"""

from __future__ import annotations

import time

import numpy as np

from drivers.camera.base import Camera, Frame


class SimCamera(Camera):
    """A simulated camera of ``width`` x ``height`` pixels with light sensor noise."""

    def __init__(self, width: int = 320, height: int = 240, *, seed: int = 0) -> None:
        self.width, self.height = width, height
        self.person_present = False
        self._rng = np.random.default_rng(seed)
        self._lobby = np.zeros((height, width, 3), dtype=np.uint8)
        self._lobby[: height * 2 // 3] = (200, 196, 188)  # wall
        self._lobby[height * 2 // 3 :] = (120, 110, 100)  # floor

    def read(self, timeout_s: float = 1.0) -> Frame:
        """A frame of the lobby (with the person when present)."""
        frame = self._lobby.copy()
        if self.person_present:
            w, h = self.width, self.height
            cx = w // 2
            frame[h // 4 : h, cx - w // 6 : cx + w // 6] = (40, 60, 140)  # body
            yy, xx = np.ogrid[:h, :w]
            head = (yy - h // 6) ** 2 + (xx - cx) ** 2 <= (h // 8) ** 2
            frame[head] = (224, 172, 140)
        noise = self._rng.integers(-3, 4, size=frame.shape, dtype=np.int16)
        pixels = np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)
        return Frame(pixels, time.monotonic())
