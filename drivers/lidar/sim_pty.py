"""Serve a :class:`SimRPLidar` on a pseudo-terminal, and the driver that talks to it.

:class:`LidarPtyServer` answers requests on the pty's master side and, on a wall clock,
streams the nodes every few milliseconds as a spinning sensor does. With a virtual clock
nothing streams by itself: :meth:`LidarPtyServer.pump` writes the nodes due up to the
clock's now, and :meth:`SimulatedLidar.settle` pumps and waits until the driver has read
them all, so a fast simulation sees exactly the samples of each instant. ``unplug`` and
``replug`` act out a pulled and a replugged USB cable under the same symlink.
"""

from __future__ import annotations

import logging
import os
import select
import shutil
import tempfile
import threading
import time
from typing import Any

from drivers.base.clock import VirtualClock
from drivers.lidar.rplidar import RPLidar
from drivers.lidar.sim import SimRPLidar
from drivers.pty_cable import PtyCable

_LOGGER = logging.getLogger(__name__)

#: how often the streaming thread writes the samples due, seconds (wall clock)
STREAM_PERIOD_S = 0.005


class LidarPtyServer(PtyCable):
    """A thread serving one simulated sensor on a pty; ``path`` is the device to open."""

    def __init__(self, sensor: SimRPLidar, *, link: str | None = None) -> None:
        self.sensor = sensor
        self.virtual = isinstance(sensor.clock, VirtualClock)
        self.bytes_out = 0
        super().__init__(link)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sim-lidar-pty", daemon=True)
        self._thread.start()

    def _write(self, data: bytes) -> None:
        with self._lock:
            master = self._master
            if master < 0 or not data:
                return
            view = memoryview(data)
            try:
                while view:
                    written = os.write(master, view)
                    view = view[written:]
                    self.bytes_out += written
            except OSError:
                _LOGGER.debug("sim lidar write failed (unplugged?)", exc_info=True)

    def pump(self) -> int:
        """Write the nodes due up to the clock's now; return how many bytes."""
        data = self.sensor.emit_until(self.sensor.clock.now())
        self._write(data)
        return len(data)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            master = self._master
            if master < 0:
                time.sleep(0.01)
                continue
            try:
                ready, _, _ = select.select([master], [], [], STREAM_PERIOD_S)
                data = os.read(master, 4096) if ready else b""
            except (OSError, ValueError):
                time.sleep(0.01)
                continue
            if data:
                self._write(self.sensor.receive(data))
            if not self.virtual:
                self.pump()

    def close(self) -> None:
        """Stop the thread and close the pty."""
        self._stopping.set()
        self._thread.join(timeout=1.0)
        self.unplug()


class SimulatedLidar(RPLidar):
    """The real RPLIDAR driver reading a simulated sensor through a pty (``sim://``)."""

    def __init__(self, sensor: SimRPLidar, **driver_options: Any) -> None:
        self.sensor = sensor
        self._link_dir = tempfile.mkdtemp(prefix="kiosk-sim-lidar-")
        self.server = LidarPtyServer(sensor, link=os.path.join(self._link_dir, "kiosk-lidar"))
        assert self.server.link is not None
        super().__init__(self.server.link, clock=sensor.clock, **driver_options)

    @property
    def silent_limit_s(self) -> float:
        """In virtual time samples come only when someone settles: never call that silence."""
        return float("inf") if self.server.virtual else self.silent_s

    def settle(self) -> None:
        """In virtual time: stream what is due now and wait until the driver read it all."""
        if not self.server.virtual or not self.connected:
            return
        self.server.pump()
        # generous: in virtual time a sample read late is stamped late, which is worse
        # than a slow simulation on an overloaded host
        deadline = time.monotonic() + 10.0
        # bytes_delivered moves after the listeners ran on the batch those bytes completed
        while self.bytes_delivered < self.server.bytes_out and time.monotonic() < deadline:
            time.sleep(0.0002)

    def close(self) -> None:
        """Close the driver, then the simulator's pty."""
        super().close()
        self.server.close()
        shutil.rmtree(self._link_dir, ignore_errors=True)
