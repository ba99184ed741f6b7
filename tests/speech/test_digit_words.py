"""Digit words have one source: the grammar of a dossier-code screen lets the recogniser
hear every digit word the code parser understands (they had drifted apart)."""

from __future__ import annotations

import pytest

from speech.catalogue import DEFAULT_CATALOGUE, load_catalogue
from speech.intents import IntentParser
from speech.spoken_digits import DIGIT_WORDS, find_code


@pytest.mark.parametrize("lang", ["vi", "en", "ko"])
def test_the_grammar_holds_every_digit_word_the_parser_reads(lang: str) -> None:
    parser = IntentParser(load_catalogue(DEFAULT_CATALOGUE))
    grammar = set(parser.phrases_for(("lookup_dossier",), lang))
    assert set(DIGIT_WORDS[lang]) <= grammar


@pytest.mark.parametrize(
    "said, lang, code",
    [
        ("một linh năm hai ba", "vi", "10523"),
        ("hai lẻ một bốn", "vi", "2014"),
        ("one double five two", "en", "1552"),
        ("일 이 삼 사", "ko", "1234"),
    ],
)
def test_the_parser_reads_the_words_the_grammar_offers(said: str, lang: str, code: str) -> None:
    for word in said.split():
        assert word in DIGIT_WORDS[lang]
    assert find_code(said, lang) == code
