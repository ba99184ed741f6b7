"""The camera interface: frames as 8-bit RGB numpy arrays (height x width x 3).

Frames stay in memory: nothing here writes an image to disk (faces are personal data).

Errors::

    CameraError                   base: no frame could be had
    +-- CameraDeviceError         the device cannot be opened or its library is missing
    +-- CameraTimeout             no frame arrived within the timeout

A bad URL raises :class:`drivers.url.DeviceURLError` (code ``device-url``). All are
:class:`drivers.errors.DeviceError`; codes are :class:`CameraCode`.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drivers.errors import CameraCode, DeviceError


class CameraError(DeviceError):
    """No frame could be had. ``code`` is short and machine-readable."""

    codes = CameraCode
    code = CameraCode.ERROR


class CameraDeviceError(CameraError):
    """The camera cannot be opened, or the library its backend needs is missing."""

    code = CameraCode.DEVICE


class CameraTimeout(CameraError):
    """No frame arrived within the timeout."""

    code = CameraCode.TIMEOUT


@dataclass(frozen=True)
class Frame:
    """One picture: RGB pixels and when it was taken (monotonic seconds)."""

    pixels: npt.NDArray[np.uint8]
    taken_at: float

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])


class Camera(abc.ABC):
    """One camera. ``read`` is blocking and bounded by ``timeout_s``."""

    @abc.abstractmethod
    def read(self, timeout_s: float = 1.0) -> Frame:
        """The newest frame, or :class:`CameraTimeout`."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device."""
