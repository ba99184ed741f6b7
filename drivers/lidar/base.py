"""The lidar interface: batches of range samples as they arrive, and whole revolutions.

A 2D lidar spins and streams samples; waiting for a whole revolution (about 180 ms on an
RPLIDAR A1) before looking at any of it would put that long into the time from a person
stepping in front to the stop. So a lidar hands every batch of samples to its listeners
as soon as it is read (in the reader's thread), and also keeps the last whole revolution
for planning and localisation.

Angles are in the robot's frame: radians, counter-clockwise, 0 = straight ahead (the
driver turns the sensor's clockwise degrees and its mounting yaw into this). Ranges are
metres; samples without an echo are left out.

Errors::

    LidarError     lidar-error, lidar-port (cable pulled), lidar-silent, lidar-reply,
                   lidar-health (the sensor reports a hardware fault)
"""

from __future__ import annotations

import abc
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from drivers.base.clock import Clock
from drivers.errors import DeviceError, LidarCode

_LOGGER = logging.getLogger(__name__)


class LidarError(DeviceError):
    """The lidar cannot be used as asked. ``code`` is one of :class:`LidarCode`."""

    codes = LidarCode
    code = LidarCode.ERROR


@dataclass(frozen=True)
class ScanBatch:
    """Samples read together: robot-frame angles (rad) and ranges (m), on the lidar's clock."""

    stamp: float
    angles: np.ndarray
    ranges: np.ndarray
    #: True when this batch starts a new revolution
    new_scan: bool = False
    #: for a whole revolution: the stamp of its first batch (samples are in time order
    #: between ``start_stamp`` and ``stamp``, which lets a moving robot undo the blur)
    start_stamp: float | None = None

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """(x ahead, y left) of every sample in the robot's frame, metres."""
        return self.ranges * np.cos(self.angles), self.ranges * np.sin(self.angles)


Listener = Callable[[ScanBatch], None]


@dataclass
class LidarStats:
    """Counters for the health endpoint and tests."""

    batches: int = 0
    samples: int = 0
    revolutions: int = 0
    skipped_bytes: int = 0
    reconnects: int = 0
    disconnects: int = 0
    last_error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Lidar(abc.ABC):
    """A spinning 2D range sensor (see module docstring)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.stats = LidarStats()
        self._listeners: list[Listener] = []
        self._latest: ScanBatch | None = None
        self._last_batch_at: float | None = None
        self._revolution: list[ScanBatch] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(batch)`` for every batch, in the reader's thread."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _publish(self, batch: ScanBatch) -> None:
        with self._lock:
            self.stats.batches += 1
            self.stats.samples += len(batch.ranges)
            self._last_batch_at = batch.stamp
            if batch.new_scan and self._revolution:
                self._latest = _join(self._revolution)
                self._revolution = []
                self.stats.revolutions += 1
            self._revolution.append(batch)
        for listener in list(self._listeners):
            try:
                listener(batch)
            except Exception:  # noqa: BLE001 - a listener must not kill the reader
                _LOGGER.exception("lidar listener failed")

    def latest_scan(self) -> ScanBatch | None:
        """The last whole revolution (None before the first one is complete)."""
        with self._lock:
            return self._latest

    @property
    def last_batch_at(self) -> float | None:
        """Clock time of the last batch received (None before any)."""
        return self._last_batch_at

    @property
    @abc.abstractmethod
    def connected(self) -> bool:
        """True while the sensor streams."""

    def wait_streaming(self, timeout_s: float) -> bool:
        """Wait (wall time, blocking) until the sensor streams; False when it did not."""
        deadline = time.monotonic() + timeout_s
        while not self.connected and time.monotonic() < deadline:
            time.sleep(0.005)
        return self.connected

    def settle(self) -> None:  # noqa: B027 - a no-op on hardware, meaningful in virtual time
        """Block until every sample up to ``clock.now()`` has been delivered (virtual time)."""

    def health(self) -> dict[str, Any]:
        """Counters and link state for the health endpoint (no I/O)."""
        return {
            "connected": self.connected,
            "reader_priority": getattr(self, "priority", None),
            "revolutions": self.stats.revolutions,
            "samples": self.stats.samples,
            "skipped_bytes": self.stats.skipped_bytes,
            "disconnects": self.stats.disconnects,
            "reconnects": self.stats.reconnects,
            "last_error": self.stats.last_error,
        }

    @abc.abstractmethod
    def close(self) -> None:
        """Stop scanning and release the port."""


def _join(batches: list[ScanBatch]) -> ScanBatch:
    return ScanBatch(
        stamp=batches[-1].stamp,
        angles=np.concatenate([b.angles for b in batches]),
        ranges=np.concatenate([b.ranges for b in batches]),
        new_scan=True,
        start_stamp=batches[0].stamp,
    )
