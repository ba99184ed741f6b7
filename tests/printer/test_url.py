"""Choosing the printer backend from its URL, and the errors a technician sees."""

from __future__ import annotations

import subprocess
import sys

import pytest

from drivers.printer import DeviceURLError, open_printer
from drivers.printer.file import FilePrinter
from drivers.printer.network import NetworkPrinter
from drivers.printer.serial import SerialPrinter
from drivers.printer.sim import SimPrinter
from drivers.printer.usb import UsbPrinter


@pytest.mark.parametrize(
    ("url", "kind", "width", "slow"),
    [
        ("usb://04b8:0e15?profile=TM-T88V&in_ep=0x81&out_ep=0x02", UsbPrinter, 512, False),
        ("tcp://10.0.0.7:9100", NetworkPrinter, 576, False),
        ("serial:///dev/ttyUSB0?baud=19200", SerialPrinter, 576, True),
        ("file:///var/lib/kiosk/tickets.bin", FilePrinter, 576, False),
        ("sim://", SimPrinter, 576, False),
        ("sim://?profile=ZJ-5870", SimPrinter, 384, False),
        ("sim://?profile=TM-T88V&width=576", SimPrinter, 576, False),
    ],
)
def test_scheme_picks_backend_and_width(url: str, kind: type, width: int, slow: bool) -> None:
    printer = open_printer(url)
    assert type(printer) is kind
    assert printer.width_px == width
    assert printer.slow_link is slow


def test_usb_url_parts() -> None:
    printer = open_printer("usb://04b8:0e15?in_ep=0x81&out_ep=2")
    assert isinstance(printer, UsbPrinter)
    assert (printer.vendor_id, printer.product_id, printer.in_ep, printer.out_ep) == (
        0x04B8,
        0x0E15,
        0x81,
        2,
    )


def test_unknown_scheme_names_supported_ones() -> None:
    with pytest.raises(DeviceURLError) as caught:
        open_printer("lpt://printer")
    message = str(caught.value)
    assert "'lpt'" in message
    for scheme in ("usb://", "tcp://", "serial://", "file://", "sim://"):
        assert scheme in message


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("sim://?papr=out", "unknown option(s) papr"),
        ("sim://?paper=empty", "paper='empty'"),
        ("sim://?spy=1", "unknown option(s) spy"),
        ("usb://04b8", "usb://VENDOR:PRODUCT"),
        ("usb://zz:0e15", "vendor id 'zz'"),
        ("usb://04b8:0e15?in_ep=ep1", "in_ep='ep1'"),
        ("tcp://10.0.0.7:99999", "port '99999'"),
        ("serial:///dev/ttyUSB0?baud=12", "baud=12 is outside"),
        ("serial:///dev/ttyUSB0?flow=magic", "flow='magic'"),
        ("file://relative.bin", "three slashes"),
        ("sim://?profile=TM-NOPE", "unknown printer profile 'TM-NOPE'"),
        ("tcp://10.0.0.7?spy=maybe", "spy='maybe'"),
    ],
)
def test_bad_urls_say_what_is_wrong(url: str, fragment: str) -> None:
    with pytest.raises(DeviceURLError, match=None) as caught:
        open_printer(url)
    assert fragment in str(caught.value)
    assert url in str(caught.value)


def test_importing_the_package_does_not_import_escpos() -> None:
    # python-escpos configures the root logger and writes a pickle on import
    code = "import sys, drivers.printer; print('escpos' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
