"""Give the kiosk's freed heap back to the system while nobody is using the kiosk.

All day the daemon allocates and frees large native buffers: a ticket's number drawn on
the screen (an SDL surface of hundreds of KiB), the ticket's strips (Pillow images),
camera frames, central's answers. glibc keeps what is freed inside its heap for reuse,
and a heap fragmented by buffers of many sizes keeps pages resident that hold nothing:
the 48-simulated-hour soak of ``kiosk simulate-day`` measured the bytes in use flat
(-2 %) while the resident memory crept up 6 %, on a process meant to run for months.
``malloc_trim(0)`` hands every whole free page of every arena back to the kernel; it
walks the heap (a few milliseconds), so it runs at most every :data:`TRIM_EVERY_S` and
only while the attract screen is showing. Where the C library is not glibc it does
nothing.

Written here because it is one call of the C library; no maintained package wraps it.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
import time
from collections.abc import Callable
from typing import Any

_LOGGER = logging.getLogger(__name__)

TRIM_EVERY_S = 30.0
"""Seconds between two trims at most (real time: a heap does not fragment faster)."""


def _malloc_trim() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


_TRIM = _malloc_trim()


def trim() -> bool:
    """Return free heap pages to the kernel now; True when some were (glibc only)."""
    if _TRIM is None:
        return False
    return bool(_TRIM(0))


async def trim_while_idle(idle: Callable[[], bool], every_s: float = TRIM_EVERY_S) -> None:
    """Until cancelled: every ``every_s``, trim the heap if ``idle()`` (the attract screen
    is showing), so a citizen's touch never waits behind it."""
    if _TRIM is None:
        _LOGGER.debug("no glibc malloc_trim: the heap is left to the C library")
        return
    while True:
        await asyncio.sleep(every_s)
        if idle():
            started = time.perf_counter()
            released = trim()
            _LOGGER.debug(
                "heap trimmed in %.1f ms (%s)",
                (time.perf_counter() - started) * 1000,
                "pages released" if released else "nothing to release",
            )
