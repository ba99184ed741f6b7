"""Serve a :class:`SimController` on a pseudo-terminal, so the driver talks to it through
pyserial exactly as to a real controller on /dev/ttyUSB0.

A thread reads the pty's master side and writes the controller's answers back. The
slave side is kept open here too, so the master never sees EIO when a client (or a
killed client process) closes it.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
import tty
from typing import Any

from drivers.base.roboclaw import RoboClawBase
from drivers.base.sim import SimController

_LOGGER = logging.getLogger(__name__)


class SimPtyServer:
    """A thread answering packet-serial bytes on a pty; ``path`` is the device to open."""

    def __init__(self, controller: SimController) -> None:
        self.controller = controller
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no line discipline: bytes pass as they are
        self.path = os.ttyname(self._slave)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sim-base-pty", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                _LOGGER.warning("sim pty read failed", exc_info=True)
                return
            reply = self.controller.receive(data, time.monotonic())
            if reply:
                os.write(self._master, reply)

    def close(self) -> None:
        """Stop the thread and close both sides of the pty."""
        self._stopping.set()
        self._thread.join(timeout=1.0)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass


class SimulatedBase(RoboClawBase):
    """The real RoboClaw driver talking to an in-process simulator over a pty."""

    def __init__(self, controller: SimController, **driver_options: Any) -> None:
        self.sim = controller
        self.server = SimPtyServer(controller)
        try:
            super().__init__(self.server.path, clock=controller.clock, **driver_options)
        except Exception:
            self.server.close()
            raise

    def close(self) -> None:
        """Close the driver, then the simulator's pty."""
        super().close()
        self.server.close()
