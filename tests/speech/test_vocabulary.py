"""Phrases a model cannot produce: found in the real Korean model's vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.audio import open_audio_in
from kiosk.commands import models as models_command
from speech.catalogue import load_catalogue
from speech.recognizer import Recognizer
from speech.settings import LanguageSettings, SpeechSettings, VadSettings
from speech.textmatch import clean
from speech.training import catalogue_phrases
from speech.vocabulary import (
    VocabularyError,
    check_phrases,
    fst_output_symbols,
    model_vocabulary,
    respell,
)
from tests.speech.conftest import espeak_wav

#: what the issue found missing from the Korean model
REPORTED = ["도와주세요", "맞아요", "아니에요", "한국어로"]


@pytest.fixture(scope="module")
def ko_vocabulary(ko_model_path: Path) -> frozenset[str]:
    vocabulary = model_vocabulary(ko_model_path)
    assert vocabulary is not None
    return vocabulary


def test_the_korean_vocabulary_is_read_from_its_grammar_fst(
    ko_vocabulary: frozenset[str],
) -> None:
    assert len(ko_vocabulary) > 400_000
    assert {"여권", "번호표", "화장실", "네"} <= ko_vocabulary
    assert not set(REPORTED) & ko_vocabulary  # the issue was right: not as whole words


def test_every_korean_catalogue_phrase_can_be_said(ko_vocabulary: frozenset[str]) -> None:
    phrases = {clean(p, "ko") for p in catalogue_phrases(load_catalogue(), "ko")}
    respelled, impossible = check_phrases(phrases, ko_vocabulary)
    assert impossible == {}
    # of the phrases the issue reported, two are said in the model's pieces ...
    assert respelled["도와주세요"] == "도와주 세요"
    assert respelled["한국어로"] == "한국 어로"
    # ... and two cannot be said at all (no piece of two letters fits): replaced
    _, unsayable = check_phrases(["맞아요", "아니에요"], ko_vocabulary)
    assert set(unsayable) == {"맞아요", "아니에요"}
    assert {"맞아", "아니야"} <= phrases and not {"맞아요", "아니에요"} & phrases


def test_a_phrase_the_model_cannot_say_is_found(ko_vocabulary: frozenset[str]) -> None:
    # single syllables are nearly all "words" of the model: they never count as pieces
    assert respell("맞아요", ko_vocabulary) is None
    _, impossible = check_phrases(["여권 뷁뷁", "여권"], ko_vocabulary)
    assert impossible == {"여권 뷁뷁": ["뷁뷁"]}


def test_models_check_command(
    ko_model_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = models_command.main
    assert main(["check", "ko", "--model", str(ko_model_path)]) == 0
    assert "0 cannot be said" in capsys.readouterr().out
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text('[services.a.names]\nko = ["여권", "뷁뷁 신청"]\n', encoding="utf-8")
    assert main(["check", "ko", "--model", str(ko_model_path), "--catalogue", str(catalogue)]) == 1
    assert "CANNOT SAY: '뷁뷁 신청' (unknown: 뷁뷁)" in capsys.readouterr().out
    assert main(["check", "xx", "--state-dir", str(tmp_path)]) == 2


def test_a_broken_fst_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "Gr.fst"
    bad.write_bytes(b"\xd6\xfd\xb2\x7e\x05\x00")
    with pytest.raises(VocabularyError, match="truncated"):
        fst_output_symbols(bad)
    bad.write_bytes(b"garbage!")
    with pytest.raises(VocabularyError, match="not an OpenFst"):
        fst_output_symbols(bad)


async def test_the_model_hears_the_respelled_phrases(ko_model_path: Path, tmp_path: Path) -> None:
    espeak_wav("도와주세요", "ko", tmp_path / "1.wav")
    espeak_wav("맞아", "ko", tmp_path / "2.wav")
    settings = SpeechSettings(
        languages={"ko": LanguageSettings(model_path=ko_model_path, voice="ko")},
        default_language="ko",
        vad=VadSettings(silence_end_ms=500, no_speech_timeout_s=3.0),
    )
    recognizer = Recognizer(settings)
    mic = open_audio_in(f"wav://{tmp_path}?gap_ms=900")
    phrases = [
        "도와주세요",
        "맞아",
        "아니야",
        "한국어로",
        "여권 신청",
        "직원 불러 주세요",
        "네",
        "아니요",
    ]
    first = await recognizer.listen_once(mic, phrases)
    second = await recognizer.listen_once(mic, phrases)
    assert first is not None and first.phrase == "도와주세요", first
    assert second is not None and second.phrase == "맞아", second
