"""The simulator: a real rendered ticket goes through real ESC/POS bytes and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from drivers.printer import (
    Cut,
    Paper,
    PrinterCoverOpen,
    PrinterOffline,
    PrinterPaperOut,
    PrinterStatus,
    PrintJob,
    Text,
    open_printer,
)
from drivers.printer.encoder import encode_job
from drivers.printer.escpos_decode import EscposDecodeError, EscposDecoder, decode
from drivers.printer.sim import SimPrinter
from kiosk.tickets.render import build_print_job, render_ticket

from .ticket_views import STATUS_URL, make_view


def _sim(url: str = "sim://") -> SimPrinter:
    printer = open_printer(url)
    assert isinstance(printer, SimPrinter)
    return printer


def _same_pixels(a: Image.Image, b: Image.Image) -> bool:
    assert a.size == b.size, (a.size, b.size)
    return ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("width", [576, 384])
def test_fast_link_ticket_raster_equals_rendered_image(width: int) -> None:
    printer = _sim(f"sim://?width={width}")
    view = make_view()
    printer.print_job(build_print_job(view, width, slow_link=False))
    ticket = printer.printed[-1]
    raster = ticket.raster
    assert raster is not None
    assert _same_pixels(raster, render_ticket(view, width))
    assert "A012" in ticket.texts  # the number also as plain ASCII


def test_fast_link_qr_in_the_raster_decodes_to_the_status_url() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    printer = _sim()
    printer.print_job(build_print_job(make_view(), 576, slow_link=False))
    raster = printer.printed[-1].raster
    assert raster is not None
    found = zxingcpp.read_barcodes(raster.convert("L"))
    assert [code.text for code in found] == [STATUS_URL]


def test_slow_link_ticket_has_native_number_and_qr() -> None:
    printer = _sim()
    view = make_view(number="K1-A007")
    printer.print_job(build_print_job(view, 576, slow_link=True))
    ticket = printer.printed[-1]
    assert ticket.qr_codes == [STATUS_URL]
    assert "K1-A007" in ticket.texts
    assert "23/11/2026 08:01" in ticket.texts  # ASCII lines go native
    assert ticket.rasters  # the lines with diacritics are still drawn


def test_slow_link_job_is_much_smaller() -> None:
    view = make_view()
    fast = encode_job(build_print_job(view, 576, slow_link=False), profile=None, width_px=576)
    slow = encode_job(build_print_job(view, 576, slow_link=True), profile=None, width_px=576)
    assert len(slow) * 2 < len(fast)


def test_save_png_of_the_last_ticket(tmp_path: Path) -> None:
    printer = _sim()
    printer.print_job(build_print_job(make_view(), 576, slow_link=False))
    path = printer.printed[-1].save_png(tmp_path / "last.png")
    with Image.open(path) as saved:
        assert saved.width == 576
        assert saved.height > 576


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sim://", PrinterStatus(online=True, paper=Paper.OK, cover_open=False)),
        (
            "sim://?paper=near_end",
            PrinterStatus(online=True, paper=Paper.NEAR_END, cover_open=False),
        ),
        ("sim://?paper=out", PrinterStatus(online=True, paper=Paper.OUT, cover_open=False)),
        ("sim://?cover=open", PrinterStatus(online=True, paper=Paper.OK, cover_open=True)),
        ("sim://?online=0", PrinterStatus(online=False, paper=Paper.UNKNOWN, cover_open=False)),
    ],
)
def test_status_through_the_dle_eot_round_trip(url: str, expected: PrinterStatus) -> None:
    assert _sim(url).status() == expected


def test_status_answer_bytes_follow_the_epson_layout() -> None:
    printer = _sim("sim://?paper=out&cover=open")
    answers = printer.device.feed(b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04")
    # fixed bits 0x12; EOT1 offline 0x08; EOT2 cover 0x04 + paper-end stop 0x20; EOT4 0x0c + 0x60
    assert answers == bytes((0x1A, 0x36, 0x12, 0x7E))
    printer.paper, printer.cover_open = Paper.NEAR_END, False
    assert printer.device.feed(b"\x10\x04\x04") == bytes((0x1E,))


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("sim://?paper=out", PrinterPaperOut),
        ("sim://?cover=open", PrinterCoverOpen),
        ("sim://?online=0", PrinterOffline),
    ],
)
def test_printing_when_not_ready_raises_and_prints_nothing(
    url: str, error: type[Exception]
) -> None:
    printer = _sim(url)
    with pytest.raises(error):
        printer.print_job(build_print_job(make_view(), 576, slow_link=False))
    assert printer.printed == []
    assert printer.device.dropped_elements == 0  # refused before sending, not dropped


def test_offline_error_keeps_the_cause() -> None:
    printer = _sim("sim://?online=0")
    with pytest.raises(PrinterOffline) as caught:
        printer.print_job(PrintJob((Text("A1"), Cut())))
    assert isinstance(caught.value.__cause__, TimeoutError)


def test_paper_runs_out_after_some_tickets() -> None:
    printer = _sim()
    job = build_print_job(make_view(), 576, slow_link=False)
    printer.print_job(job)
    length = printer.printed[0].length_mm
    printer.device.near_end_mm = 1.6 * length
    printer.paper_left_mm = 2.5 * length  # room for two more tickets and half of a third
    assert printer.status().paper is Paper.OK
    printer.print_job(job)
    assert printer.status().paper is Paper.NEAR_END
    printer.print_job(job)
    with pytest.raises(PrinterPaperOut, match="ran out during"):
        printer.print_job(job)  # runs out under the head: the ticket is spoiled
    assert printer.status().paper is Paper.OUT
    assert len(printer.printed) == 3
    with pytest.raises(PrinterPaperOut, match="not printed"):
        printer.print_job(job)
    assert len(printer.printed) == 3
    printer.paper_left_mm = 10 * length  # a new roll
    printer.print_job(job)
    assert len(printer.printed) == 4


def test_printer_that_stops_mid_job_keeps_nothing() -> None:
    printer = _sim()
    data = encode_job(PrintJob((Text("A1"), Cut())), profile=None, width_px=576)
    printer.device.feed(data[:4])
    printer.cover_open = True  # opened while printing
    printer.device.feed(data[4:])
    assert printer.printed == []
    assert printer.device.dropped_elements >= 1


def test_decoder_is_incremental() -> None:
    data = encode_job(build_print_job(make_view(), 384, slow_link=True), profile=None, width_px=384)
    whole = decode(data)
    decoder = EscposDecoder()
    pieces = [decoder.feed(data[i : i + 7]) for i in range(0, len(data), 7)]
    assert [element for piece in pieces for element in piece] == whole
    assert decoder.pending == 0


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\x1b@\x1bZ\x00", "byte 2: unknown command ESC 0x5a"),
        (b"AB\x07", "byte 2: unexpected control byte 0x07"),
        (b"\x10\x04\x09", "unknown DLE command"),
        (b"\x1dv0\x00\x01\x00", "ends inside a command"),
        (b"\x1d(k\x03\x002P0", "symbol type 50 is not QR"),
    ],
)
def test_decoder_names_bad_bytes(data: bytes, fragment: str) -> None:
    with pytest.raises(EscposDecodeError) as caught:
        decode(data)
    assert fragment in str(caught.value)
