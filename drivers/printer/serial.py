"""``serial:///dev/ttyUSB0?baud=19200``: a serial printer through python-escpos's ``Serial``.

python-escpos sets no write timeout, so a printer holding flow control would block the
kiosk forever; we set pyserial's ``write_timeout`` to ``timeout_s`` and write in chunks
small enough to pass within it at the line's speed. A serial line is slow (a full-raster
ticket takes seconds), so this backend sets ``slow_link=True`` and callers print the
number and QR code natively. Closing skips python-escpos's ``flush()``, which waits with
no limit for the output to drain.

URL: ``serial:///dev/ttyUSB0?baud=19200&flow=none|rtscts|xonxoff|dsrdtr&profile=..&spy=1``
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from drivers.printer.encoder import load_escpos, pin_width
from drivers.printer.escpos_printer import EscposPrinter, common_options
from drivers.url import DeviceURL, DeviceURLError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

_LOGGER = logging.getLogger(__name__)

FLOW_CONTROLS = ("none", "rtscts", "xonxoff", "dsrdtr")


class SerialPrinter(EscposPrinter):
    """An ESC/POS printer on a serial port."""

    def __init__(
        self, port: str, *, baud: int = 19200, flow: str = "none", name: str = "", **kwargs: Any
    ) -> None:
        """Set up; the port is opened on first use. ``kwargs`` go to :class:`EscposPrinter`."""
        if flow not in FLOW_CONTROLS:
            raise ValueError(f"flow={flow!r} is not one of {', '.join(FLOW_CONTROLS)}")
        timeout_s = float(kwargs.get("timeout_s", 3.0))
        # 10 bits per byte on the wire; half the timeout's worth per write leaves a margin
        chunk = max(64, min(4096, int(baud / 10 * timeout_s / 2)))
        super().__init__(
            name=name or f"serial://{port}", slow_link=True, chunk_size=chunk, **kwargs
        )
        self.port = port
        self.baud = baud
        self.flow = flow

    @classmethod
    def from_url(cls, url: DeviceURL, *, timeout_s: float) -> SerialPrinter:
        """Build from ``serial:///dev/ttyUSB0?baud=19200&flow=..&profile=..&width=..&spy=1``."""
        if not url.path or url.netloc:
            raise DeviceURLError(f"{url.raw}: expected serial:///dev/NAME (three slashes)")
        flow = url.options.get("flow", "none")
        if flow not in FLOW_CONTROLS:
            raise DeviceURLError(
                f"{url.raw}: option flow={flow!r} is not one of {', '.join(FLOW_CONTROLS)}"
            )
        return cls(
            url.path,
            baud=url.option_int("baud", 19200, low=1200, high=921600),
            flow=flow,
            name=url.raw,
            timeout_s=timeout_s,
            **common_options(url),
        )

    def _open_device(self) -> Escpos:
        load_escpos()
        from escpos.printer import Serial

        printer = Serial(
            devfile=self.port,
            baudrate=self.baud,
            timeout=self.status_timeout_s,  # read timeout: status answers
            xonxoff=self.flow == "xonxoff",
            dsrdtr=self.flow == "dsrdtr",
            profile=self.profile,
        )
        printer.open(raise_not_found=True)
        port = printer.device
        port.write_timeout = self.timeout_s  # python-escpos leaves writes unbounded
        port.rtscts = self.flow == "rtscts"
        pin_width(printer, self.width_px)
        return printer

    def _read_answer(self, device: Escpos) -> bytes:
        # python-escpos reads 16 bytes, which on a serial port waits out the whole timeout
        # for a one-byte answer; read one byte, then whatever else already arrived.
        port = device.device
        first = port.read(1)
        return bytes(first + port.read(port.in_waiting)) if first else b""

    def _close_device(self, device: Escpos) -> None:
        port = device._device
        device._device = False  # so python-escpos's close() (also run by __del__) does nothing
        if port:
            port.reset_output_buffer()  # drop what the printer will not take; close need not wait
            port.close()
