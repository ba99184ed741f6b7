"""A pseudo-terminal that plays a device's cable, for the simulators of the base and the
lidar: ``path`` is the device to open; with ``link`` (a path such as the udev name
``/dev/kiosk-base``) a symlink to the pty is kept there, and :meth:`unplug` /
:meth:`replug` act out a pulled and a replugged USB cable (the pty disappears, then a new
one appears under the same link)."""

from __future__ import annotations

import contextlib
import os
import threading
import tty


class PtyCable:
    """The pty end of a simulated device; subclasses serve ``self._master``."""

    def __init__(self, link: str | None = None) -> None:
        self.link = link
        self._lock = threading.Lock()
        self._master = self._slave = -1
        self.path = ""
        self._plug()

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line discipline: bytes pass as they are
        with self._lock:
            self._master, self._slave = master, slave
            self.path = os.ttyname(slave)
        if self.link is not None:
            tmp = f"{self.link}.new"
            os.symlink(self.path, tmp)
            os.replace(tmp, self.link)

    def unplug(self) -> None:
        """Pull the cable: the pty closes and the device node (the link) vanishes."""
        if self.link is not None and os.path.lexists(self.link):
            os.unlink(self.link)
        with self._lock:
            fds, self._master, self._slave = (self._master, self._slave), -1, -1
        for fd in fds:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)

    def replug(self) -> None:
        """Plug the cable back: a new pty under the same link (the device kept power)."""
        self._plug()
