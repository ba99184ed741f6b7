"""The TTS worker process: real audio, cut-off on stop, survives kill -9."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator

import numpy as np
import pytest

from drivers.audio import open_audio_out
from drivers.audio.pygame_out import PygameAudioOut
from drivers.audio.sim import SimAudioOut
from speech.settings import SpeechSettings
from speech.tts import Speaker
from tests.wait import wait_until

LONG_VI = (
    "Xin chào quý khách. Lệ phí làm hộ chiếu là 200.000 đồng, "
    "thời gian giải quyết là 8 ngày làm việc. "
    * 2
)


@pytest.fixture
async def sim_speaker() -> AsyncIterator[tuple[Speaker, SimAudioOut]]:
    out = SimAudioOut(speed=50)
    speaker = Speaker(SpeechSettings(), out)
    yield speaker, out
    await speaker.close()


async def test_say_produces_real_audio(sim_speaker: tuple[Speaker, SimAudioOut]) -> None:
    speaker, out = sim_speaker
    assert await speaker.say("Số của bạn là A012", "vi") is True
    clip = out.clips[-1]
    samples = np.frombuffer(clip.pcm, dtype="<i2")
    assert clip.sample_rate == 22050 and len(samples) > 22050 // 2
    assert np.abs(samples).max() > 1000  # speech, not silence
    assert "aav/vi" in speaker.voices and "ko" in speaker.voices
    assert not speaker.guard.speaking


async def test_stop_cuts_speech_off_promptly() -> None:
    out = PygameAudioOut(rate=22050)
    speaker = Speaker(SpeechSettings(), out)
    try:
        task = asyncio.create_task(speaker.say(LONG_VI, "vi"))
        await wait_until(lambda: out.playing or task.done(), 60)
        assert speaker.guard.speaking
        stopped_at = time.monotonic()
        speaker.stop()
        assert await task is False
        # the sentence lasts over 10 s: returning within a second proves the cut-off
        assert time.monotonic() - stopped_at < 1.0
        assert not out.playing
    finally:
        await speaker.close()
        out.close()


async def test_stop_abandons_pending_synthesis(sim_speaker: tuple[Speaker, SimAudioOut]) -> None:
    speaker, out = sim_speaker
    await speaker.start()
    task = asyncio.create_task(speaker.say(LONG_VI, "vi"))
    await asyncio.sleep(0)
    speaker.stop()
    assert await task is False
    assert out.clips == []
    assert await speaker.say("Vâng", "vi") is True  # the worker is still usable


async def test_worker_killed_is_restarted(sim_speaker: tuple[Speaker, SimAudioOut]) -> None:
    speaker, out = sim_speaker
    await speaker.start()
    first_pid = speaker.worker_pid
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    await wait_until(lambda: speaker.worker_pid is None, 10)  # the death is noticed
    assert await speaker.say("hello, ticket B105", "en") is True
    assert speaker.worker_pid not in (None, first_pid)
    assert len(out.clips) == 1


def _tts_workers() -> set[int]:
    """PIDs of this process's children running the TTS worker."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                running = b"tts_worker.py" in cmdline.read()
        except (OSError, IndexError, ValueError):  # gone meanwhile
            continue
        if ppid == os.getpid() and running:
            found.add(int(entry))
    return found


async def test_a_start_cut_short_leaves_no_worker_behind() -> None:
    """The daemon stopping while the worker loads its voices (about a second) cancels the
    start: the half-started worker is ended, not left to the garbage collector."""
    speaker = Speaker(SpeechSettings(), SimAudioOut(speed=50))
    before = _tts_workers()
    start = asyncio.create_task(speaker.start())
    await wait_until(lambda: _tts_workers() - before, 10, interval_s=0.005)
    start.cancel()
    with pytest.raises(asyncio.CancelledError):
        await start
    assert _tts_workers() - before == set()  # ended and reaped by the time start returns
    assert speaker.worker_pid is None
    await speaker.close()


async def test_new_speech_cuts_off_the_old(sim_speaker: tuple[Speaker, SimAudioOut]) -> None:
    speaker, out = sim_speaker
    out_slow = open_audio_out("sim://?speed=1")
    speaker2 = Speaker(SpeechSettings(), out_slow)
    try:
        first = asyncio.create_task(speaker2.say(LONG_VI, "vi"))
        await wait_until(lambda: out_slow.playing or first.done(), 60)
        assert await speaker2.say("여권", "ko") is True
        assert await first is False
    finally:
        await speaker2.close()


async def test_prepared_first_sentence_is_played_without_a_new_synthesis(
    sim_speaker: tuple[Speaker, SimAudioOut],
) -> None:
    speaker, out = sim_speaker
    speaker.prepare("Hello there. Second sentence.", "en")
    prepared = next(iter(speaker._prepared.values()))
    await prepared  # synthesised before it was asked for
    ids_before = next(speaker._ids)
    assert await speaker.say("Hello there. Second sentence.", "en")
    # only the second sentence needed a new synthesis request
    assert next(speaker._ids) == ids_before + 2
    assert len(out.clips) == 2 and out.clips[0].pcm == prepared.result()[0]
    # a different answer does not use (or wait for) a stale preparation
    speaker.prepare("Something else entirely.", "en")
    assert await speaker.say("Goodbye.", "en")
    assert len(out.clips) == 3
