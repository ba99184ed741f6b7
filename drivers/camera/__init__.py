"""Cameras chosen by URL: ``v4l2:///dev/video0``, ``video://file.mp4``, ``dir://folder``, ``sim://``."""

from __future__ import annotations

from pathlib import Path

from drivers.camera.base import (
    Camera,
    CameraDeviceError,
    CameraError,
    CameraTimeout,
    Frame,
)
from drivers.url import DeviceURLError, parse_device_url

__all__ = [
    "SCHEMES",
    "URL_OPTIONS",
    "Camera",
    "CameraDeviceError",
    "CameraError",
    "CameraTimeout",
    "Frame",
    "open_camera",
]

#: every camera backend and the URL options it reads
URL_OPTIONS: dict[str, frozenset[str]] = {
    "v4l2": frozenset({"width", "height", "loop"}),
    "video": frozenset({"width", "height", "loop"}),
    "dir": frozenset(),
    "sim": frozenset({"width", "height", "seed"}),
}
SCHEMES = tuple(URL_OPTIONS)


def open_camera(url: str) -> Camera:
    """Open the camera named by ``url``; DeviceURLError or CameraDeviceError when it cannot."""
    parsed = parse_device_url(url, URL_OPTIONS)
    path = parsed.netloc + parsed.path
    if parsed.scheme == "sim":
        from drivers.camera.sim import SimCamera

        return SimCamera(parsed.option_int("width", 320, low=16, high=4096),
                         parsed.option_int("height", 240, low=16, high=4096),
                         seed=parsed.option_int("seed", 0, low=0, high=2**31))
    if not path:
        raise DeviceURLError(f"{url}: no path")
    if parsed.scheme == "dir":
        from drivers.camera.files import DirectoryCamera

        return DirectoryCamera(Path(path))
    from drivers.camera.opencv import OpenCVCamera

    return OpenCVCamera(path, width=parsed.option_int("width", 0, low=0, high=4096) or None,
                        height=parsed.option_int("height", 0, low=0, high=4096) or None,
                        loop=parsed.option_bool("loop", parsed.scheme == "video"))
