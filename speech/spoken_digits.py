"""Find a dossier code in what was said: digits as digits ("123456") or as words
("một hai ba", "one two three", "일 이 삼"), possibly mixed and split by the recogniser.

A code is the longest run of digit tokens giving at least :data:`MIN_CODE_DIGITS` digits;
shorter runs are ordinary numbers ("2 người", "50 nghìn") and are ignored. "không" is
also "no" in Vietnamese: it only counts as 0 inside a run.
"""

from __future__ import annotations

import re

from speech.textmatch import fold

MIN_CODE_DIGITS = 4
MAX_CODE_DIGITS = 24

#: every word for a digit, as the recogniser writes it: the one table both the parser
#: (below) and the grammar of a screen that takes a dossier code (speech/intents.py) use,
#: so the recogniser can hear every word the parser understands. "" is "double" (55).
DIGIT_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "không": "0",
        "linh": "0",  # "một linh năm": 105
        "lẻ": "0",
        "một": "1",
        "mốt": "1",
        "hai": "2",
        "ba": "3",
        "bốn": "4",
        "tư": "4",
        "năm": "5",
        "lăm": "5",
        "sáu": "6",
        "bảy": "7",
        "tám": "8",
        "chín": "9",
    },
    "en": {
        "zero": "0",
        "oh": "0",
        "o": "0",
        "one": "1",
        "two": "2",
        "to": "2",
        "too": "2",
        "three": "3",
        "four": "4",
        "for": "4",
        "five": "5",
        "six": "6",
        "seven": "7",
        "eight": "8",
        "nine": "9",
        "double": "",
    },
    "ko": {
        "공": "0",
        "영": "0",
        "일": "1",
        "이": "2",
        "삼": "3",
        "사": "4",
        "오": "5",
        "육": "6",
        "륙": "6",
        "칠": "7",
        "팔": "8",
        "구": "9",
    },
}
# the parser looks words up folded in Vietnamese, so "mot", "một" and "mốt" all read as 1
_WORDS: dict[str, dict[str, str]] = {
    lang: {(fold(word) if lang == "vi" else word): digit for word, digit in words.items()}
    for lang, words in DIGIT_WORDS.items()
}
#: words that never start a run (too common as ordinary words) but count inside one
_WEAK = {
    "vi": {"khong", "tu", "le", "linh", "ba", "nam"},
    "en": {"to", "too", "for", "oh", "o"},
    "ko": {"이", "사", "오"},
}
_DIGITS = re.compile(r"^\d+$")


def _token_digits(token: str, lang: str) -> str | None:
    compact = token.replace(".", "").replace("-", "")
    if _DIGITS.match(compact):
        return compact
    table = _WORDS.get(lang, {})
    key = fold(token) if lang == "vi" else token
    if key in table:
        return table[key]
    if lang == "ko" and len(token) > 1 and all(ch in table for ch in token):
        return "".join(table[ch] for ch in token)  # "일이삼" merged by the recogniser
    return None


def find_code(text: str, lang: str) -> str | None:
    """The dossier code in ``text`` (cleaned, lower case), or None."""
    tokens = text.split()
    values = [_token_digits(token, lang) for token in tokens]
    weak = _WEAK.get(lang, set())
    best = ""
    run = ""
    doubled = False
    for index, (token, digits) in enumerate(zip(tokens, values, strict=True)):
        if digits is None:
            best, run, doubled = max(best, run, key=len), "", False
            continue
        if not run and (fold(token) if lang == "vi" else token) in weak:
            # a weak word ("không", "to") starts a run only before a plain digit word
            following = values[index + 1] if index + 1 < len(values) else None
            if not following or fold(tokens[index + 1]) in weak:
                continue
        if digits == "":  # "double five" in English
            doubled = True
            continue
        run += digits * 2 if doubled and len(digits) == 1 else digits
        doubled = False
    if len(run) > len(best):
        best = run
    if MIN_CODE_DIGITS <= len(best) <= MAX_CODE_DIGITS:
        return best
    return None


def digit_of(token: str, lang: str) -> str | None:
    """The digit(s) one spoken or written token stands for ("năm" -> "5"), or None."""
    return _token_digits(token, lang)
