"""``wav://DIR`` audio in: plays utterances from WAV files, one after another.

The files in DIR (``*.wav``, sorted by name) are queued when the device opens; more can be
queued with :meth:`WavAudioIn.enqueue`. Each utterance is preceded by ``lead_ms`` and
followed by ``gap_ms`` of silence so an endpointer sees it start and end; after the last
one the microphone gives silence. Files in any PCM WAV format are converted to 16 kHz mono
16-bit.
"""

from __future__ import annotations

import collections
import logging
from pathlib import Path

from drivers.audio.base import AudioDeviceError
from drivers.audio.pcm import read_wav_16k
from drivers.audio.sim import SimAudioIn

_LOGGER = logging.getLogger(__name__)


class WavAudioIn(SimAudioIn):
    """A microphone that 'hears' queued WAV files."""

    def __init__(
        self,
        directory: Path | None,
        *,
        lead_ms: int = 300,
        gap_ms: int = 1000,
        realtime: bool = False,
    ) -> None:
        """Queue every ``*.wav`` in ``directory`` (if given)."""
        super().__init__(realtime=realtime)
        self._lead_ms = lead_ms
        self._gap_ms = gap_ms
        self._files: collections.deque[Path] = collections.deque()
        if directory is not None:
            if not directory.is_dir():
                raise AudioDeviceError(f"wav://{directory}: not a directory")
            for path in sorted(directory.glob("*.wav")):
                self._files.append(path)
            _LOGGER.info("wav in: %d utterances queued from %s", len(self._files), directory)

    def enqueue(self, path: Path) -> None:
        """Queue one more WAV file (read when its turn comes)."""
        self._files.append(path)

    @property
    def pending_utterances(self) -> int:
        """Files not yet started."""
        return len(self._files)

    def discard(self) -> None:
        """Drop the queued files and the frames of the one being played."""
        self._files.clear()
        super().discard()

    @property
    def drained(self) -> bool:
        """True when every queued utterance has been read by the listener."""
        return not self._files and not self.pending_frames

    def _refill(self) -> None:
        if not self._files:
            return
        path = self._files.popleft()
        _LOGGER.debug("wav in: playing %s", path)
        self.inject(
            read_wav_16k(path), lead_silence_ms=self._lead_ms, trail_silence_ms=self._gap_ms
        )
