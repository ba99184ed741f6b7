"""Slots found by rule rather than learnt: a counter's number, said as digits or words.

"quầy số 5", "quầy số năm", "quầy mười hai", "counter twelve", "desk 3", "오 번 창구",
"십이 번 창구", "창구 오 번". Numbers 1..99 are read with each language's own rules
("mười một" = 11, "hai mươi mốt" = 21, "twenty one", "십이" = 12, "이십" = 20); single
digits come from :mod:`speech.spoken_digits`, the one table of digit words.
"""

from __future__ import annotations

import logging
import re

from speech.spoken_digits import digit_of
from speech.textmatch import clean, fold

_LOGGER = logging.getLogger(__name__)

#: words naming a counter, folded, per language; the number follows them (Korean: precedes 번)
COUNTER_WORDS = {
    "vi": ("quay", "ban", "cua", "phong"),
    "en": ("counter", "desk", "window", "booth", "gate"),
}
_VI_NUMBER_FILLERS = {"so"}
_EN_NUMBER_FILLERS = {"number", "no"}
_EN_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_KO_COUNTER = re.compile(r"([0-9일이삼사오육칠팔구십\s]+?)\s*번\s*(?:창구|카운터|데스크)")
_KO_COUNTER_AFTER = re.compile(r"창구\s*([0-9일이삼사오육칠팔구십\s]+?)\s*번")
_KO_DIGITS = "일이삼사오육칠팔구"


def _vi_number(words: list[str]) -> int | None:
    """A number 1..99 at the start of folded Vietnamese ``words``."""
    if not words:
        return None
    if words[0].isdigit():
        return int(words[0])
    first = words[0]
    if first == "muoi":  # mười, mười một
        unit = digit_of(words[1], "vi") if len(words) > 1 else None
        return 10 + int(unit) if unit and unit != "0" else 10
    tens = digit_of(first, "vi")
    if tens is None or tens == "0":
        return None
    if len(words) > 1 and words[1] == "muoi":  # hai mươi (mốt)
        unit = digit_of(words[2], "vi") if len(words) > 2 else None
        return int(tens) * 10 + (int(unit) if unit else 0)
    return int(tens)


def _en_number(words: list[str]) -> int | None:
    if not words:
        return None
    if words[0].isdigit():
        return int(words[0])
    if words[0] in _EN_TENS:
        unit = _EN_UNITS.get(words[1], 0) if len(words) > 1 else 0
        return _EN_TENS[words[0]] + (unit if unit < 10 else 0)
    return _EN_UNITS.get(words[0])


def _ko_number(text: str) -> int | None:
    """Sino-Korean 1..99 ("오", "십이", "이십일") or digits; spaces ignored."""
    text = text.replace(" ", "")
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _KO_DIGITS + "십" for ch in text):
        return None
    if "십" not in text:
        return _KO_DIGITS.index(text) + 1 if len(text) == 1 else None
    tens_part, _, unit_part = text.partition("십")
    if len(tens_part) > 1 or len(unit_part) > 1:
        return None
    tens = _KO_DIGITS.index(tens_part) + 1 if tens_part else 1
    unit = _KO_DIGITS.index(unit_part) + 1 if unit_part else 0
    return tens * 10 + unit


def counter_number(text: str, lang: str) -> int | None:
    """The counter number named in ``text`` ("quầy số năm" -> 5), or None."""
    cleaned = clean(text, lang)
    if lang == "ko":
        for pattern in (_KO_COUNTER, _KO_COUNTER_AFTER):
            match = pattern.search(cleaned)
            if match:
                said = match.group(1).strip()
                number = _ko_number(said) or _ko_number(said.split()[-1] if said else "")
                if number:
                    return number
        return None
    words = fold(cleaned).split() if lang == "vi" else cleaned.split()
    names = COUNTER_WORDS.get(lang, ())
    fillers = _VI_NUMBER_FILLERS if lang == "vi" else _EN_NUMBER_FILLERS
    for index, word in enumerate(words):
        if word not in names:
            continue
        rest = words[index + 1 :]
        while rest and rest[0] in fillers:
            rest = rest[1:]
        number = _vi_number(rest) if lang == "vi" else _en_number(rest)
        if number:
            return number
    return None


def counter_code(number: int, prefix: str) -> str:
    """The code central and the lobby map use for counter ``number`` ("Q5")."""
    return f"{prefix}{number}"


def is_counter_code(place: str) -> bool:
    """True for a counter code ("Q5", "A12"), False for a named place ("toilets")."""
    return re.fullmatch(r"[A-Z]{1,3}\d{1,3}", place) is not None
