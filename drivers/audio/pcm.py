"""PCM helpers: read a WAV file into 16 kHz mono 16-bit PCM, resample, cut into frames.

Resampling is linear interpolation with numpy: speech for a recogniser and a kiosk voice do
not need a polyphase filter, and it avoids a dependency (audioop is deprecated and leaves
Python in 3.13).
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from drivers.audio.base import SAMPLE_RATE, SAMPLE_WIDTH, AudioFormatError


def resample(pcm: bytes, rate_from: int, rate_to: int) -> bytes:
    """Resample 16-bit mono ``pcm`` from ``rate_from`` to ``rate_to`` Hz."""
    if rate_from == rate_to or not pcm:
        return pcm
    if rate_from <= 0 or rate_to <= 0:
        raise AudioFormatError(f"bad sample rates {rate_from} -> {rate_to}")
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float64)
    count = max(1, int(round(len(samples) * rate_to / rate_from)))
    positions = np.arange(count) * (rate_from / rate_to)
    out = np.interp(positions, np.arange(len(samples)), samples)
    return bytes(np.clip(np.round(out), -32768, 32767).astype("<i2").tobytes())


def to_mono16(raw: bytes, channels: int, width: int) -> bytes:
    """Convert interleaved PCM of ``width`` bytes per sample to 16-bit mono (channel mean)."""
    if width == 2:
        data = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.int32)
    elif width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif width == 4:
        data = np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<i4").astype(np.int64) >> 16
    else:
        raise AudioFormatError(f"unsupported sample width {width} bytes")
    if channels > 1:
        data = data[: len(data) // channels * channels].reshape(-1, channels).mean(axis=1)
    return bytes(np.asarray(data).astype("<i2").tobytes())


def read_wav(source: Path | bytes) -> tuple[bytes, int]:
    """Read a PCM WAV (file path or bytes) as ``(16-bit mono pcm, sample_rate)``."""
    name = str(source) if isinstance(source, Path) else "<wav bytes>"
    try:
        stream = wave.open(str(source) if isinstance(source, Path) else io.BytesIO(source), "rb")
        with stream:
            channels = stream.getnchannels()
            width = stream.getsampwidth()
            rate = stream.getframerate()
            raw = stream.readframes(stream.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"{name}: not a PCM WAV file ({exc})") from exc
    except OSError as exc:
        raise AudioFormatError(f"{name}: cannot read ({exc})") from exc
    return to_mono16(raw, channels, width), rate


def read_wav_16k(source: Path | bytes) -> bytes:
    """Read a WAV as 16 kHz mono 16-bit PCM, resampling if needed."""
    pcm, rate = read_wav(source)
    return resample(pcm, rate, SAMPLE_RATE)


def write_wav(path: Path, pcm: bytes, sample_rate: int = SAMPLE_RATE) -> None:
    """Write 16-bit mono ``pcm`` as a WAV file."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(sample_rate)
        out.writeframes(pcm)


def split_frames(pcm: bytes, frame_bytes: int) -> list[bytes]:
    """Cut ``pcm`` into frames of ``frame_bytes``, padding the last one with silence."""
    frames = [pcm[i : i + frame_bytes] for i in range(0, len(pcm), frame_bytes)]
    if frames and len(frames[-1]) < frame_bytes:
        frames[-1] = frames[-1] + b"\x00" * (frame_bytes - len(frames[-1]))
    return frames


def duration_s(pcm: bytes, sample_rate: int) -> float:
    """Length of 16-bit mono ``pcm`` in seconds."""
    return len(pcm) / SAMPLE_WIDTH / sample_rate
