"""Intent accuracy on utterances written as a recogniser returns them, per language."""

from __future__ import annotations

from pathlib import Path

import pytest

from speech.catalogue import load_catalogue, parse_catalogue
from speech.errors import CatalogueError
from speech.intents import IntentParser

DATA = Path(__file__).parent / "data"
FLOOR = 0.95


def _cases(lang: str) -> list[tuple[str, str, dict[str, str]]]:
    cases = []
    for line in (DATA / f"intents_{lang}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        slots = dict(kv.split("=", 1) for kv in parts[2].split(",") if kv) if len(parts) > 2 else {}
        cases.append((parts[0], parts[1], slots))
    return cases


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser(load_catalogue())


@pytest.mark.parametrize("lang", ["vi", "en", "ko"])
def test_accuracy_per_language(parser: IntentParser, lang: str) -> None:
    cases = _cases(lang)
    assert len(cases) >= 150
    failures = []
    for text, intent, slots in cases:
        got = parser.parse(text, lang)
        if got.name != intent or any(got.slots.get(k) != v for k, v in slots.items()):
            failures.append(f"{text!r}: expected {intent} {slots}, got {got.name} {got.slots}")
    accuracy = 1 - len(failures) / len(cases)
    print(f"\nintent accuracy {lang}: {accuracy:.1%} of {len(cases)}")
    for failure in failures:
        print("  miss", failure)
    assert accuracy >= FLOOR, failures


@pytest.mark.parametrize("lang", ["vi", "en", "ko"])
def test_every_out_of_domain_sentence_is_not_understood(parser: IntentParser, lang: str) -> None:
    ood = [text for text, intent, _ in _cases(lang) if intent == "not_understood"]
    assert len(ood) >= 7
    assert [t for t in ood if parser.parse(t, lang).name != "not_understood"] == []


def test_example_from_the_issue(parser: IntentParser) -> None:
    intent = parser.parse("tôi muốn làm hộ chiếu", "vi")
    assert intent.as_json()["intent"] == "take_ticket"
    assert intent.slots == {"service": "xuat-nhap-canh"}
    assert intent.matched == "làm hộ chiếu"


def test_nfc_and_decomposed_input_parse_alike(parser: IntentParser) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "đổi bằng lái")
    assert parser.parse(decomposed, "vi").slots == {"service": "giao-thong-van-tai"}


def test_phrases_for_a_screen(parser: IntentParser) -> None:
    phrases = parser.phrases_for(["yes", "no"], "vi")
    assert "có" in phrases and "không" in phrases and "làm hộ chiếu" not in phrases
    menu = parser.phrases_for(["take_ticket", "lookup_dossier"], "ko")
    assert "여권 신청" in menu and "일" in menu
    with pytest.raises(ValueError, match="unknown screen intent"):
        parser.phrases_for(["dance"], "vi")


def test_catalogue_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="services.tu-phap.names.vi"):
        parse_catalogue({"services": {"tu-phap": {"names": {"vi": []}}}})
    with pytest.raises(CatalogueError, match="commands.dance"):
        parse_catalogue(
            {"services": {"a": {"names": {"vi": ["a"]}}}, "commands": {"dance": {"vi": ["x"]}}}
        )
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe[services")
    with pytest.raises(CatalogueError, match="not valid TOML"):
        load_catalogue(bad)
    with pytest.raises(CatalogueError, match="not found"):
        load_catalogue(tmp_path / "missing.toml")


def test_catalogue_has_the_central_service_codes() -> None:
    codes = {s.code for s in load_catalogue().services}
    assert codes == {
        "tu-phap",
        "giao-thong-van-tai",
        "xuat-nhap-canh",
        "dat-dai",
        "xay-dung",
        "dang-ky-kinh-doanh",
        "lao-dong-tbxh",
        "buu-chinh",
    }
