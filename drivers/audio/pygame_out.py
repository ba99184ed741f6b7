"""``pygame://`` audio out through pygame.mixer (SDL), with an immediate stop.

The mixer is opened on first use at the URL's rate (``pygame://?rate=22050``) and clips
are resampled to it. ``SDL_AUDIODRIVER=dummy`` gives a silent device that still plays in
real time, which is what the tests use.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

from drivers.audio.base import AudioDeviceError, AudioOut
from drivers.audio.pcm import resample

_LOGGER = logging.getLogger(__name__)
#: how often play() checks whether the channel is still busy; bounds stop latency too
_POLL_S = 0.01


class PygameAudioOut(AudioOut):
    """Plays PCM clips on one pygame mixer channel."""

    def __init__(self, rate: int = 22050) -> None:
        """``rate`` is the mixer's output rate in Hz."""
        self._rate = rate
        self._mixer: Any = None
        self._channel: Any = None
        self._stopped = False

    def _ensure_mixer(self) -> Any:
        if self._mixer is None:
            os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
            try:
                import pygame  # imported on first use only

                pygame.mixer.init(frequency=self._rate, size=-16, channels=1, buffer=512)
            except Exception as exc:  # pygame.error and ImportError
                raise AudioDeviceError(f"pygame://: cannot open the mixer ({exc})") from exc
            self._mixer = pygame.mixer
            _LOGGER.info("pygame mixer open: %s", pygame.mixer.get_init())
        return self._mixer

    @property
    def playing(self) -> bool:
        """True while the channel is busy."""
        return self._channel is not None and bool(self._channel.get_busy())

    async def play(self, pcm: bytes, sample_rate: int) -> bool:
        """Play ``pcm``; True if it played to the end, False if :meth:`stop` cut it off."""
        mixer = self._ensure_mixer()
        self.stop()
        sound = mixer.Sound(buffer=resample(pcm, sample_rate, self._rate))
        self._stopped = False
        channel = sound.play()
        if channel is None:
            raise AudioDeviceError("pygame://: no free mixer channel")
        self._channel = channel
        while channel.get_busy() and not self._stopped:
            await asyncio.sleep(_POLL_S)
        return not self._stopped

    def stop(self) -> None:
        """Stop the clip now."""
        self._stopped = True
        if self._channel is not None:
            self._channel.stop()

    def close(self) -> None:
        """Close the mixer."""
        self.stop()
        if self._mixer is not None:
            self._mixer.quit()
            self._mixer = None
