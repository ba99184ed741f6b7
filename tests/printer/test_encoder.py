"""The exact ESC/POS bytes of a small job."""

from __future__ import annotations

import pytest
from PIL import Image

from drivers.printer import Cut, Feed, PrinterJobInvalid, PrintJob, QRCode, RasterImage, Text
from drivers.printer.encoder import encode_job

ESC, GS = b"\x1b", b"\x1d"


def test_small_job_bytes() -> None:
    image = Image.new("1", (16, 2), 1)  # white
    image.putpixel((0, 0), 0)  # one black dot, top left
    image.putpixel((15, 1), 0)  # and bottom right
    job = PrintJob(
        (
            RasterImage(image),
            Text("A012", bold=True, width_mult=2, height_mult=3),
            QRCode("https://x/t/1", size=5),
            Feed(2),
            Cut(),
        )
    )
    data = encode_job(job, profile=None, width_px=576)
    expected = (
        ESC
        + b"@"  # initialise
        + ESC
        + b"a\x00"  # left, for the raster
        + GS
        + b"v0\x00"
        + b"\x02\x00"
        + b"\x02\x00"
        + b"\x80\x00"
        + b"\x00\x01"  # GS v 0, 2 bytes x 2 rows
        + GS
        + b"!\x12"  # width 2, height 3
        + ESC
        + b"E\x01"  # bold
        + ESC
        + b"a\x01"  # centre
        + ESC
        + b"t\x00"  # python-escpos selects code page 0 for ASCII
        + b"A012\n"
        + GS
        + b"(k\x04\x001A2\x00"  # QR model 2
        + GS
        + b"(k\x03\x001C\x05"  # module size 5
        + GS
        + b"(k\x03\x001E1"  # error correction M
        + GS
        + b"(k\x10\x001P0https://x/t/1"  # store: 13 data bytes + m + cn + fn
        + GS
        + b"(k\x03\x001Q0"  # print
        + ESC
        + b"d\x02"  # feed 2
        + ESC
        + b"d\x06"
        + GS
        + b"V\x01"  # feed, partial cut
    )
    assert data == expected


def test_tall_image_is_split_into_raster_blocks() -> None:
    data = encode_job(
        PrintJob((RasterImage(Image.new("1", (576, 1000), 1)),)), profile=None, width_px=576
    )
    assert data.count(GS + b"v0") == 2


@pytest.mark.parametrize(
    ("element", "fragment"),
    [
        (Text("Quầy 3"), "printable ASCII"),
        (Text("A\tB"), "printable ASCII"),
        (Text("A", width_mult=9), "outside 1..8"),
        (RasterImage(Image.new("1", (600, 10), 1)), "600 px wide"),
        (QRCode(""), "no data"),
        (Feed(300), "outside 0..255"),
    ],
)
def test_unprintable_elements_are_refused_before_any_byte(element: object, fragment: str) -> None:
    with pytest.raises(PrinterJobInvalid) as caught:
        encode_job(PrintJob((element,)), profile=None, width_px=576)  # type: ignore[arg-type]
    assert fragment in str(caught.value)


def test_raster_blocks_equal_python_escpos_bytes() -> None:
    """Our direct GS v 0 packing writes what python-escpos's image() writes, byte for byte."""
    import random

    from escpos.printer import Dummy
    from PIL import Image

    from drivers.printer.encoder import FRAGMENT_HEIGHT, raster_blocks

    rng = random.Random(3)
    for width, height in ((100, 37), (576, FRAGMENT_HEIGHT + 45), (384, 8)):
        image = Image.new("1", (width, height), 1)
        for _ in range(width * height // 7):
            image.putpixel((rng.randrange(width), rng.randrange(height)), 0)
        reference = Dummy()
        for top in range(0, height, FRAGMENT_HEIGHT):
            fragment = image.crop((0, top, width, min(height, top + FRAGMENT_HEIGHT)))
            reference.image(fragment, impl="bitImageRaster", fragment_height=FRAGMENT_HEIGHT)
        assert b"".join(raster_blocks(image)) == reference.output
