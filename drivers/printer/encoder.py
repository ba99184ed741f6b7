"""Turn a :class:`PrintJob` into ESC/POS bytes with python-escpos.

Every backend, the simulator included, sends exactly the bytes this module produces, so
what the simulator decodes in tests is what a real printer receives. The job is encoded
into python-escpos's in-memory ``Dummy`` printer first and only then written to the
device in one go: an encoding problem (non-ASCII text, an image wider than the paper)
is found before a single byte reaches the printer, so a half-printed ticket cannot come
from a bad job.

python-escpos is imported here lazily, inside functions: on import it loads its
capabilities database, pickles it into a fresh temporary directory and calls
``logging.basicConfig()``. Importing ``drivers.printer`` must not do any of that.
Before the first import we point its pickle cache at one stable directory, so a
long-running daemon (and every test run) does not leave a new temp directory behind.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from drivers.printer.base import Cut, Feed, PrinterJobInvalid, PrintJob, QRCode, RasterImage, Text

if TYPE_CHECKING:
    from escpos.escpos import Escpos
    from PIL import Image

_LOGGER = logging.getLogger(__name__)

#: 80 mm paper at 203 dpi: the width used when a profile does not say (python-escpos's
#: "default" profile has "Unknown")
DEFAULT_WIDTH_PX = 576
#: python-escpos splits taller images into several GS v 0 blocks of this height
FRAGMENT_HEIGHT = 960


def raster_blocks(image: Image.Image) -> list[bytes]:
    """``GS v 0`` blocks (at most FRAGMENT_HEIGHT rows each) for ``image``, black = dot.

    The same bytes python-escpos's ``image(impl="bitImageRaster")`` writes for a mode "1"
    image, built directly: python-escpos takes every image through RGBA, a pasted RGB
    copy, grey, an inverted grey and "1" (about 15 ms for a 576 x 1100 ticket, a quarter of
    the touch-to-ticket time); numpy packs the bits in about 1 ms. Grey images are
    dithered to "1" first, as python-escpos does.
    """
    mono = image if image.mode == "1" else image.convert("L").convert("1")
    dots = ~np.asarray(mono, dtype=bool)  # "1" mode: True is white paper
    width_bytes = (mono.width + 7) // 8
    blocks = []
    for top in range(0, mono.height, FRAGMENT_HEIGHT):
        rows = dots[top : top + FRAGMENT_HEIGHT]
        header = b"\x1dv0\x00" + width_bytes.to_bytes(2, "little") + len(rows).to_bytes(2, "little")
        blocks.append(header + np.packbits(rows, axis=1).tobytes())
    return blocks


def load_escpos() -> None:
    """Import python-escpos once, with its capabilities cache in a stable directory."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        cache = Path(tempfile.gettempdir()) / f"kiosk-escpos-{os.getuid()}"
        cache.mkdir(mode=0o700, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
    import escpos.capabilities  # noqa: F401 - the import is the point (loads the profiles)


@functools.lru_cache(maxsize=32)
def profile_width_px(profile: str | None) -> int:
    """Printable width in dots of a python-escpos profile (576 when the profile does not say).

    Raises ``ValueError`` naming the profile and the known ones when python-escpos does
    not know it.
    """
    load_escpos()
    from escpos.capabilities import CAPABILITIES

    name = profile or "default"
    profiles: dict[str, Any] = CAPABILITIES["profiles"]
    if name not in profiles:
        known = ", ".join(sorted(profiles))
        raise ValueError(f"unknown printer profile {name!r}; python-escpos knows: {known}")
    pixels = profiles[name].get("media", {}).get("width", {}).get("pixels")
    if isinstance(pixels, int) and pixels > 0:
        return pixels
    return DEFAULT_WIDTH_PX


def make_dummy(profile: str | None, width_px: int) -> Escpos:
    """A python-escpos in-memory printer for ``profile`` whose media width is ``width_px``."""
    load_escpos()
    from escpos.printer import Dummy

    dummy = Dummy(profile=profile)
    pin_width(dummy, width_px)
    return dummy


def pin_width(printer: Escpos, width_px: int) -> None:
    """Make ``printer``'s own copy of its profile say the paper is ``width_px`` dots wide."""
    # The profile data is a class attribute shared by every printer of that profile; we
    # give this instance its own copy so the width (from the URL or the 576 fallback)
    # is what image() checks against, and so image() never prints its "width unknown"
    # warning to stdout (that would corrupt the JSON a bench script prints).
    data = dict(printer.profile.profile_data)
    media = dict(data.get("media", {}))
    media["width"] = {**dict(media.get("width", {})), "pixels": width_px}
    data["media"] = media
    printer.profile.profile_data = data


def encode_job(job: PrintJob, *, profile: str | None, width_px: int) -> bytes:
    """ESC/POS bytes for ``job``: ESC @, then each element, as python-escpos writes them.

    Raises :class:`PrinterJobInvalid` when an element cannot be printed (non-ASCII
    :class:`Text`, an image wider than ``width_px``, an empty QR code).
    """
    dummy = make_dummy(profile, width_px)
    dummy.hw("INIT")  # ESC @: a known state whatever the previous job left behind
    align: str | None = None
    for index, element in enumerate(job.elements):
        try:
            align = _encode_element(dummy, element, width_px, align)
        except PrinterJobInvalid:
            raise
        except Exception as exc:  # python-escpos raises plain ValueError and its own errors
            raise PrinterJobInvalid(f"job element {index} ({element!r:.80}): {exc}") from exc
    data = bytes(dummy.output)
    _LOGGER.debug("encoded job %r: %d elements, %d bytes", job.label, len(job.elements), len(data))
    return data


def _encode_element(
    printer: Escpos, element: object, width_px: int, align: str | None
) -> str | None:
    """Write one element; returns the alignment now in force (to skip redundant ESC a)."""
    if isinstance(element, RasterImage):
        image = element.image
        if image.width > width_px:
            raise PrinterJobInvalid(
                f"image is {image.width} px wide; this printer prints {width_px}"
            )
        if align != element.align:
            # ESC a also places raster images on Epson printers (a full-width one starts at 0)
            printer.set(align=element.align)
        for block in raster_blocks(image):
            printer._raw(block)
        return element.align
    if isinstance(element, Text):
        if not element.text.isascii() or not element.text.isprintable():
            raise PrinterJobInvalid(
                f"Text must be printable ASCII (rasterise anything else): {element.text!r}"
            )
        if not (1 <= element.width_mult <= 8 and 1 <= element.height_mult <= 8):
            raise PrinterJobInvalid(
                f"text size {element.width_mult}x{element.height_mult} is outside 1..8"
            )
        printer.set(
            align=element.align,
            bold=element.bold,
            custom_size=True,
            width=element.width_mult,
            height=element.height_mult,
        )
        printer.text(element.text + "\n")
        return element.align
    if isinstance(element, QRCode):
        if not element.data:
            raise PrinterJobInvalid("QR code with no data")
        from escpos.constants import QR_ECLEVEL_M

        if align != "center":
            printer.set(align="center")
        printer.qr(element.data, ec=QR_ECLEVEL_M, size=element.size, native=True)
        return "center"
    if isinstance(element, Feed):
        if not 0 <= element.lines <= 255:
            raise PrinterJobInvalid(f"feed of {element.lines} lines is outside 0..255")
        printer.print_and_feed(element.lines)
        return align
    if isinstance(element, Cut):
        printer.cut(mode="PART")
        return align
    raise PrinterJobInvalid(f"unknown print element {type(element).__name__}")
