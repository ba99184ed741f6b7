"""The audio interfaces: a microphone that yields PCM frames and a speaker that plays PCM.

Everything inside the kiosk speaks one format: 16-bit signed little-endian mono PCM. The
microphone side is fixed at 16 kHz in 30 ms frames (what vosk and webrtcvad both accept);
the speaker side takes any sample rate and converts if its device needs another.

Errors::

    AudioError                    base: audio in or out failed
    +-- AudioDeviceError          the device cannot be opened or its library is missing
    +-- AudioTimeout              no frame arrived within the timeout
    +-- AudioFormatError          a WAV file or buffer that is not usable PCM

A bad URL raises :class:`drivers.url.DeviceURLError` (code ``device-url``). All are
:class:`drivers.errors.DeviceError`; codes are :class:`AudioCode`.
"""

from __future__ import annotations

import abc

from drivers.errors import AudioCode, DeviceError

#: microphone sample rate in Hz (vosk models and webrtcvad both accept 16 kHz)
SAMPLE_RATE = 16_000
#: one microphone frame in milliseconds (webrtcvad accepts 10, 20 or 30)
FRAME_MS = 30
#: bytes per sample (16-bit)
SAMPLE_WIDTH = 2
#: bytes in one microphone frame
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * SAMPLE_WIDTH


class AudioError(DeviceError):
    """Audio in or out failed. ``code`` is short and machine-readable."""

    codes = AudioCode
    code = AudioCode.ERROR


class AudioDeviceError(AudioError):
    """The device cannot be opened, or the library its backend needs is missing."""

    code = AudioCode.DEVICE


class AudioTimeout(AudioError):
    """No microphone frame arrived within the timeout."""

    code = AudioCode.TIMEOUT


class AudioFormatError(AudioError):
    """A WAV file or PCM buffer that cannot be used (not PCM, wrong width, garbage)."""

    code = AudioCode.FORMAT


class AudioIn(abc.ABC):
    """A microphone: yields 30 ms frames of 16 kHz mono 16-bit PCM (:data:`FRAME_BYTES` each)."""

    @abc.abstractmethod
    async def read_frame(self, timeout: float) -> bytes:
        """Return the next frame; raise :class:`AudioTimeout` if none within ``timeout`` s."""

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Drop frames captured so far (e.g. the kiosk's own voice after it spoke)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device."""


class AudioOut(abc.ABC):
    """A speaker: plays one PCM clip at a time; :meth:`stop` cuts it off at once."""

    @abc.abstractmethod
    async def play(self, pcm: bytes, sample_rate: int) -> bool:
        """Play 16-bit mono ``pcm``; return True if it played to the end, False if stopped."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop the clip playing now (if any); :meth:`play` then returns False promptly."""

    @property
    @abc.abstractmethod
    def playing(self) -> bool:
        """True while a clip is playing."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device."""
