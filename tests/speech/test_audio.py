"""Audio drivers: URLs, the wav:// queue and resampling, sim and pygame output."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np
import pytest

from drivers.audio import FRAME_BYTES, AudioFormatError, open_audio_in, open_audio_out
from drivers.audio.pcm import read_wav, read_wav_16k, write_wav
from drivers.audio.wav_in import WavAudioIn
from drivers.url import DeviceURLError
from tests.wait import wait_until


def _tone(seconds: float, rate: int) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * 440 * t) * 8000).astype("<i2").tobytes()


def test_unknown_schemes_name_the_supported_ones() -> None:
    with pytest.raises(DeviceURLError, match="alsa://, wav://, sim://"):
        open_audio_in("usb://mic")
    with pytest.raises(DeviceURLError, match="pygame://, null://, sim://"):
        open_audio_out("alsa://default")


def test_wav_is_resampled_to_16k_mono(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, _tone(1.0, 22050), 22050)
    pcm = read_wav_16k(path)
    assert abs(len(pcm) // 2 - 16000) <= 1


def test_garbage_wav_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(b"RIFF\x00garbage")
    with pytest.raises(AudioFormatError, match="bad.wav"):
        read_wav(path)


async def test_wav_queue_plays_utterances_then_silence(tmp_path: Path) -> None:
    write_wav(tmp_path / "1.wav", _tone(0.3, 16000))
    mic = open_audio_in(f"wav://{tmp_path}?lead_ms=90&gap_ms=90")
    frames = [await mic.read_frame(1.0) for _ in range(20)]
    assert all(len(f) == FRAME_BYTES for f in frames)
    assert frames[0] == b"\x00" * FRAME_BYTES and frames[5] != b"\x00" * FRAME_BYTES
    assert frames[-1] == b"\x00" * FRAME_BYTES


async def test_wav_queue_says_when_drained_and_discards_what_was_not_heard(
    tmp_path: Path,
) -> None:
    write_wav(tmp_path / "1.wav", _tone(0.3, 16000))
    mic = open_audio_in(f"wav://{tmp_path}?lead_ms=90&gap_ms=90")
    assert isinstance(mic, WavAudioIn) and not mic.drained
    mic.enqueue(tmp_path / "1.wav")
    await mic.read_frame(1.0)  # the first file starts playing, the second waits
    assert mic.pending_utterances == 1 and mic.pending_frames > 0 and not mic.drained
    mic.discard()  # the speaker gave up: nothing of either is heard later
    assert mic.drained
    assert [await mic.read_frame(1.0) for _ in range(5)] == [b"\x00" * FRAME_BYTES] * 5


async def test_null_out_keeps_timing_and_stops_at_once() -> None:
    out = open_audio_out("null://?speed=10")
    started = time.monotonic()
    assert await out.play(_tone(1.0, 16000), 16000) is True
    assert time.monotonic() - started >= 0.09
    task = asyncio.create_task(out.play(_tone(5.0, 16000), 16000))
    await wait_until(lambda: out.playing, 10)
    out.stop()
    assert await task is False


async def test_sim_out_records_clips() -> None:
    out = open_audio_out("sim://?speed=100")
    await out.play(_tone(0.5, 22050), 22050)
    assert out.clips[0].sample_rate == 22050 and out.clips[0].completed is True


async def test_pygame_out_plays_and_stops() -> None:
    out = open_audio_out("pygame://?rate=16000")
    try:
        assert await out.play(_tone(0.2, 16000), 16000) is True
        task = asyncio.create_task(out.play(_tone(5.0, 22050), 22050))
        await wait_until(lambda: out.playing, 10)
        out.stop()
        assert await asyncio.wait_for(task, 2.0) is False
        assert not out.playing
    finally:
        out.close()


async def test_alsa_microphone_that_is_not_there_is_a_clear_error() -> None:
    """The real PortAudio backend (no sound card on CI): the device is named in the error."""
    from drivers.audio.base import AudioDeviceError

    with pytest.raises(AudioDeviceError, match="alsa://no-such-microphone: cannot open"):
        microphone = open_audio_in("alsa://no-such-microphone")
        await microphone.read_frame(1.0)
