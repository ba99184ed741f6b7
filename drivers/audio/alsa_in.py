"""``alsa://DEVICE`` audio in through sounddevice (PortAudio, which uses ALSA on Linux).

sounddevice is on PyPI as a pure-Python wheel over the system's libportaudio2; it is
imported only when this backend opens, so the simulators work without it. Frames come from
PortAudio's callback thread and are handed to the asyncio loop thread-safely.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from drivers.audio.base import FRAME_BYTES, SAMPLE_RATE, AudioDeviceError, AudioIn, AudioTimeout

_LOGGER = logging.getLogger(__name__)
#: frames kept while nobody reads (about 6 s); older ones are dropped
_MAX_QUEUED = 200


class AlsaAudioIn(AudioIn):
    """A real microphone (``alsa://default`` or ``alsa://hw:1,0``)."""

    def __init__(self, device: str) -> None:
        """Open ``device`` ("default" = the system default) at 16 kHz mono."""
        try:
            import sounddevice  # heavy and needs libportaudio2: only here
        except (ImportError, OSError) as exc:
            raise AudioDeviceError(
                f"alsa://{device}: sounddevice/PortAudio unavailable ({exc}); "
                "install the sounddevice package and libportaudio2"
            ) from exc
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=_MAX_QUEUED)
        try:
            self._stream: Any = sounddevice.RawInputStream(
                samplerate=SAMPLE_RATE,
                channels=1,
                dtype="int16",
                blocksize=FRAME_BYTES // 2,
                device=None if device in ("", "default") else device,
                callback=self._on_audio,
            )
            self._stream.start()
        except Exception as exc:  # PortAudioError and ValueError for bad devices
            raise AudioDeviceError(f"alsa://{device}: cannot open ({exc})") from exc

    def _on_audio(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        # runs in PortAudio's thread: hand over to the loop, never block here
        self._loop.call_soon_threadsafe(self._put, bytes(data))

    def _put(self, frame: bytes) -> None:
        if self._queue.full():
            self._queue.get_nowait()  # the oldest audio is the least useful
        self._queue.put_nowait(frame)

    async def read_frame(self, timeout: float) -> bytes:
        """Next 30 ms frame, or :class:`AudioTimeout`."""
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            raise AudioTimeout(f"microphone gave no frame within {timeout:.1f} s") from None

    def flush(self) -> None:
        """Drop captured frames (e.g. the kiosk's own voice)."""
        while not self._queue.empty():
            self._queue.get_nowait()

    def close(self) -> None:
        """Stop and close the stream."""
        self._stream.stop()
        self._stream.close()
