"""``v4l2:///dev/video0`` and ``video://file.mp4`` cameras through OpenCV.

OpenCV (opencv-python-headless) is imported here only, so ``sim://`` and ``dir://`` run
without it. ``cv2.VideoCapture.read`` has no timeout of its own: the read runs in a
worker thread that is given ``timeout_s`` to answer.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from typing import Any

import numpy as np

from drivers.camera.base import Camera, CameraDeviceError, CameraError, CameraTimeout, Frame

_LOGGER = logging.getLogger(__name__)


class OpenCVCamera(Camera):
    """A V4L2 device or a video file."""

    def __init__(self, source: str, *, width: int | None = None, height: int | None = None,
                 loop: bool = False) -> None:
        try:
            import cv2
        except ImportError as exc:
            raise CameraDeviceError(
                f"{source}: OpenCV is not installed (pip install opencv-python-headless)"
            ) from exc
        self._cv2: Any = cv2
        self._source = source
        self._loop = loop
        self._capture = cv2.VideoCapture(source)
        if not self._capture.isOpened():
            raise CameraDeviceError(f"{source}: cannot open the camera or video")
        if width and height:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._reader = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="camera")

    def read(self, timeout_s: float = 1.0) -> Frame:
        """The next frame, converted from BGR to RGB."""
        future = self._reader.submit(self._capture.read)
        try:
            ok, bgr = future.result(timeout=timeout_s)
        except concurrent.futures.TimeoutError:
            raise CameraTimeout(f"{self._source}: no frame within {timeout_s} s") from None
        if not ok and self._loop:
            self._capture.set(self._cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = self._capture.read()
        if not ok or bgr is None:
            raise CameraError(f"{self._source}: the camera gave no frame (unplugged?)")
        rgb = self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB)
        return Frame(np.ascontiguousarray(rgb, dtype=np.uint8), time.monotonic())

    def close(self) -> None:
        """Release the device and the reader thread."""
        self._capture.release()
        self._reader.shutdown(wait=False, cancel_futures=True)
