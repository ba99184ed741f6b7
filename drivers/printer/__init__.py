"""Ticket printers, chosen by URL: ``usb://``, ``tcp://``, ``serial://``, ``file://``, ``sim://``.

>>> printer = open_printer("sim://?paper=near_end")
>>> printer.status().paper
<Paper.NEAR_END: 'near_end'>

The interface and the error tree are in :mod:`drivers.printer.base`. Backends are imported
only when their scheme is used, and python-escpos only when a printer is built, so that
importing this package stays cheap and free of side effects.

Options every scheme takes: ``profile=`` (python-escpos capabilities profile, which gives
the paper width: TM-T88V 512 dots, 58 mm profiles 384, unknown 576), ``width=`` (dots,
overrides the profile) and, on real backends, ``spy=1`` (log the traffic in hex on the
``drivers.printer.spy`` logger at DEBUG).
"""

from __future__ import annotations

import logging

from drivers.printer.base import (
    Cut,
    Feed,
    Paper,
    Printer,
    PrinterCoverOpen,
    PrinterError,
    PrinterJobInvalid,
    PrinterOffline,
    PrinterPaperOut,
    PrinterStatus,
    PrintJob,
    QRCode,
    RasterImage,
    Text,
)
from drivers.url import DeviceURLError, parse_device_url

_LOGGER = logging.getLogger(__name__)

_COMMON_OPTIONS = frozenset({"profile", "width"})
#: every printer backend and the URL options it reads
URL_OPTIONS: dict[str, frozenset[str]] = {
    "usb": _COMMON_OPTIONS | {"spy", "in_ep", "out_ep"},
    "tcp": _COMMON_OPTIONS | {"spy", "confirm"},
    "serial": _COMMON_OPTIONS | {"spy", "baud", "flow"},
    "file": _COMMON_OPTIONS | {"spy"},
    "sim": _COMMON_OPTIONS | {"paper", "cover", "online", "paper_mm"},
}
SUPPORTED_SCHEMES = tuple(URL_OPTIONS)

__all__ = [
    "SUPPORTED_SCHEMES",
    "URL_OPTIONS",
    "Cut",
    "DeviceURLError",
    "Feed",
    "Paper",
    "PrintJob",
    "Printer",
    "PrinterCoverOpen",
    "PrinterError",
    "PrinterJobInvalid",
    "PrinterOffline",
    "PrinterPaperOut",
    "PrinterStatus",
    "QRCode",
    "RasterImage",
    "Text",
    "open_printer",
]


def open_printer(url: str, *, timeout_s: float = 3.0) -> Printer:
    """Build the printer ``url`` names; nothing is opened until the first status or job.

    Raises :class:`DeviceURLError` for an unknown scheme (naming the supported ones), a
    malformed address or option, or an unknown profile.
    """
    if not 0 < timeout_s <= 60:
        raise DeviceURLError(f"{url}: timeout_s={timeout_s} is outside (0, 60]")
    parsed = parse_device_url(url, URL_OPTIONS)
    if parsed.scheme == "sim":
        from drivers.printer.sim import SimPrinter

        printer: Printer = SimPrinter.from_url(parsed, timeout_s=timeout_s)
    elif parsed.scheme == "usb":
        from drivers.printer.usb import UsbPrinter

        printer = UsbPrinter.from_url(parsed, timeout_s=timeout_s)
    elif parsed.scheme == "tcp":
        from drivers.printer.network import NetworkPrinter

        printer = NetworkPrinter.from_url(parsed, timeout_s=timeout_s)
    elif parsed.scheme == "serial":
        from drivers.printer.serial import SerialPrinter

        printer = SerialPrinter.from_url(parsed, timeout_s=timeout_s)
    else:
        from drivers.printer.file import FilePrinter

        printer = FilePrinter.from_url(parsed, timeout_s=timeout_s)
    _LOGGER.info("printer %s: %d dots wide, slow link %s", url, printer.width_px, printer.slow_link)
    return printer
