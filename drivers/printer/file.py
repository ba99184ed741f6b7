"""``file:///path``: write the ESC/POS bytes to a file or a device node (``/dev/usb/lp0``).

Wraps python-escpos's ``File``, opened in append mode rather than its ``"wb"`` so a
restart does not wipe a ticket log. A write to a device node of a printer that is off
can block with no limit in the kernel, so writes run in a worker thread that we wait on
for ``timeout_s``; if it does not finish, the job fails with PrinterOffline and the
printer stays failed until that write returns. There is no status channel: ``status()``
says online when the file can be opened and paper is unknown.

URL: ``file:///var/lib/kiosk/tickets.bin?profile=..&width=..&spy=1``
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from drivers.printer.base import Paper, PrinterOffline, PrinterStatus
from drivers.printer.encoder import load_escpos, pin_width
from drivers.printer.escpos_printer import EscposPrinter, common_options
from drivers.url import DeviceURL, DeviceURLError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

_LOGGER = logging.getLogger(__name__)


class FilePrinter(EscposPrinter):
    """ESC/POS bytes appended to a file or written to a printer's device node."""

    def __init__(self, path: str, *, name: str = "", **kwargs: Any) -> None:
        """Set up; the file is opened on first use. ``kwargs`` go to :class:`EscposPrinter`."""
        super().__init__(name=name or f"file://{path}", **kwargs)
        self.path = path
        self._stuck: threading.Thread | None = None

    @classmethod
    def from_url(cls, url: DeviceURL, *, timeout_s: float) -> FilePrinter:
        """Build from ``file:///path?profile=..&width=..&spy=1``."""
        if not url.path or url.netloc:
            raise DeviceURLError(f"{url.raw}: expected file:///absolute/path (three slashes)")
        return cls(url.path, name=url.raw, timeout_s=timeout_s, **common_options(url))

    def _open_device(self) -> Escpos:
        load_escpos()
        from escpos.printer import File

        printer = File(devfile=self.path, auto_flush=True, profile=self.profile)
        try:
            printer.device = open(self.path, "ab")  # noqa: SIM115 - owned by python-escpos's File
        except OSError:
            printer.device = None
            raise
        pin_width(printer, self.width_px)
        return printer

    def _status_locked(self) -> PrinterStatus:
        self._check_not_stuck()
        try:
            self._connect()
        except PrinterOffline as exc:
            _LOGGER.info("%s: %s", self.name, exc)
            return PrinterStatus(online=False, paper=Paper.UNKNOWN, cover_open=False)
        return PrinterStatus(online=True, paper=Paper.UNKNOWN, cover_open=False)

    def _write(self, data: bytes) -> None:
        self._check_not_stuck()
        failure: list[BaseException] = []

        def write() -> None:
            try:
                EscposPrinter._write(self, data)
            except BaseException as exc:  # handed to the waiting thread
                failure.append(exc)

        worker = threading.Thread(target=write, name=f"printer-write {self.path}", daemon=True)
        worker.start()
        worker.join(self.timeout_s)
        if worker.is_alive():
            self._stuck = worker
            raise PrinterOffline(f"{self.name}: write did not finish within {self.timeout_s} s")
        if failure:
            raise failure[0]

    def _check_not_stuck(self) -> None:
        if self._stuck is not None:
            if self._stuck.is_alive():
                raise PrinterOffline(f"{self.name}: an earlier write is still blocked")
            self._stuck = None
