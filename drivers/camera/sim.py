"""``sim://`` camera: an empty lobby, a person in front of the kiosk when told so, and
whatever picture is held up to it (a phone showing a booking's QR code).

The frames are drawn pixels (a floor, a wall and, when ``person_present`` is set, a
standing figure close to the camera), so a presence detector works on them exactly as on
a real camera's frames. Tests and the demo change ``person_present``; ``unplugged``
makes every read fail the way a pulled USB camera does (``CameraDeviceError``).
"""

from __future__ import annotations

import threading
import time

import numpy as np

from drivers.camera.base import Camera, CameraDeviceError, Frame


class SimCamera(Camera):
    """A simulated camera of ``width`` x ``height`` pixels with light sensor noise.

    The scene is drawn again only when it changes (``person_present``, ``held_up``); each
    frame is the scene plus noise taken at a random offset from a bank drawn once, so a
    1280x720 frame costs a few milliseconds instead of tens (the presence watcher reads
    one four times a second) and two frames are still never the same pixels.

    Reads may come from several threads at once (the kiosk's presence watcher and its QR
    scanner): the scene is drawn from one snapshot of what is in front of the camera,
    under a lock. (Reading ``held_up`` again after drawing once marked a scene drawn
    without the receipt as showing it, and the receipt was never seen.)"""

    def __init__(self, width: int = 320, height: int = 240, *, seed: int = 0) -> None:
        self.width, self.height = width, height
        self.person_present = False
        #: frames taken so far (tests wait for the empty lobby to have been seen)
        self.frames_read = 0
        #: a picture held up to the camera (e.g. a phone showing a QR code), RGB
        self.held_up: np.ndarray | None = None
        #: the cable is pulled: reads fail until it is plugged back
        self.unplugged = False
        self._rng = np.random.default_rng(seed)
        self._lobby = np.zeros((height, width, 3), dtype=np.uint8)
        self._lobby[: height * 2 // 3] = (200, 196, 188)  # wall
        self._lobby[height * 2 // 3 :] = (120, 110, 100)  # floor
        size = height * width * 3
        #: noise of -3..+3 as 0..6 added to a scene lowered by 3 (no overflow, no clipping)
        self._noise = self._rng.integers(0, 7, size=size * 2, dtype=np.uint8)
        self._scene: np.ndarray | None = None
        self._drawn_for: tuple[bool, np.ndarray | None] | None = None
        self._lock = threading.Lock()

    def _draw(self, person_present: bool, held_up: np.ndarray | None) -> np.ndarray:
        frame = self._lobby.copy()
        if person_present:
            w, h = self.width, self.height
            cx = w // 2
            frame[h // 4 : h, cx - w // 6 : cx + w // 6] = (40, 60, 140)  # body
            yy, xx = np.ogrid[:h, :w]
            head = (yy - h // 6) ** 2 + (xx - cx) ** 2 <= (h // 8) ** 2
            frame[head] = (224, 172, 140)
        if held_up is not None:
            ph, pw = held_up.shape[:2]
            top, left = max(0, (self.height - ph) // 2), max(0, (self.width - pw) // 2)
            frame[top : top + ph, left : left + pw] = held_up[: self.height, : self.width]
        return np.clip(frame, 3, 252) - np.uint8(3)

    def read(self, timeout_s: float = 1.0) -> Frame:
        """A frame of the lobby (with the person when present)."""
        if self.unplugged:
            raise CameraDeviceError("sim camera: no device (unplugged)")
        wanted = (self.person_present, self.held_up)  # one snapshot, drawn and recorded
        with self._lock:
            self.frames_read += 1
            drawn = self._drawn_for
            if (
                drawn is None
                or self._scene is None
                or drawn[0] != wanted[0]
                or drawn[1] is not wanted[1]
            ):
                self._scene = self._draw(*wanted)
                self._drawn_for = wanted
            scene = self._scene
            offset = int(self._rng.integers(0, self._noise.size - scene.size))
        noise = self._noise[offset : offset + scene.size].reshape(scene.shape)
        return Frame(scene + noise, time.monotonic())
