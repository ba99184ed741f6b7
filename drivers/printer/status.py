"""DLE EOT real-time status: the request bytes, the Epson bit layout, and its parsing.

One module for both sides of the exchange: the backends parse a printer's answers with
:func:`parse_status`, and the simulator builds its answers with :func:`status_answer`,
so the simulator is checked against the same bit layout a real printer uses.

Epson layout (every answer is one byte; bits 1 and 4 are always 1, bits 0 and 7 always 0):

- ``DLE EOT 1`` printer status: bit 3 = offline (cover open, paper end, error).
- ``DLE EOT 2`` offline cause: bit 2 = cover open, bit 5 = printing stopped at paper end.
- ``DLE EOT 3`` error cause: bit 3 = autocutter error, bit 5 = unrecoverable error.
- ``DLE EOT 4`` roll paper sensor: bits 2-3 = near end, bits 5-6 = paper end.

We parse the bytes ourselves rather than use python-escpos's ``paper_status()``: that
method answers "paper adequate" when the printer says nothing, and status here is
advisory, so "no answer" must stay "unknown".
"""

from __future__ import annotations

import logging

from drivers.printer.base import Paper, PrinterStatus

_LOGGER = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
#: the four status requests, by their ``n``
STATUS_REQUESTS: dict[int, bytes] = {n: DLE_EOT + bytes((n,)) for n in (1, 2, 3, 4)}

FIXED_SET = 0x12  # bits 1 and 4
FIXED_MASK = 0x93  # bits 0, 1, 4, 7
OFFLINE_BIT = 0x08  # DLE EOT 1
COVER_OPEN_BIT = 0x04  # DLE EOT 2
PAPER_END_STOP_BIT = 0x20  # DLE EOT 2
NEAR_END_BITS = 0x0C  # DLE EOT 4
PAPER_END_BITS = 0x60  # DLE EOT 4


def status_byte(answer: bytes) -> int | None:
    """The status byte in ``answer``, or None when there is none with the fixed bits right.

    A printer with Automatic Status Back enabled may interleave other bytes, so we take the
    last byte whose fixed bits match rather than blindly the first.
    """
    for value in reversed(answer):
        if value & FIXED_MASK == FIXED_SET:
            return value
    if answer:
        _LOGGER.warning("printer status answer %s has no valid status byte", answer.hex(" "))
    return None


def parse_status(eot1: bytes, eot2: bytes, eot4: bytes) -> PrinterStatus:
    """Turn the answers to DLE EOT 1, 2 and 4 into a :class:`PrinterStatus`.

    No valid answer to DLE EOT 1 means the printer is not reachable: ``online=False`` and
    ``Paper.UNKNOWN`` (never "paper OK"). ``online`` means "answered"; a printer stopped by
    an open cover or paper end answers and says why in ``cover_open`` and ``paper``.
    """
    printer = status_byte(eot1)
    if printer is None:
        return PrinterStatus(online=False, paper=Paper.UNKNOWN, cover_open=False)
    cause = status_byte(eot2)
    roll = status_byte(eot4)
    cover_open = cause is not None and bool(cause & COVER_OPEN_BIT)
    if roll is not None:
        if roll & PAPER_END_BITS:
            paper = Paper.OUT
        elif roll & NEAR_END_BITS:
            paper = Paper.NEAR_END
        else:
            paper = Paper.OK
    elif cause is not None and cause & PAPER_END_STOP_BIT:
        paper = Paper.OUT
    else:
        paper = Paper.UNKNOWN
    return PrinterStatus(online=True, paper=paper, cover_open=cover_open)


def status_answer(n: int, *, paper: Paper, cover_open: bool) -> bytes:
    """The byte an Epson printer in this state answers to ``DLE EOT n`` (for the simulator)."""
    value = FIXED_SET
    paper_out = paper is Paper.OUT
    if n == 1:
        if cover_open or paper_out:
            value |= OFFLINE_BIT
    elif n == 2:
        if cover_open:
            value |= COVER_OPEN_BIT
        if paper_out:
            value |= PAPER_END_STOP_BIT
    elif n == 4:
        # a roll that has run out has also passed the near-end sensor
        if paper in (Paper.NEAR_END, Paper.OUT):
            value |= NEAR_END_BITS
        if paper_out:
            value |= PAPER_END_BITS
    elif n != 3:
        raise ValueError(f"DLE EOT {n} is not a status request (1..4)")
    return bytes((value,))
