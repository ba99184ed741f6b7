"""``usb://VID:PID``: a USB printer through python-escpos's ``Usb`` (pyusb).

python-escpos's ``Usb`` waits forever by default (``timeout=0``) and reads status with
pyusb's own one-second default; we pass our timeout (milliseconds) to both, so a printer
that stops taking data fails the job within ``timeout_s`` instead of hanging the kiosk.

URL: ``usb://04b8:0e15?profile=TM-T88V&in_ep=0x82&out_ep=0x01&spy=1``
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from drivers.printer.base import PrinterError
from drivers.printer.encoder import load_escpos, pin_width
from drivers.printer.escpos_printer import EscposPrinter, common_options
from drivers.url import DeviceURL, DeviceURLError

if TYPE_CHECKING:
    from escpos.escpos import Escpos

_LOGGER = logging.getLogger(__name__)


def _hex_id(url: DeviceURL, text: str, what: str) -> int:
    try:
        value = int(text, 16)
    except ValueError:
        raise DeviceURLError(
            f"{url.raw}: {what} {text!r} is not hexadecimal (usb://04b8:0e15)"
        ) from None
    if not 0 < value <= 0xFFFF:
        raise DeviceURLError(f"{url.raw}: {what} {text!r} is outside 0001..ffff")
    return value


def _endpoint(url: DeviceURL, key: str, default: int) -> int:
    text = url.options.get(key)
    if text is None:
        return default
    try:
        value = int(text, 0)
    except ValueError:
        raise DeviceURLError(
            f"{url.raw}: option {key}={text!r} is not a number (e.g. 0x82)"
        ) from None
    if not 0 <= value <= 0xFF:
        raise DeviceURLError(f"{url.raw}: option {key}={text!r} is outside 0x00..0xff")
    return value


class UsbPrinter(EscposPrinter):
    """An ESC/POS printer on USB, found by vendor and product id."""

    def __init__(
        self,
        vendor_id: int,
        product_id: int,
        *,
        in_ep: int = 0x82,
        out_ep: int = 0x01,
        name: str = "",
        **kwargs: Any,
    ) -> None:
        """Set up; the device is opened on first use. ``kwargs`` go to :class:`EscposPrinter`."""
        super().__init__(name=name or f"usb://{vendor_id:04x}:{product_id:04x}", **kwargs)
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.in_ep = in_ep
        self.out_ep = out_ep

    @classmethod
    def from_url(cls, url: DeviceURL, *, timeout_s: float) -> UsbPrinter:
        """Build from ``usb://VID:PID?in_ep=..&out_ep=..&profile=..&width=..&spy=1``."""
        vendor, sep, product = url.netloc.partition(":")
        if not sep:
            raise DeviceURLError(
                f"{url.raw}: expected usb://VENDOR:PRODUCT in hex, e.g. usb://04b8:0e15"
            )
        return cls(
            _hex_id(url, vendor, "vendor id"),
            _hex_id(url, product, "product id"),
            in_ep=_endpoint(url, "in_ep", 0x82),
            out_ep=_endpoint(url, "out_ep", 0x01),
            name=url.raw,
            timeout_s=timeout_s,
            **common_options(url),
        )

    def _open_device(self) -> Escpos:
        load_escpos()
        from escpos.printer import Usb

        if not Usb.is_usable():
            raise PrinterError(f"{self.name}: pyusb is not installed (pip install pyusb)")
        import usb.core

        try:
            return self._open_usb(Usb)
        except usb.core.NoBackendError as exc:
            raise PrinterError(
                f"{self.name}: no USB backend ({exc}): install libusb-1.0-0 "
                "(apt-get install libusb-1.0-0)"
            ) from exc
        except usb.core.USBError as exc:
            raise PrinterError(
                f"{self.name}: USB error ({exc}): check the cable, the power "
                "and the udev rule (/dev/kiosk-printer)"
            ) from exc

    def _open_usb(self, usb_class: Any) -> Escpos:
        printer = usb_class(
            idVendor=self.vendor_id,
            idProduct=self.product_id,
            timeout=max(1, round(self.timeout_s * 1000)),  # pyusb counts milliseconds; 0 = forever
            in_ep=self.in_ep,
            out_ep=self.out_ep,
            profile=self.profile,
        )
        printer.open(raise_not_found=True)
        pin_width(printer, self.width_px)
        return printer

    def _read_answer(self, device: Escpos) -> bytes:
        import usb.core

        try:
            answer = device.device.read(self.in_ep, 16, max(1, round(self.status_timeout_s * 1000)))
        except usb.core.USBTimeoutError:
            return b""  # no answer is "status unknown", not a broken link
        return bytes(answer)
