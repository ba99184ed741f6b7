"""The simulated printer mechanism: it receives ESC/POS bytes and behaves like a printer.

:class:`SimPrinterDevice` is the far end of a link: feed it the bytes a printer would
receive and it decodes them (:mod:`drivers.printer.escpos_decode`), keeps each cut
ticket, answers DLE EOT status requests with the Epson bit layout, and uses up paper.
It knows nothing of python-escpos or of our backends, so the same device sits behind
:class:`drivers.printer.sim.SimPrinter` and behind a test's TCP or serial server.

State that tests and the demo change: ``paper``, ``paper_left_mm``, ``cover_open``,
``online``. While the cover is open or the paper is out, print data is dropped (a real
printer stops); while ``online`` is False the device neither prints nor answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from PIL import Image

from drivers.printer.base import Paper
from drivers.printer.escpos_decode import (
    Cut,
    Element,
    EscposDecoder,
    Initialize,
    PrintAndFeed,
    QRPrinted,
    Raster,
    SetTextSize,
    StatusRequest,
    TextLine,
)
from drivers.printer.status import status_answer

_LOGGER = logging.getLogger(__name__)

DOTS_PER_MM = 8  # 203 dpi thermal head
LINE_DOTS = 30  # Epson default line spacing (1/6 inch)
CHAR_DOTS = 24  # font A height


@dataclass
class PrintedTicket:
    """One ticket as it left the printer: the bytes received and what they decoded to."""

    data: bytes
    elements: list[Element]
    length_mm: float

    @property
    def rasters(self) -> list[Image.Image]:
        """The raster images, in order."""
        return [e.image for e in self.elements if isinstance(e, Raster)]

    @property
    def raster(self) -> Image.Image | None:
        """All raster images stacked top to bottom (what GS v 0 put on paper), or None."""
        parts = self.rasters
        if not parts:
            return None
        width = max(p.width for p in parts)
        stacked = Image.new("1", (width, sum(p.height for p in parts)), 1)
        top = 0
        for part in parts:
            stacked.paste(part, (0, top))
            top += part.height
        return stacked

    @property
    def texts(self) -> list[str]:
        """Lines printed with the printer's own font (empty lines left out)."""
        return [e.text for e in self.elements if isinstance(e, TextLine) and e.text]

    @property
    def qr_codes(self) -> list[str]:
        """Data of every native QR code printed."""
        return [e.data for e in self.elements if isinstance(e, QRPrinted)]

    def save_png(self, path: str | Path) -> Path:
        """Write the stacked raster as a PNG; raises ValueError when the ticket has none."""
        image = self.raster
        if image is None:
            raise ValueError("this ticket has no raster image to save")
        target = Path(path)
        image.save(target, format="PNG")
        return target


@dataclass
class SimPrinterDevice:
    """A thermal printer's mechanism speaking ESC/POS; all fields may be changed at any time."""

    paper: Paper = Paper.OK
    """What the paper sensors report."""
    cover_open: bool = False
    """The cover is open: the printer stops and reports it (DLE EOT 2 bit 2)."""
    online: bool = True
    """False: powered off or unplugged. Nothing prints, nothing answers."""
    paper_left_mm: float | None = None
    """Paper on the roll; None = endless. Each ticket uses its length; at 0 paper is OUT."""
    near_end_mm: float = 500.0
    """Roll length left at which the near-end sensor trips."""
    printed: list[PrintedTicket] = field(default_factory=list)
    """Every ticket cut so far, oldest first."""
    dropped_elements: int = 0
    """Printing commands received while the printer could not print (cover open, paper out)."""

    def __post_init__(self) -> None:
        """Set up the decoder and the ticket being printed."""
        self._decoder = EscposDecoder()
        self._stream = bytearray()  # bytes received since _stream_base (stream offset)
        self._stream_base = 0
        self._ticket_start = 0
        self._elements: list[Element] = []
        self._job_dots = 0
        self._height_mult = 1
        self._spoiled = False  # part of this ticket was lost (cover opened, paper ran out)
        if self.paper_left_mm is not None:
            self._update_paper()

    def feed(self, data: bytes) -> bytes:
        """Receive ``data`` from the link; return the bytes the printer sends back."""
        if not self.online:
            return b""
        self._stream += data
        answers = bytearray()
        for element, end in self._decoder.feed_spans(data):
            if isinstance(element, StatusRequest):
                answers += status_answer(element.n, paper=self.paper, cover_open=self.cover_open)
            else:
                self._take(element, end)
        return bytes(answers)

    def _take(self, element: Element, end: int) -> None:
        if isinstance(element, Initialize):
            if len(self._elements) > 0:
                _LOGGER.debug("ESC @ before a cut: %d elements discarded", len(self._elements))
            self._start_ticket(at=end - 2)  # the ticket's bytes start at this ESC @
            self._elements.append(element)
            return
        printing = isinstance(element, (TextLine, Raster, QRPrinted, PrintAndFeed))
        if printing and not self._can_print():
            self._spoiled = True
            self.dropped_elements += 1
            return
        if isinstance(element, SetTextSize):
            self._height_mult = element.height_mult
        self._elements.append(element)
        self._use_paper(self._dots(element))
        if isinstance(element, Cut):
            self._finish_ticket(end)

    def load_paper(self, length_mm: float | None) -> None:
        """Put a roll of ``length_mm`` in (None = endless) and update the sensors."""
        self.paper_left_mm = length_mm
        if length_mm is None:
            self.paper = Paper.OK
        else:
            self._update_paper()

    def _can_print(self) -> bool:
        return not self.cover_open and self.paper is not Paper.OUT

    def _dots(self, element: Element) -> int:
        if isinstance(element, Raster):
            return element.image.height
        if isinstance(element, TextLine):
            return CHAR_DOTS * self._height_mult + (LINE_DOTS - CHAR_DOTS)
        if isinstance(element, PrintAndFeed):
            return LINE_DOTS * element.lines
        if isinstance(element, QRPrinted):
            symbol = qrcode.QRCode(border=0)
            symbol.add_data(element.data)
            symbol.make(fit=True)
            modules = int(symbol.modules_count)
            return (modules + 8) * element.module_size  # + quiet zone
        return 0

    def _use_paper(self, dots: int) -> None:
        self._job_dots += dots
        if self.paper_left_mm is None or dots == 0:
            return
        self.paper_left_mm -= dots / DOTS_PER_MM
        self._update_paper()
        if self.paper is Paper.OUT:
            # the roll ran out under the head: the rest of this ticket is lost
            self._spoiled = True

    def _update_paper(self) -> None:
        assert self.paper_left_mm is not None
        if self.paper_left_mm <= 0:
            self.paper_left_mm = 0.0
            self.paper = Paper.OUT
        elif self.paper_left_mm <= self.near_end_mm:
            self.paper = Paper.NEAR_END
        else:
            self.paper = Paper.OK

    def _finish_ticket(self, end: int) -> None:
        if self._spoiled:
            _LOGGER.info(
                "sim printer: ticket spoiled (paper %s, cover open %s)",
                self.paper.value,
                self.cover_open,
            )
        else:
            data = bytes(
                self._stream[self._ticket_start - self._stream_base : end - self._stream_base]
            )
            self.printed.append(
                PrintedTicket(data, list(self._elements), self._job_dots / DOTS_PER_MM)
            )
        self._start_ticket(at=end)

    def _start_ticket(self, *, at: int) -> None:
        # forget the bytes before this ticket so a long-running sim does not grow
        del self._stream[: at - self._stream_base]
        self._stream_base = at
        self._ticket_start = at
        self._elements = []
        self._job_dots = 0
        self._height_mult = 1
        self._spoiled = False
