"""The part every ESC/POS backend shares: encode, check, write with a deadline, read status.

A backend only says how to open its python-escpos printer object
(:meth:`EscposPrinter._open_device`) and which third-party exceptions mean "the link
failed". Everything else is here, so USB, TCP, serial, file and the simulator behave the
same way:

- the job is encoded once (:func:`drivers.printer.encoder.encode_job`) before any byte
  is written, then written in chunks so that a finite per-write timeout still lets a long
  raster through a slow link while progress is being made;
- before printing, status is asked (DLE EOT 1/2/4). A printer that answers "paper out"
  or "cover open" gets nothing; a printer that does not answer is still tried, because
  status is advisory and the write timeout is what decides;
- every third-party exception becomes :class:`PrinterOffline` (``raise ... from exc``),
  and the connection is dropped so the next call reconnects;
- ``spy=True`` logs every byte in hex on the ``drivers.printer.spy`` logger (DEBUG).
"""

from __future__ import annotations

import abc
import logging
import threading
from typing import TYPE_CHECKING, Any

from drivers.printer.base import (
    Paper,
    Printer,
    PrinterCoverOpen,
    PrinterError,
    PrinterOffline,
    PrinterPaperOut,
    PrinterStatus,
    PrintJob,
)
from drivers.printer.encoder import encode_job, load_escpos, profile_width_px
from drivers.printer.status import STATUS_REQUESTS, parse_status
from drivers.url import DeviceURL, DeviceURLError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

_LOGGER = logging.getLogger(__name__)
_SPY = logging.getLogger("drivers.printer.spy")

#: a real printer answers DLE EOT within milliseconds; do not wait the full write timeout
STATUS_TIMEOUT_CAP_S = 1.0


class EscposPrinter(Printer):
    """A :class:`Printer` driving a python-escpos printer object (one per backend)."""

    def __init__(
        self,
        *,
        name: str,
        profile: str | None = None,
        width_px: int | None = None,
        timeout_s: float = 3.0,
        spy: bool = False,
        slow_link: bool = False,
        chunk_size: int = 4096,
        confirm_after_print: bool = False,
    ) -> None:
        """Set up (without opening: the device is opened on first use, and again after a failure).

        ``name`` identifies the printer in messages (the URL). ``width_px`` overrides the
        profile's width. ``confirm_after_print`` asks DLE EOT 1 after writing and treats no
        answer as a failed print (for links that accept bytes with nobody listening).
        """
        if not 0 < timeout_s <= 60:
            raise ValueError(f"{name}: timeout_s={timeout_s} is outside (0, 60]")
        self.name = name
        self.profile = profile
        self.width_px = width_px if width_px is not None else profile_width_px(profile)
        self.timeout_s = timeout_s
        self.status_timeout_s = min(timeout_s, STATUS_TIMEOUT_CAP_S)
        self.spy = spy
        self.slow_link = slow_link
        self.chunk_size = chunk_size
        self.confirm_after_print = confirm_after_print
        self._device: Escpos | None = None
        self._lock = threading.Lock()  # the flow prints while the supervisor polls status

    # -- what a backend provides -------------------------------------------------------

    @abc.abstractmethod
    def _open_device(self) -> Escpos:
        """Create and open the python-escpos printer object, with finite timeouts."""

    def _link_errors(self) -> tuple[type[BaseException], ...]:
        """Third-party exceptions meaning the link failed (converted to PrinterOffline)."""
        load_escpos()
        from escpos.exceptions import Error as EscposLibraryError

        return (OSError, EscposLibraryError, AssertionError)

    def _read_answer(self, device: Escpos) -> bytes:
        """Read a status answer, bounded by ``status_timeout_s``; b"" when none came."""
        return bytes(device._read())

    # -- Printer -----------------------------------------------------------------------

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1, 2 and 4; no answer gives ``online=False, paper=UNKNOWN``."""
        with self._lock:
            return self._status_locked()

    def print_job(self, job: PrintJob) -> None:
        """Encode ``job``, refuse it if the printer says paper out / cover open, write it."""
        data = encode_job(job, profile=self.profile, width_px=self.width_px)
        with self._lock:
            status = self._status_locked()
            if status.online and status.paper is Paper.OUT:
                raise PrinterPaperOut(f"{self.name}: paper out; ticket {job.label!r} not printed")
            if status.online and status.cover_open:
                raise PrinterCoverOpen(f"{self.name}: cover open; ticket {job.label!r} not printed")
            if not status.online:
                _LOGGER.info("%s: no status answer; printing %r anyway", self.name, job.label)
            self._write(data)
            if status.online or self.confirm_after_print:
                self._check_after(job)
        _LOGGER.info("%s: printed %r (%d bytes)", self.name, job.label, len(data))

    def _check_after(self, job: PrintJob) -> None:
        # The paper can run out or the cover open during the ticket; a printer that
        # answered before the job and is silent now may have lost it (network printers
        # accept bytes they never print).
        after = self._status_locked()
        if not after.online:
            if self.confirm_after_print:
                self._disconnect()
                raise PrinterOffline(
                    f"{self.name}: sent ticket {job.label!r} but the printer did not answer "
                    "afterwards; it may not have printed"
                )
            return
        if after.paper is Paper.OUT:
            raise PrinterPaperOut(f"{self.name}: paper ran out during ticket {job.label!r}")
        if after.cover_open:
            raise PrinterCoverOpen(f"{self.name}: cover opened during ticket {job.label!r}")

    def close(self) -> None:
        """Close the connection (the next call opens it again)."""
        with self._lock:
            self._disconnect()

    # -- internals ---------------------------------------------------------------------

    def _connect(self) -> Escpos:
        if self._device is None:
            try:
                self._device = self._open_device()
            except PrinterError:
                raise
            except self._link_errors() as exc:
                raise PrinterOffline(f"{self.name}: cannot open the printer: {exc}") from exc
        return self._device

    def _disconnect(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            try:
                self._close_device(device)
            except Exception as exc:  # closing a broken link may fail in any way; it is gone
                _LOGGER.debug("%s: error while closing: %r", self.name, exc)

    def _close_device(self, device: Escpos) -> None:
        """Close the python-escpos object (a backend overrides this if close can block)."""
        device.close()

    def _write(self, data: bytes) -> None:
        device = self._connect()
        start = 0
        try:
            for start in range(0, len(data), self.chunk_size):
                chunk = data[start : start + self.chunk_size]
                if self.spy:
                    _SPY.debug("%s tx %d bytes: %s", self.name, len(chunk), chunk.hex(" "))
                device._raw(chunk)
        except self._link_errors() as exc:
            self._disconnect()
            raise PrinterOffline(
                f"{self.name}: write failed after {start} of {len(data)} bytes: {exc!r}"
            ) from exc

    def _query(self, n: int) -> bytes:
        """Send DLE EOT n and return the answer (b"" on no answer or a failed link)."""
        try:
            device = self._connect()
            request = STATUS_REQUESTS[n]
            if self.spy:
                _SPY.debug("%s tx %s", self.name, request.hex(" "))
            device._raw(request)
            answer = self._read_answer(device)
        except PrinterOffline as exc:
            _LOGGER.debug("%s: status request %d: %s", self.name, n, exc)
            return b""
        except self._link_errors() as exc:
            _LOGGER.debug("%s: status request %d failed: %r", self.name, n, exc)
            self._disconnect()
            return b""
        if self.spy:
            _SPY.debug("%s rx %s", self.name, answer.hex(" ") or "(nothing)")
        return answer

    def _status_locked(self) -> PrinterStatus:
        eot1 = self._query(1)
        if not eot1:
            return PrinterStatus(online=False, paper=Paper.UNKNOWN, cover_open=False)
        return parse_status(eot1, self._query(2), self._query(4))


def common_options(url: DeviceURL) -> dict[str, Any]:
    """Options every backend takes: ``profile=``, ``width=`` (dots) and ``spy=1``."""
    profile = url.options.get("profile") or None
    if profile is not None:
        try:
            profile_width_px(profile)
        except ValueError as exc:
            raise DeviceURLError(f"{url.raw}: {exc}") from None
    width = url.option_int("width", 0, low=8, high=4096) if "width" in url.options else None
    return {"profile": profile, "width_px": width, "spy": url.option_bool("spy", False)}
