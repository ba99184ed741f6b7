"""``null://`` audio out: discards the sound but takes as long as it would to play.

Keeping the timing matters: the echo guard, "stop within 100 ms" and the visitor flow's
timers behave on a kiosk without a speaker (or in CI) as they do with one.
"""

from __future__ import annotations

import asyncio
import logging
import time

from drivers.audio.base import AudioOut
from drivers.audio.pcm import duration_s

_LOGGER = logging.getLogger(__name__)


class NullAudioOut(AudioOut):
    """Plays nothing, in real time (divided by ``speed``), and can be stopped at once."""

    def __init__(self, speed: float = 1.0) -> None:
        """``speed`` > 1 plays faster than real time (for tests and demos)."""
        self._speed = speed
        self._stop_event: asyncio.Event | None = None
        self._playing = False

    @property
    def playing(self) -> bool:
        """True while a clip is 'playing'."""
        return self._playing

    async def play(self, pcm: bytes, sample_rate: int) -> bool:
        """Wait the clip's duration or until :meth:`stop`; True if it ran to the end."""
        self.stop()
        stop_event = asyncio.Event()
        self._stop_event = stop_event
        self._playing = True
        started = time.monotonic()
        self._clip_started(pcm, sample_rate, started)
        try:
            await asyncio.wait_for(stop_event.wait(), duration_s(pcm, sample_rate) / self._speed)
            completed = False
        except TimeoutError:
            completed = True
        finally:
            if self._stop_event is stop_event:
                self._playing = False
                self._stop_event = None
        self._clip_ended(completed, time.monotonic() - started)
        return completed

    def stop(self) -> None:
        """Cut the current clip off."""
        if self._stop_event is not None:
            self._stop_event.set()

    def _clip_started(self, pcm: bytes, sample_rate: int, started: float) -> None:
        """Hook for subclasses that record what was played."""
        _LOGGER.debug("null out: clip of %d bytes at %d Hz", len(pcm), sample_rate)

    def _clip_ended(self, completed: bool, elapsed: float) -> None:
        """Hook for subclasses that record what was played."""
