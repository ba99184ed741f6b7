"""Tell systemd how the daemon is doing (sd_notify: READY, WATCHDOG, STATUS).

Written here rather than taken from the ``sdnotify`` package, which swallows every error
and encodes the message as Latin-1, so a Vietnamese STATUS line is lost. The protocol is
one datagram of ``KEY=value`` lines to the socket named by ``$NOTIFY_SOCKET``.
"""

from __future__ import annotations

import logging
import os
import socket

_LOGGER = logging.getLogger(__name__)


class SystemdNotifier:
    """Sends notifications when run under systemd (``Type=notify``); silent otherwise."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        if address.startswith("@"):  # abstract namespace socket
            address = "\0" + address[1:]
        self._address = address or None
        usec = env.get("WATCHDOG_USEC", "")
        self.watchdog_interval_s = int(usec) / 1_000_000 / 2 if usec.isdigit() else None

    @property
    def enabled(self) -> bool:
        """True when systemd gave us a socket."""
        return self._address is not None

    def notify(self, **fields: str) -> bool:
        """Send ``KEY=value`` lines (e.g. ``READY="1"``); False (and a log line) on failure."""
        if self._address is None:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items())
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.settimeout(1.0)
                sock.sendto(message.encode("utf-8"), self._address)
        except OSError as exc:
            _LOGGER.error("sd_notify to %r failed: %s", self._address, exc)
            return False
        return True

    def ready(self, status: str) -> bool:
        """The daemon serves citizens."""
        return self.notify(READY="1", STATUS=status)

    def status(self, status: str) -> bool:
        """A one-line status for ``systemctl status``."""
        return self.notify(STATUS=status)

    def watchdog(self) -> bool:
        """The event loop is alive."""
        return self.notify(WATCHDOG="1")

    def stopping(self) -> bool:
        """The daemon is shutting down."""
        return self.notify(STOPPING="1")
