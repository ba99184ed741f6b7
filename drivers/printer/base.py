"""The ticket printer interface.

A print job is a short list of typed elements (a raster image, a line of plain ASCII text,
a native QR code, a feed, a cut). Every backend turns the same job into ESC/POS bytes with
python-escpos, so the simulator receives exactly what a real printer would.

Errors::

    PrinterError                 base: the job did not print (or may not have)
    +-- PrinterOffline           no answer / link down / write timed out
    +-- PrinterPaperOut          paper end sensor
    +-- PrinterCoverOpen         cover open (DLE EOT 2, bit 2)
    +-- PrinterJobInvalid        the job cannot be encoded (non-ASCII Text, image too wide)

``PrinterError`` is a :class:`drivers.errors.DeviceError`; codes are :class:`PrinterCode`.

Status from a printer is advisory (python-escpos reports paper OK when the printer does
not answer); a job only counts as printed when its bytes were written within the timeout.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from drivers.errors import DeviceError, PrinterCode

if TYPE_CHECKING:
    from PIL.Image import Image


class PrinterError(DeviceError):
    """A job did not print. ``code`` is short and machine-readable for screens and logs."""

    codes = PrinterCode
    code = PrinterCode.ERROR


class PrinterOffline(PrinterError):
    """The printer did not answer, the link is down, or a write timed out."""

    code = PrinterCode.OFFLINE


class PrinterPaperOut(PrinterError):
    """The paper roll is empty."""

    code = PrinterCode.PAPER_OUT


class PrinterCoverOpen(PrinterError):
    """The printer cover is open."""

    code = PrinterCode.COVER_OPEN


class PrinterJobInvalid(PrinterError):
    """The job cannot be turned into ESC/POS (a bug in the caller, not the printer)."""

    code = PrinterCode.JOB_INVALID


class Paper(enum.Enum):
    """Paper roll sensor state."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    """A snapshot of what the printer says about itself (advisory)."""

    online: bool
    paper: Paper
    cover_open: bool

    @property
    def ready(self) -> bool:
        """True when nothing known prevents printing."""
        return self.online and self.paper not in (Paper.OUT,) and not self.cover_open


@dataclass(frozen=True)
class RasterImage:
    """A 1-bit-able image printed as a raster (GS v 0); width <= the profile's width.

    ``align`` places an image narrower than the paper (ESC a): a slow link sends each
    line of text only as wide as the text and lets the printer centre it.
    """

    image: Image
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class Text:
    """One line of plain ASCII text printed with the printer's own font."""

    text: str
    align: Literal["left", "center", "right"] = "center"
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1


@dataclass(frozen=True)
class QRCode:
    """A QR code printed natively by the printer (GS ( k)."""

    data: str
    size: int = 6


@dataclass(frozen=True)
class Feed:
    """Feed ``lines`` blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Cut the paper (partial cut where the printer supports it)."""


PrintElement = RasterImage | Text | QRCode | Feed | Cut


@dataclass(frozen=True)
class PrintJob:
    """What to print, in order."""

    elements: tuple[PrintElement, ...]
    label: str = field(default="", compare=False)


class Printer(abc.ABC):
    """One ticket printer. Implementations must bound every I/O call by a timeout."""

    #: printable width in dots, taken from the python-escpos profile (576 for 80 mm,
    #: 512 for the TM-T88V profile, 384 for 58 mm)
    width_px: int
    #: True when the link is slow (serial): callers should rasterise only what needs it
    slow_link: bool = False

    @abc.abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer for its state (bounded by the backend's timeout)."""

    @abc.abstractmethod
    def print_job(self, job: PrintJob) -> None:
        """Print ``job`` or raise :class:`PrinterError`."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device."""
