"""The real Korean vosk model decoding espeak-ng speech through the wav:// microphone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from drivers.audio import open_audio_in
from drivers.audio.sim import SimAudioIn
from speech.model import ModelPool, grammar_phrases, inspect_model
from speech.recognizer import Recognizer
from speech.settings import LanguageSettings, SpeechSettings, VadSettings
from tests.speech.conftest import espeak_wav

PHRASES = ["여권 신청", "사법 서비스", "네", "아니요"]


def _settings(model: Path) -> SpeechSettings:
    return SpeechSettings(
        languages={"ko": LanguageSettings(model_path=model, voice="ko")},
        default_language="ko",
        vad=VadSettings(silence_end_ms=500, no_speech_timeout_s=3.0),
    )


@pytest.fixture(scope="module")
def recognizer(ko_model_path: Path) -> Recognizer:
    """One Recognizer (so one loaded model) for the whole module."""
    return Recognizer(_settings(ko_model_path))


@pytest.fixture(scope="module")
def utterances(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("utterances")
    espeak_wav("여권 신청", "ko", folder / "1-passport.wav")
    espeak_wav("사법 서비스", "ko", folder / "2-justice.wav")
    return folder


def test_korean_model_supports_grammar(ko_model_path: Path) -> None:
    info = inspect_model(ko_model_path)
    assert info.grammar and info.mode == "grammar"
    # no words.txt: the words come from the symbol table inside graph/Gr.fst
    assert info.vocabulary is not None and "여권" in info.vocabulary
    assert grammar_phrases(["여권 신청", "도와주세요", "뷁뷁"], info) == [
        "여권 신청",
        "도와주 세요",
        "[unk]",
    ]


def test_model_without_hclr_is_open_mode(ko_model_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    for source in ko_model_path.rglob("*"):
        target = copy / source.relative_to(ko_model_path)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif source.name not in ("HCLr.fst", "Gr.fst"):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source, target)
    (copy / "graph" / "HCLG.fst").write_bytes(b"")
    (copy / "graph" / "words.txt").write_text("<eps> 0\n여권 1\n", encoding="utf-8")
    info = inspect_model(copy)
    assert not info.grammar and info.mode == "open"
    assert info.vocabulary == frozenset({"여권"})
    # a phrase with a word the model lacks is left out, not shortened to "여권"
    assert grammar_phrases(["여권 신청", "여권"], info) == ["여권", "[unk]"]


async def test_grammar_mode_decodes_and_snaps(recognizer: Recognizer, utterances: Path) -> None:
    mic = open_audio_in(f"wav://{utterances}?gap_ms=900")
    first = await recognizer.listen_once(mic, PHRASES)
    second = await recognizer.listen_once(mic, PHRASES)
    assert first is not None and second is not None
    assert first.mode == "grammar"
    assert first.text and second.text
    assert first.phrase == "여권 신청"
    assert second.phrase == "사법 서비스"


async def test_open_mode_decodes_korean(
    ko_model_path: Path, utterances: Path, recognizer: Recognizer
) -> None:
    # same loaded model, no phrases: vosk decodes with its full vocabulary
    mic = open_audio_in(f"wav://{utterances}")
    transcript = await recognizer.listen_once(mic, [])
    assert transcript is not None and transcript.text != ""
    assert transcript.phrase is None


async def test_silence_times_out_and_model_is_loaded_once(recognizer: Recognizer) -> None:
    pool: ModelPool = recognizer.pool
    assert await recognizer.listen_once(SimAudioIn(), PHRASES, timeout=0.5) is None
    assert pool.is_loaded("ko")
    assert (await pool.get("ko")) is (await pool.get("ko"))


async def test_speculation_sees_the_partial_before_the_endpoint(
    recognizer: Recognizer, utterances: Path
) -> None:
    # the hook is given what was heard while the trailing silence runs; the transcript
    # says whether the final text is that guess (then the caller's work on it holds)
    guesses: list[str] = []
    mic = open_audio_in(f"wav://{utterances}")
    heard = await recognizer.listen_once(mic, PHRASES, speculate=guesses.append)
    assert heard is not None and heard.text
    assert guesses, "no partial result was offered during the trailing silence"
    assert heard.speculated == (heard.text == guesses[-1])
    # without a hook nothing is speculated on
    again = await recognizer.listen_once(mic, PHRASES)
    assert again is not None and not again.speculated


def test_a_stitched_grammar_decode_is_known() -> None:
    from speech.recognizer import Transcript

    def heard(text: str, phrase: str | None, mode: str = "grammar") -> Transcript:
        return Transcript(text, phrase, 90.0, "ko", mode, 1.0, 0.01)

    # the demo's "오 번 창구 어디예요" in espeak-ng's voice, decoded through the idle grammar
    assert heard("법인 취업 허가 어로 세요", "취업 허가").stitched
    assert heard("번호 세요", None).stitched
    assert not heard("여권 신청", "여권 신청").stitched
    assert not heard("도와주 세요", "도와주세요").stitched  # a respelled phrase is whole
    assert not heard("cho tôi lấy số làm hộ chiếu", None, "open").stitched
