"""Speaking: text -> normalised text -> TTS worker process -> WAV -> the audio-out driver.

The daemon plays the audio itself, so a touch or new speech cuts it off at once: ``stop()``
stops playback and abandons any synthesis still pending (its result is thrown away when it
arrives). The worker (:mod:`speech.tts_worker`) is restarted when it dies; a request that
hit a dead worker is retried once on the new one.

``prepare`` starts synthesising an answer's first sentence before it is asked for (the
voice front-end does so while the citizen's trailing silence runs out); a ``say`` of the
same sentence then plays that audio instead of waiting for a new synthesis.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from drivers.audio import AudioError, AudioOut
from drivers.audio.pcm import read_wav
from speech.echo import EchoGuard
from speech.errors import SpeakError
from speech.normalize import normalize_for_speech
from speech.settings import SpeechSettings

_LOGGER = logging.getLogger(__name__)
_WORKER = Path(__file__).with_name("tts_worker.py")


class _WorkerDied(Exception):
    """The worker process went away mid-request."""


class Speaker:
    """Speaks sentences in the configured voice per language; one sentence at a time."""

    def __init__(
        self, settings: SpeechSettings, audio_out: AudioOut, guard: EchoGuard | None = None
    ) -> None:
        """``guard`` is shared with the Recognizer to mute the microphone while speaking."""
        self._settings = settings
        self._audio_out = audio_out
        self.guard = guard if guard is not None else EchoGuard(settings.echo_guard_ms)
        self._proc: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._ids = itertools.count(1)
        self._generation = 0
        self._stop_event = asyncio.Event()
        self._dir = Path(tempfile.mkdtemp(prefix="kiosk-tts-"))
        self.voices: list[str] = []
        #: first sentences being synthesised ahead (``prepare``), by (sentence, lang, slow)
        self._prepared: dict[tuple[str, str, bool], asyncio.Future[tuple[bytes, int]]] = {}
        self.slow = False
        """Speak at each language's slow rate (after "slower please")."""

    @property
    def worker_pid(self) -> int | None:
        """PID of the worker process, if running."""
        return self._proc.pid if self._proc is not None and self._proc.returncode is None else None

    async def start(self) -> None:
        """Start the worker now rather than on the first ``say`` (it takes about a second)."""
        async with self._lock:
            await self._ensure_worker()

    async def _ensure_worker(self) -> asyncio.subprocess.Process:
        if self._proc is not None and self._proc.returncode is None:
            return self._proc
        if self._proc is not None:
            _LOGGER.warning("TTS worker exited with %s; restarting", self._proc.returncode)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(_WORKER),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(
                proc.stdout.readline(), self._settings.worker_start_timeout_s
            )
            hello = json.loads(line)
        except BaseException as exc:  # not started, or the start was cancelled: no orphan
            proc.kill()
            await proc.wait()
            if isinstance(exc, TimeoutError | json.JSONDecodeError):
                raise SpeakError(f"TTS worker did not start ({exc or 'timeout'})") from exc
            raise
        self.voices = list(hello.get("voices", []))
        self._proc = proc
        _LOGGER.info("TTS worker %d ready with %d voices", proc.pid, len(self.voices))
        return proc

    async def _request(self, request: dict[str, Any]) -> None:
        proc = await self._ensure_worker()
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write((json.dumps(request) + "\n").encode())
            await asyncio.wait_for(proc.stdin.drain(), 5.0)
            while True:
                line = await asyncio.wait_for(
                    proc.stdout.readline(), self._settings.synthesis_timeout_s
                )
                if not line:
                    raise _WorkerDied()
                reply = json.loads(line)
                if reply.get("id") == request["id"]:
                    break
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise _WorkerDied() from exc
        except TimeoutError:
            proc.kill()  # stuck in synthesis: the next request gets a fresh worker
            raise SpeakError(
                f"synthesis took over {self._settings.synthesis_timeout_s} s"
            ) from None
        if not reply.get("ok"):
            raise SpeakError(f"synthesis failed: {reply.get('error')}")

    async def synthesise(self, text: str, lang: str) -> tuple[bytes, int]:
        """Normalise and synthesise ``text`` in ``lang``'s voice; return (pcm, sample_rate)."""
        voice = self._settings.language(lang)
        request = {
            "id": next(self._ids),
            "text": normalize_for_speech(text, lang),
            "voice": voice.voice,
            "rate": voice.slow_rate if self.slow else voice.rate,
            "volume": voice.volume,
        }
        path = self._dir / f"{request['id']}.wav"
        request["path"] = str(path)
        async with self._lock:
            try:
                try:
                    await self._request(request)
                except _WorkerDied:
                    _LOGGER.warning("TTS worker died during a request; retrying on a new one")
                    await self._request(request)
                return read_wav(path)
            except (_WorkerDied, AudioError) as exc:
                raise SpeakError(f"could not synthesise: {exc!r}") from exc
            finally:
                path.unlink(missing_ok=True)

    def prepare(self, text: str, lang: str) -> None:
        """Start synthesising ``text``'s first sentence now, for a ``say`` that may follow
        (only the latest preparation is kept; an unused one is dropped; nothing is started
        while the worker is busy)."""
        sentence = (split_sentences(text) or [text])[0]
        key = (sentence, lang, self.slow)
        if key in self._prepared or self._lock.locked():
            return  # prepared already, or the worker is busy: a guess must not delay speech
        for old in self._prepared.values():
            _abandon(old)
        self._prepared = {key: asyncio.ensure_future(self.synthesise(sentence, lang))}

    def _first(self, sentence: str, lang: str) -> asyncio.Future[tuple[bytes, int]]:
        """The prepared synthesis of ``sentence`` if there is one, else a new one."""
        prepared = self._prepared.pop((sentence, lang, self.slow), None)
        failed = prepared is not None and prepared.done() and (
            prepared.cancelled() or prepared.exception() is not None)
        if prepared is not None and not failed:
            return prepared
        return asyncio.ensure_future(self.synthesise(sentence, lang))

    async def say(self, text: str, lang: str) -> bool:
        """Speak ``text``; True if it played to the end, False if cut off by stop()/new speech.

        The first sentence plays as soon as it is synthesised, while the next one is
        synthesised: the citizen hears the answer start without waiting for all of it.
        """
        self.stop()  # new speech cuts off the old at once
        generation = self._generation
        self._stop_event = stop_event = asyncio.Event()
        sentences = split_sentences(text) or [text]
        pending = self._first(sentences[0], lang)
        for index in range(len(sentences)):
            audio = await self._synthesised(pending, stop_event, generation)
            if audio is None:
                return False
            if index + 1 < len(sentences):
                pending = asyncio.ensure_future(self.synthesise(sentences[index + 1], lang))
            self.guard.speaking_started()
            try:
                played = await self._audio_out.play(*audio)
            except AudioError as exc:
                _abandon(pending)
                raise SpeakError(f"could not play speech: {exc}") from exc
            finally:
                self.guard.speaking_ended()
            if not played or generation != self._generation:
                _abandon(pending)
                return False
        return True

    async def _synthesised(
        self,
        synthesis: asyncio.Future[tuple[bytes, int]],
        stop_event: asyncio.Event,
        generation: int,
    ) -> tuple[bytes, int] | None:
        """The synthesised audio, or None when stop()/new speech came first."""
        stopped = asyncio.ensure_future(stop_event.wait())
        waiting: set[asyncio.Future[Any]] = {synthesis, stopped}
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            # the caller is going away (shutdown): end the synthesis and swallow its outcome
            # so no "exception was never retrieved" is left behind
            _abandon(synthesis)
            synthesis.cancel()
            raise
        finally:
            stopped.cancel()
        if generation != self._generation or not synthesis.done():
            # abandoned: let synthesis finish in the background and drop its audio
            _abandon(synthesis)
            return None
        return synthesis.result()

    def stop(self) -> None:
        """Cut off what is being said and abandon pending synthesis."""
        self._generation += 1
        self._stop_event.set()
        self._audio_out.stop()

    async def close(self) -> None:
        """Stop speaking and end the worker."""
        self.stop()
        for prepared in self._prepared.values():
            _abandon(prepared)
            prepared.cancel()
        self._prepared = {}
        proc = self._proc
        if proc is not None and proc.returncode is None:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), 3.0)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        with contextlib.suppress(OSError):
            shutil.rmtree(self._dir)


_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+")


def split_sentences(text: str) -> list[str]:
    """``text`` cut after each sentence's full stop, question or exclamation mark."""
    return [part for part in (p.strip() for p in _SENTENCE_END.split(text)) if part]


def _abandon(task: asyncio.Future[tuple[bytes, int]]) -> None:
    """Let ``task`` finish unobserved without "exception was never retrieved"."""
    task.add_done_callback(lambda done: done.cancelled() or done.exception())
