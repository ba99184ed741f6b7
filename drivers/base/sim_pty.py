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
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from drivers.base import protocol as p
from drivers.base.clock import VirtualClock
from drivers.base.roboclaw import RoboClawBase
from drivers.base.sim import SimController
from drivers.pty_cable import PtyCable

_LOGGER = logging.getLogger(__name__)

#: in virtual time, a withheld reply costs what it would on a real controller's link
VIRTUAL_REPLY_TIMEOUT_S = 0.02


class SimPtyServer(PtyCable):
    """A thread answering packet-serial bytes on a pty; ``path`` is the device to open.

    With ``link`` (a path such as the udev name ``/dev/kiosk-base``), a symlink to the
    pty is kept there, and :meth:`unplug` / :meth:`replug` act out a pulled and a
    replugged USB cable: the pty disappears (the driver's next call fails as on a real
    vanished device), then a new pty appears under the same link.
    """

    def __init__(self, controller: SimController, *, link: str | None = None) -> None:
        self.controller = controller
        super().__init__(link)
        self._stopping = threading.Event()
        self._on_start: list[Callable[[], object]] = []
        self._thread = threading.Thread(target=self._serve, name="sim-base-pty", daemon=True)
        self._thread.start()

    def on_start(self, hook: Callable[[], object]) -> None:
        """Run ``hook`` in the server's thread (e.g. to raise its priority in a benchmark)."""
        self._on_start.append(hook)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            while self._on_start:
                self._on_start.pop()()
            master = self._master
            if master < 0:
                time.sleep(0.01)
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(master, 4096)
            except (OSError, ValueError):
                if self._master == master and not self._stopping.is_set():
                    _LOGGER.warning("sim pty read failed", exc_info=True)
                    time.sleep(0.01)
                continue
            reply = self.controller.receive(data, time.monotonic())
            if reply:
                try:
                    os.write(master, reply)
                except OSError:
                    _LOGGER.debug("sim pty write failed (unplugged?)", exc_info=True)

    def close(self) -> None:
        """Stop the thread and close both sides of the pty."""
        self._stopping.set()
        self._thread.join(timeout=1.0)
        self.unplug()


class SimulatedBase(RoboClawBase):
    """The real RoboClaw driver talking to an in-process simulator over a pty.

    The driver opens a symlink to the pty (like the udev name of a real base), so
    ``base.server.unplug()`` / ``replug()`` act out a pulled and replugged cable.
    """

    def __init__(self, controller: SimController, **driver_options: Any) -> None:
        self.sim = controller
        self._link_dir = tempfile.mkdtemp(prefix="kiosk-sim-base-")
        self.server = SimPtyServer(controller, link=os.path.join(self._link_dir, "kiosk-base"))
        if isinstance(controller.clock, VirtualClock):
            # in virtual time a busy host's pause is no controller fault: wait as for replies
            driver_options.setdefault("write_timeout_s", 0.5)
        try:
            assert self.server.link is not None
            super().__init__(self.server.link, clock=controller.clock, **driver_options)
        except Exception:
            self.server.close()
            shutil.rmtree(self._link_dir, ignore_errors=True)
            raise

    def _read_reply(self, port: Any, want: int) -> bytes:
        withheld = self.sim.log.withheld_replies
        reply = super()._read_reply(port, want)
        if (
            len(reply) < want
            and isinstance(self.clock, VirtualClock)
            and self.sim.log.withheld_replies != withheld
        ):
            # in virtual time a reply the controller withheld still costs a real
            # controller's reply timeout; one merely late on a busy host costs nothing
            self.clock.advance(VIRTUAL_REPLY_TIMEOUT_S)
        return reply

    @property
    def worst_exchange_s(self) -> float:
        """On a virtual clock, what a withheld reply costs there; else the real bound."""
        if isinstance(self.clock, VirtualClock):
            return VIRTUAL_REPLY_TIMEOUT_S + p.RESYNC_GAP_S * 1.5 + 0.002
        return super().worst_exchange_s

    def _resync(self) -> None:
        if isinstance(self.clock, VirtualClock):
            self.clock.advance(p.RESYNC_GAP_S * 1.5)
        super()._resync()

    def close(self) -> None:
        """Close the driver, then the simulator's pty."""
        super().close()
        self.server.close()
        shutil.rmtree(self._link_dir, ignore_errors=True)
