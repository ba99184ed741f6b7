"""Recognition: listen for one utterance, decode it with vosk, snap it to a known phrase.

One vosk Model per language is shared (:class:`speech.model.ModelPool`); each stream gets
its own KaldiRecognizer, kept while the screen's phrases stay the same and recreated after
``recognizer_max_utterances`` (its memory grows). Grammar mode is used when the model
supports it, open mode otherwise; either way the transcript is snapped with rapidfuzz
(:func:`speech.textmatch.snap`), and a transcript that snaps to nothing is returned with
``phrase=None``: "not understood", back to touch.

Ending early: an open utterance ends after ``silence_end_ms`` of silence (700 ms), the time a
citizen may pause inside a question; one on a screen with a grammar after
``grammar_silence_end_ms`` (240 ms). On a screen with a grammar the recogniser's
partial result is read once ``early_silence_ms`` (150 ms) of silence has passed: when
it is already a complete phrase of the screen (one no longer phrase starts with) and the
caller's ``early`` check says it is understood with high confidence, the utterance ends
there, half a second sooner.

Working during the trailing silence: once the citizen stops, every frame goes to the
decoder as it arrives (no batching), so the final result after the endpoint has almost
nothing left to decode; and after ``speculate_silence_ms`` of silence the partial result
is handed to the caller's ``speculate`` hook (again each time it changes), which may
understand it and start synthesising the answer while the silence runs out. The
transcript says whether the final text is what was speculated on (``speculated``), so
the caller can reuse that work.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from drivers.audio import FRAME_MS, SAMPLE_RATE, AudioError, AudioIn
from speech.echo import EchoGuard
from speech.errors import RecognitionError
from speech.model import LoadedModel, ModelPool, grammar_phrases
from speech.settings import SpeechSettings
from speech.textmatch import snap
from speech.vad import Endpointer, VadEvent

_LOGGER = logging.getLogger(__name__)
#: frames handed to the decoder at once (about 150 ms): fewer thread hops, still streaming
_BATCH_FRAMES = 5
#: a grammar transcript whose snapped phrase is shorter than this share of it is stitched
STITCHED_SHARE = 0.6
#: longest wait for one microphone frame before the microphone counts as dead
_FRAME_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class Transcript:
    """What was heard. ``phrase`` is the known phrase it snapped to, or None."""

    text: str
    phrase: str | None
    score: float
    lang: str
    mode: str
    audio_s: float
    decode_s: float
    """From the end of speech (endpoint) to the final result."""
    ended_early: bool = False
    """True when a complete, confidently understood phrase ended the utterance early."""
    speculated: bool = False
    """True when ``text`` is what the ``speculate`` hook was last given (its work holds)."""

    @property
    def stitched(self) -> bool:
        """True when a grammar decode holds much more than the phrase it snapped to
        ("법인 취업 허가 어로 세요" -> "취업 허가"): vosk stitched grammar words onto sounds
        it did not know, so acting on it without asking is a gamble."""
        if self.mode != "grammar":
            return False
        if self.phrase is None:
            return True
        return len(_compact(self.phrase)) < STITCHED_SHARE * len(_compact(self.text))


def _without_unknown(text: str) -> str:
    return text.replace(" [unk]", "").replace("[unk]", "").strip()


class _CompletePhrases:
    """Whether a partial transcript is a whole phrase that no longer phrase continues.

    Spaces are ignored: the recogniser returns a respelled phrase in pieces ("맞아 요").
    """

    def __init__(self, phrases: list[str]) -> None:
        self._whole = {_compact(p) for p in phrases}
        self._prefixes = {_compact(p)[:cut] for p in phrases for cut in range(1, len(_compact(p)))}

    def silence_needed(self, text: str, early_ms: int) -> int | None:
        """Silence (ms) after which ``text`` may end the utterance: ``early_ms`` for a whole
        phrase, twice that when a longer phrase starts with it ("네" of "네 맞아요"); None
        when it is no whole phrase."""
        compact = _compact(text)
        if compact not in self._whole:
            return None
        return 2 * early_ms if compact in self._prefixes else early_ms


def _compact(text: str) -> str:
    return "".join(text.lower().split())


class _Stream:
    """A KaldiRecognizer with its grammar and how often it was used."""

    def __init__(self, loaded: LoadedModel, grammar: list[str] | None) -> None:
        import vosk  # the model is loaded already, so vosk is too

        if grammar is not None:
            self.recognizer: Any = vosk.KaldiRecognizer(
                loaded.model, SAMPLE_RATE, json.dumps(grammar, ensure_ascii=False)
            )
        else:
            self.recognizer = vosk.KaldiRecognizer(loaded.model, SAMPLE_RATE)
        self.grammar = grammar
        self.uses = 0


class Recognizer:
    """Listens on an AudioIn; loads models lazily; one instance per microphone."""

    def __init__(
        self,
        settings: SpeechSettings,
        guard: EchoGuard | None = None,
        pool: ModelPool | None = None,
    ) -> None:
        """``guard`` (shared with the Speaker) mutes the microphone while the kiosk speaks."""
        self._settings = settings
        self.guard = guard
        self.pool = pool if pool is not None else ModelPool(settings)
        self._streams: dict[str, _Stream] = {}

    async def mode(self, lang: str) -> str:
        """``grammar`` or ``open`` for ``lang``'s model (loads it)."""
        return (await self.pool.get(lang)).info.mode

    def _stream_for(self, lang: str, loaded: LoadedModel, phrases: list[str]) -> _Stream:
        grammar = grammar_phrases(phrases, loaded.info) if loaded.info.grammar and phrases else None
        stream = self._streams.get(lang)
        if (
            stream is None
            or stream.grammar != grammar
            or stream.uses >= self._settings.recognizer_max_utterances
        ):
            stream = _Stream(loaded, grammar)
            self._streams[lang] = stream
        return stream

    async def warm(self, phrases: list[str], lang: str | None = None) -> None:
        """Load ``lang``'s model and build the recogniser for ``phrases`` now, with one
        tiny decode, so the first citizen does not wait for either."""
        lang = lang or self._settings.default_language
        loaded = await self.pool.get(lang)
        stream = self._stream_for(lang, loaded, phrases)
        await asyncio.to_thread(stream.recognizer.AcceptWaveform, bytes(3200))
        await asyncio.to_thread(stream.recognizer.FinalResult)

    async def listen_once(
        self,
        audio_in: AudioIn,
        phrases: list[str],
        *,
        lang: str | None = None,
        timeout: float | None = None,
        early: Callable[[str], bool] | None = None,
        speculate: Callable[[str], None] | None = None,
    ) -> Transcript | None:
        """Wait for one utterance and decode it; None if nobody spoke within ``timeout``.

        ``timeout`` defaults to the VAD's ``no_speech_timeout_s``; it bounds the wait for the
        start of speech (an utterance itself is bounded by ``max_utterance_s``). ``early``
        is asked whether a complete phrase heard so far is understood well enough to stop
        listening before the full trailing silence. ``speculate`` is given the partial
        result once ``speculate_silence_ms`` of silence has passed, and again whenever it
        changes, to start understanding and answering before the endpoint.
        """
        lang = lang or self._settings.default_language
        loaded = await self.pool.get(lang)
        stream = self._stream_for(lang, loaded, phrases)
        vad = self._settings.vad
        if stream.grammar is not None:  # a choice among known phrases: a shorter pause ends it
            vad = vad.model_copy(update={"silence_end_ms": vad.grammar_silence_end_ms})
        endpointer = Endpointer(vad)
        wait_s = timeout if timeout is not None else self._settings.vad.no_speech_timeout_s
        heard_s = 0.0  # audio time listened to, so a fast wav:// source times out alike
        started_at = time.monotonic()
        fed = 0
        ended_early = False
        checked_at = 0
        guessed: str | None = None  # what ``speculate`` was last given
        complete = _CompletePhrases(phrases) if early is not None and phrases else None
        try:
            while True:
                frame = await audio_in.read_frame(_FRAME_TIMEOUT_S)
                if self.guard is not None and self.guard.muted():
                    endpointer.reset()
                    continue
                event = endpointer.feed(frame)
                if not endpointer.in_speech:
                    heard_s += len(frame) / 2 / SAMPLE_RATE
                    if heard_s >= wait_s or time.monotonic() - started_at >= wait_s:
                        return None
                    continue
                silence = endpointer.silence_ms
                checking = (
                    complete is not None
                    and silence >= vad.early_silence_ms
                    and silence - checked_at >= 2 * FRAME_MS
                )
                if (
                    len(endpointer.frames) - fed >= _BATCH_FRAMES
                    or event is VadEvent.ENDED
                    or (silence > 0 and fed < len(endpointer.frames))  # decode the tail now
                ):
                    chunk = b"".join(endpointer.frames[fed:])
                    fed = len(endpointer.frames)
                    await asyncio.to_thread(stream.recognizer.AcceptWaveform, chunk)
                if event is VadEvent.ENDED:
                    break
                if speculate is not None and silence >= vad.speculate_silence_ms:
                    partial = json.loads(stream.recognizer.PartialResult()).get("partial", "")
                    guess = _without_unknown(str(partial))
                    if guess and guess != guessed:
                        guessed = guess
                        speculate(guess)
                if silence < vad.early_silence_ms:
                    checked_at = 0
                elif checking and complete is not None and early is not None:
                    checked_at = silence
                    partial = json.loads(stream.recognizer.PartialResult()).get("partial", "")
                    heard = _without_unknown(str(partial))
                    needed = complete.silence_needed(heard, vad.early_silence_ms) if heard else None
                    if needed is not None and silence >= needed and early(heard):
                        ended_early = True
                        break
        except AudioError as exc:
            raise RecognitionError(f"microphone failed: {exc}") from exc
        ended = time.monotonic()
        result = json.loads(await asyncio.to_thread(stream.recognizer.FinalResult))
        stream.uses += 1
        text = _without_unknown(str(result.get("text", "")))
        snapped = (
            snap(text, phrases, lang, self._settings.snap_cutoff) if text and phrases else None
        )
        transcript = Transcript(
            text=text,
            phrase=snapped.phrase if snapped else None,
            score=snapped.score if snapped else 0.0,
            lang=lang,
            mode=loaded.info.mode,
            audio_s=len(endpointer.frames) * len(endpointer.frames[0]) / 2 / SAMPLE_RATE
            if endpointer.frames
            else 0.0,
            decode_s=time.monotonic() - ended,
            ended_early=ended_early,
            speculated=guessed is not None and text == guessed,
        )
        _LOGGER.info("heard (%s, %s) %r -> %r", lang, transcript.mode, text, transcript.phrase)
        return transcript

    async def listen(
        self,
        audio_in: AudioIn,
        phrases: Callable[[], list[str]],
        *,
        lang: Callable[[], str] | None = None,
    ) -> AsyncIterator[Transcript]:
        """Always-listening mode: yield every utterance; ``phrases``/``lang`` are read each time."""
        while True:
            transcript = await self.listen_once(
                audio_in,
                phrases(),
                lang=lang() if lang else None,
                timeout=self._settings.vad.no_speech_timeout_s,
            )
            if transcript is not None and transcript.text:
                yield transcript
