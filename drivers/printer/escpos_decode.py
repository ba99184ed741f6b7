"""Decode the ESC/POS bytes our encoder produces back into typed elements.

The simulator feeds every byte it receives through this decoder, so tests check the real
bytes (a raster comes back as a Pillow image, a native QR code as its data), not our
intentions. It knows the subset of ESC/POS that python-escpos emits for our jobs plus the
status requests; anything else is an error naming the byte offset, because a simulator
that silently skipped unknown bytes would hide encoder bugs. Written here because no
maintained Python library parses ESC/POS (they all generate it).

Errors: :class:`EscposDecodeError` (``code = "escpos-decode"``), a ``ValueError``.

The decoder is incremental (bytes may arrive in any chunks over TCP or serial):
:meth:`EscposDecoder.feed` returns the elements completed so far and keeps the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PIL import Image

_LOGGER = logging.getLogger(__name__)

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
_INVERT = bytes(255 - i for i in range(256))
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class EscposDecodeError(ValueError):
    """Bytes that are not the ESC/POS subset we speak; the message names the offset."""

    code = "escpos-decode"


@dataclass(frozen=True)
class Initialize:
    """ESC @: reset the printer."""


@dataclass(frozen=True)
class SetAlign:
    """ESC a n: justification."""

    align: str


@dataclass(frozen=True)
class SetBold:
    """ESC E n: emphasised text on/off."""

    bold: bool


@dataclass(frozen=True)
class SetTextSize:
    """GS ! n: character size multipliers (1..8)."""

    width_mult: int
    height_mult: int


@dataclass(frozen=True)
class SetPrintMode:
    """ESC ! n: print mode byte (font, bold, double size)."""

    mode: int


@dataclass(frozen=True)
class SelectCodePage:
    """ESC t n: character code table."""

    page: int


@dataclass(frozen=True)
class TextLine:
    """Text printed by LF (decoded as Latin-1: we only ever send ASCII)."""

    text: str


@dataclass(frozen=True)
class PrintAndFeed:
    """ESC d n: print the buffer and feed ``lines`` lines."""

    lines: int


@dataclass(frozen=True)
class Raster:
    """GS v 0: a raster bit image, black = printed dot."""

    image: Image.Image


@dataclass(frozen=True)
class QRPrinted:
    """GS ( k fn 81: the stored QR symbol was printed."""

    data: str
    module_size: int
    error_correction: str


@dataclass(frozen=True)
class Cut:
    """GS V: cut the paper."""

    partial: bool


@dataclass(frozen=True)
class StatusRequest:
    """DLE EOT n: real-time status request."""

    n: int


Element = (
    Initialize
    | SetAlign
    | SetBold
    | SetTextSize
    | SetPrintMode
    | SelectCodePage
    | TextLine
    | PrintAndFeed
    | Raster
    | QRPrinted
    | Cut
    | StatusRequest
)


class _Incomplete(Exception):
    """The buffer ends inside a command: wait for more bytes."""


class EscposDecoder:
    """Incremental ESC/POS decoder; keeps QR settings and unfinished bytes between feeds."""

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = bytearray()
        self._offset = 0  # stream offset of _buffer[0], for error messages
        self._text = bytearray()
        self._qr_data = b""
        self._qr_size = 3
        self._qr_ec = "L"

    @property
    def pending(self) -> int:
        """Bytes received but not yet decoded (inside an unfinished command)."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Element]:
        """Decode ``data`` (appended to what is pending) and return the completed elements."""
        return [element for element, _ in self.feed_spans(data)]

    def feed_spans(self, data: bytes) -> list[tuple[Element, int]]:
        """Like :meth:`feed`, with each element's end offset in the whole stream."""
        self._buffer += data
        out: list[Element] = []
        spans: list[tuple[Element, int]] = []
        pos = 0
        while pos < len(self._buffer):
            try:
                pos = self._step(pos, out)
            except _Incomplete:
                break
            spans.extend((element, self._offset + pos) for element in out)
            out.clear()
        del self._buffer[:pos]
        self._offset += pos
        return spans

    def _step(self, pos: int, out: list[Element]) -> int:
        buf = self._buffer
        byte = buf[pos]
        if byte == LF:
            out.append(TextLine(self._text.decode("latin-1")))
            self._text.clear()
            return pos + 1
        if byte == ESC:
            return self._esc(pos, out)
        if byte == GS:
            return self._gs(pos, out)
        if byte == DLE:
            self._need(pos, 3)
            if buf[pos + 1] != 0x04 or buf[pos + 2] not in (1, 2, 3, 4):
                self._fail(pos, f"unknown DLE command {bytes(buf[pos : pos + 3]).hex(' ')}")
            out.append(StatusRequest(buf[pos + 2]))
            return pos + 3
        if 0x20 <= byte < 0x7F or byte >= 0xA0:
            self._text.append(byte)
            return pos + 1
        self._fail(pos, f"unexpected control byte 0x{byte:02x}")
        raise AssertionError("unreachable")

    def _esc(self, pos: int, out: list[Element]) -> int:
        buf = self._buffer
        self._need(pos, 2)
        cmd = buf[pos + 1]
        if cmd == ord("@"):
            out.append(Initialize())
            return pos + 2
        self._need(pos, 3)
        arg = buf[pos + 2]
        if cmd == ord("a"):
            if arg not in _ALIGN:
                self._fail(pos, f"ESC a {arg}: no such alignment")
            out.append(SetAlign(_ALIGN[arg]))
        elif cmd == ord("E"):
            out.append(SetBold(bool(arg & 1)))
        elif cmd == ord("!"):
            out.append(SetPrintMode(arg))
        elif cmd == ord("t"):
            out.append(SelectCodePage(arg))
        elif cmd == ord("d"):
            self._flush_text(out)
            out.append(PrintAndFeed(arg))
        else:
            self._fail(pos, f"unknown command ESC 0x{cmd:02x}")
        return pos + 3

    def _gs(self, pos: int, out: list[Element]) -> int:
        buf = self._buffer
        self._need(pos, 3)
        cmd = buf[pos + 1]
        if cmd == ord("!"):
            size = buf[pos + 2]
            out.append(SetTextSize((size >> 4) + 1, (size & 0x0F) + 1))
            return pos + 3
        if cmd == ord("V"):
            mode = buf[pos + 2]
            if mode in (65, 66):  # function B: cut after feeding n more
                self._need(pos, 4)
                out.append(Cut(partial=mode == 66))
                return pos + 4
            if mode not in (0, 1, 48, 49):
                self._fail(pos, f"GS V {mode}: unknown cut mode")
            out.append(Cut(partial=mode in (1, 49)))
            return pos + 3
        if cmd == ord("v") and buf[pos + 2] == ord("0"):
            return self._raster(pos, out)
        if cmd == ord("(") and buf[pos + 2] == ord("k"):
            return self._two_d_code(pos, out)
        self._fail(pos, f"unknown command GS {bytes(buf[pos + 1 : pos + 3]).hex(' ')}")
        raise AssertionError("unreachable")

    def _raster(self, pos: int, out: list[Element]) -> int:
        buf = self._buffer
        self._need(pos, 8)
        mode = buf[pos + 3]
        if mode not in (0, 1, 2, 3, 48, 49, 50, 51):
            self._fail(pos, f"GS v 0 mode {mode} is not 0..3")
        width_bytes = buf[pos + 4] | buf[pos + 5] << 8
        height = buf[pos + 6] | buf[pos + 7] << 8
        size = width_bytes * height
        if width_bytes == 0 or height == 0:
            self._fail(pos, f"GS v 0 with an empty image ({width_bytes * 8}x{height})")
        self._need(pos, 8 + size)
        self._flush_text(out)
        bits = bytes(buf[pos + 8 : pos + 8 + size]).translate(_INVERT)
        # In ESC/POS a 1 bit is a printed (black) dot; in Pillow's mode "1" it is white.
        out.append(Raster(Image.frombytes("1", (width_bytes * 8, height), bits)))
        return pos + 8 + size

    def _two_d_code(self, pos: int, out: list[Element]) -> int:
        buf = self._buffer
        self._need(pos, 7)
        length = buf[pos + 3] | buf[pos + 4] << 8
        self._need(pos, 5 + length)
        cn, fn = buf[pos + 5], buf[pos + 6]
        body = bytes(buf[pos + 7 : pos + 5 + length])
        if cn != ord("1"):
            self._fail(pos, f"GS ( k symbol type {cn} is not QR (49)")
        if fn == 65:  # model
            pass
        elif fn == 67 and body:  # module size
            self._qr_size = body[0]
        elif fn == 69 and body:  # error correction level
            self._qr_ec = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(body[0], "?")
        elif fn == 80:  # store data, after m = '0'
            self._qr_data = body[1:]
        elif fn == 81:  # print the stored symbol
            self._flush_text(out)
            out.append(QRPrinted(self._qr_data.decode("utf-8"), self._qr_size, self._qr_ec))
        else:
            self._fail(pos, f"GS ( k QR function {fn} is not supported")
        return pos + 5 + length

    def _flush_text(self, out: list[Element]) -> None:
        # Printing commands print the line buffer, as a printer would
        if self._text:
            out.append(TextLine(self._text.decode("latin-1")))
            self._text.clear()

    def _need(self, pos: int, count: int) -> None:
        if len(self._buffer) < pos + count:
            raise _Incomplete

    def _fail(self, pos: int, message: str) -> None:
        raise EscposDecodeError(f"ESC/POS byte {self._offset + pos}: {message}")


def decode(data: bytes) -> list[Element]:
    """Decode a complete byte string; an unfinished command at the end is an error."""
    decoder = EscposDecoder()
    elements = decoder.feed(data)
    if decoder.pending:
        raise EscposDecodeError(
            f"ESC/POS stream ends inside a command ({decoder.pending} bytes left undecoded)"
        )
    return elements
