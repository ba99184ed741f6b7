"""Endpointing: deciding from 30 ms frames when an utterance starts and ends (webrtcvad).

An utterance starts when ``speech_start_ms`` of the last 300 ms were voiced, and ends after
``silence_end_ms`` of unvoiced frames or at ``max_utterance_s``. The frames from just
before the start (``pre_roll_ms``) are kept, so the first syllable reaches the decoder.
"""

from __future__ import annotations

import collections
import enum
import logging

import webrtcvad

from drivers.audio import FRAME_MS, SAMPLE_RATE
from speech.settings import VadSettings

_LOGGER = logging.getLogger(__name__)
_START_WINDOW_MS = 300


class VadEvent(enum.Enum):
    """What a frame changed."""

    NONE = "none"
    STARTED = "started"
    ENDED = "ended"


class Endpointer:
    """Feed frames in order; read :attr:`frames` (the utterance so far) after STARTED."""

    def __init__(self, settings: VadSettings) -> None:
        """Settings give the VAD mode and the durations."""
        self._settings = settings
        self._vad = webrtcvad.Vad(settings.aggressiveness)
        self._window: collections.deque[tuple[bytes, bool]] = collections.deque(
            maxlen=_START_WINDOW_MS // FRAME_MS
        )
        self._pre_roll: collections.deque[bytes] = collections.deque(
            maxlen=max(1, settings.pre_roll_ms // FRAME_MS)
        )
        self.frames: list[bytes] = []
        self.in_speech = False
        self._silence_ms = 0

    @property
    def silence_ms(self) -> int:
        """Unvoiced audio since the last voiced frame of the utterance."""
        return self._silence_ms

    def reset(self) -> None:
        """Forget everything (e.g. after the kiosk spoke)."""
        self._window.clear()
        self._pre_roll.clear()
        self.frames = []
        self.in_speech = False
        self._silence_ms = 0

    def feed(self, frame: bytes) -> VadEvent:
        """Classify one frame and say whether an utterance started or ended with it."""
        voiced = self._vad.is_speech(frame, SAMPLE_RATE)
        if not self.in_speech:
            self._window.append((frame, voiced))
            self._pre_roll.append(frame)
            if sum(FRAME_MS for _, v in self._window if v) >= self._settings.speech_start_ms:
                self.in_speech = True
                self.frames = list(self._pre_roll)
                self._silence_ms = 0
                return VadEvent.STARTED
            return VadEvent.NONE
        self.frames.append(frame)
        self._silence_ms = 0 if voiced else self._silence_ms + FRAME_MS
        too_long = len(self.frames) * FRAME_MS >= self._settings.max_utterance_s * 1000
        if self._silence_ms >= self._settings.silence_end_ms or too_long:
            if too_long:
                _LOGGER.info("utterance cut at %.1f s", self._settings.max_utterance_s)
            return VadEvent.ENDED
        return VadEvent.NONE
