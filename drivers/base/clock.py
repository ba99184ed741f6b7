"""Clocks for the base and everything that drives it.

A real base lives in monotonic time. A simulated base can live in a :class:`VirtualClock`
that only moves when the driving code sleeps, so a test can drive across the whole lobby
in a fraction of the time and with the same result every run. The simulator reads the
same clock, so its physics and its serial timeout agree with the driving code.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Time as seen by the base and its drivers."""

    #: True when the clock is wall time (a safety thread can watch it); False when virtual
    realtime: bool

    def now(self) -> float:
        """Seconds on this clock (only differences matter)."""

    async def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass on this clock."""


class MonotonicClock:
    """Wall time (time.monotonic) and asyncio.sleep: the clock of real hardware."""

    realtime = True

    def now(self) -> float:
        """Seconds from time.monotonic()."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        await asyncio.sleep(seconds)


class VirtualClock:
    """A clock that advances only when someone sleeps on it (discrete-time simulation).

    Thread-safe: the simulator's thread reads ``now()`` while the event loop sleeps.
    """

    realtime = False

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        """The virtual time, seconds."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward without yielding (for synchronous callers and tests)."""
        if seconds < 0:
            raise ValueError(f"cannot move a clock back ({seconds} s)")
        with self._lock:
            self._now += seconds

    async def sleep(self, seconds: float) -> None:
        """Advance time by ``seconds`` at once, then yield to other tasks."""
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)
