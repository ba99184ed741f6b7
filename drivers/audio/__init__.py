"""Audio in (microphone) and out (speaker), each chosen by a URL.

``open_audio_in``: ``alsa://default`` (or ``alsa://hw:1,0``), ``wav://DIR`` (utterances
from WAV files), ``sim://`` (silence plus injected frames). Options: ``?realtime=1``
(wav, sim) paces frames like a real microphone; ``?gap_ms=1000&lead_ms=300`` (wav).

``open_audio_out``: ``pygame://`` (``?rate=22050``), ``null://`` (discards, keeps timing),
``sim://`` (records clips); ``?speed=N`` plays N times faster (null, sim).

See :mod:`drivers.audio.base` for the interfaces and the error tree.
"""

from __future__ import annotations

from pathlib import Path

from drivers.audio.base import (
    FRAME_BYTES,
    FRAME_MS,
    SAMPLE_RATE,
    AudioDeviceError,
    AudioError,
    AudioFormatError,
    AudioIn,
    AudioOut,
    AudioTimeout,
)
from drivers.url import parse_device_url

#: every microphone backend and the URL options it reads
IN_OPTIONS: dict[str, frozenset[str]] = {
    "alsa": frozenset(),
    "wav": frozenset({"realtime", "lead_ms", "gap_ms"}),
    "sim": frozenset({"realtime"}),
}
#: every speaker backend and the URL options it reads
OUT_OPTIONS: dict[str, frozenset[str]] = {
    "pygame": frozenset({"rate"}),
    "null": frozenset({"speed"}),
    "sim": frozenset({"speed"}),
}
IN_SCHEMES = tuple(IN_OPTIONS)
OUT_SCHEMES = tuple(OUT_OPTIONS)

__all__ = [
    "FRAME_BYTES",
    "IN_OPTIONS",
    "OUT_OPTIONS",
    "FRAME_MS",
    "SAMPLE_RATE",
    "AudioDeviceError",
    "AudioError",
    "AudioFormatError",
    "AudioIn",
    "AudioOut",
    "AudioTimeout",
    "open_audio_in",
    "open_audio_out",
]


def open_audio_in(url: str) -> AudioIn:
    """Open the microphone named by ``url``; ``alsa`` needs a running event loop."""
    parsed = parse_device_url(url, IN_OPTIONS)
    realtime = parsed.option_bool("realtime", False)
    if parsed.scheme == "sim":
        from drivers.audio.sim import SimAudioIn

        return SimAudioIn(realtime=realtime)
    if parsed.scheme == "wav":
        from drivers.audio.wav_in import WavAudioIn

        directory = Path(parsed.netloc + parsed.path)
        return WavAudioIn(
            directory,
            lead_ms=parsed.option_int("lead_ms", 300, low=0, high=10_000),
            gap_ms=parsed.option_int("gap_ms", 1000, low=0, high=60_000),
            realtime=realtime,
        )
    from drivers.audio.alsa_in import AlsaAudioIn

    return AlsaAudioIn(parsed.netloc + parsed.path or "default")


def open_audio_out(url: str) -> AudioOut:
    """Open the speaker named by ``url``."""
    parsed = parse_device_url(url, OUT_OPTIONS)
    if parsed.scheme == "pygame":
        from drivers.audio.pygame_out import PygameAudioOut

        return PygameAudioOut(rate=parsed.option_int("rate", 22050, low=8000, high=48000))
    speed = parsed.option_float("speed", 1.0, low=0.1, high=1000.0)
    if parsed.scheme == "sim":
        from drivers.audio.sim import SimAudioOut

        return SimAudioOut(speed=speed)
    from drivers.audio.null_out import NullAudioOut

    return NullAudioOut(speed=speed)
