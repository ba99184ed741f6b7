"""``sim://`` audio: a microphone fed by injected PCM (silence otherwise) and a speaker
that records every clip it was given.

Both are real classes the tests and the demo drive: ``SimAudioIn.inject`` queues what
a citizen "says"; ``SimAudioOut.clips`` is what the kiosk said, with when it started and
whether it was cut off.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from dataclasses import dataclass

from drivers.audio.base import FRAME_BYTES, FRAME_MS, AudioIn, AudioTimeout
from drivers.audio.null_out import NullAudioOut
from drivers.audio.pcm import split_frames

_LOGGER = logging.getLogger(__name__)
_SILENCE = b"\x00" * FRAME_BYTES


class SimAudioIn(AudioIn):
    """Yields injected frames first, then silence; paced in real time if ``realtime``."""

    def __init__(self, realtime: bool = False) -> None:
        """``realtime`` makes each frame take 30 ms like a real microphone."""
        self._realtime = realtime
        self._frames: collections.deque[bytes] = collections.deque()
        self.frames_read = 0
        #: when True the microphone is "unplugged": read_frame times out
        self.dead = False

    def inject(self, pcm: bytes, lead_silence_ms: int = 0, trail_silence_ms: int = 0) -> None:
        """Queue 16 kHz mono 16-bit ``pcm`` with optional silence around it."""
        self._frames.extend([_SILENCE] * (lead_silence_ms // FRAME_MS))
        self._frames.extend(split_frames(pcm, FRAME_BYTES))
        self._frames.extend([_SILENCE] * (trail_silence_ms // FRAME_MS))

    @property
    def pending_frames(self) -> int:
        """Frames queued and not yet read."""
        return len(self._frames)

    def discard(self) -> None:
        """Drop every queued frame: the speaker has stopped talking (what was queued and
        not yet heard would otherwise be heard later, out of its moment)."""
        self._frames.clear()

    def _refill(self) -> None:
        """Hook for subclasses to queue more frames when the queue runs dry."""

    async def read_frame(self, timeout: float) -> bytes:
        """Return the next queued frame, or silence when nothing is queued."""
        if self.dead:
            await asyncio.sleep(timeout)
            raise AudioTimeout(f"sim microphone gave no frame within {timeout:.1f} s")
        if self._realtime:
            await asyncio.sleep(FRAME_MS / 1000)
        else:
            await asyncio.sleep(0)  # let other tasks run, as a real device would
        if not self._frames:
            self._refill()
        self.frames_read += 1
        return self._frames.popleft() if self._frames else _SILENCE


@dataclass
class PlayedClip:
    """One clip given to :class:`SimAudioOut`."""

    pcm: bytes
    sample_rate: int
    started_at: float
    completed: bool | None = None
    played_s: float = 0.0


class SimAudioOut(NullAudioOut):
    """A speaker that keeps timing (divided by ``speed``) and records each clip."""

    def __init__(self, speed: float = 1.0) -> None:
        """``speed`` > 1 plays faster than real time."""
        super().__init__(speed)
        self.clips: list[PlayedClip] = []
        self.clip_started = asyncio.Event()

    def _clip_started(self, pcm: bytes, sample_rate: int, started: float) -> None:
        self.clips.append(PlayedClip(pcm, sample_rate, started))
        self.clip_started.set()

    def _clip_ended(self, completed: bool, elapsed: float) -> None:
        self.clips[-1].completed = completed
        self.clips[-1].played_s = elapsed
