"""Comparing what was heard with what the kiosk knows: text preparation and scoring.

Used both to snap a recogniser transcript to the nearest known phrase and by the intent
parser. rapidfuzz does the scoring; what is ours is how text is prepared and which of its
scorers applies:

1. text is NFC-normalised, lower-cased, stripped of punctuation and of filler words
   ("ờ", "à", "uh", "음");
2. the first pass compares NFC text, the second pass compares it with diacritics folded
   ("ho chieu" = "hộ chiếu", "đ" = "d") at a small penalty, and the third compares with
   spaces removed too (ASR splits and merges syllables);
3. a long phrase is found inside a longer utterance with ``partial_ratio``; a short one
   ("có", "no", "네") must appear as whole words, because partial matching of two letters
   inside a sentence means nothing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

_LOGGER = logging.getLogger(__name__)

#: penalties for the second (diacritics folded) and third (spaces removed) passes
FOLD_PENALTY = 3.0
COMPACT_PENALTY = 6.0
#: phrases shorter than this (folded, without spaces) must match as whole words
SHORT_PHRASE = 6
#: a Hangul syllable carries about as much as two or three Latin letters
_HANGUL_WEIGHT = 3

FILLERS: dict[str, frozenset[str]] = {
    "vi": frozenset(
        {
            "ờ",
            "ơ",
            "à",
            "ừm",
            "ưm",
            "ạ",
            "ha",
            "hả",
            "nhé",
            "nha",
            "ơi",
            "um",
            "uh",
            "ah",
            "à thì",
            "thì",
        }
    ),
    "en": frozenset({"uh", "um", "er", "erm", "hmm", "uhm", "ah", "oh", "well", "so", "like"}),
    "ko": frozenset({"음", "어", "저", "그", "아", "저기", "저기요", "흠", "에"}),
}
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Remove diacritics (and map đ to d); Hangul is left whole (NFC recomposes it)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def clean(text: str, lang: str) -> str:
    """NFC, lower case, no punctuation, no fillers, single spaces."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _PUNCT.sub(" ", text).replace("_", " ")
    words = _SPACES.split(text.strip())
    fillers = FILLERS.get(lang, frozenset())
    kept = [w for w in words if w and w not in fillers]
    return " ".join(kept if kept else [w for w in words if w])


def weight(text: str) -> int:
    """Information length of ``text``: letters, with a Hangul syllable counting more."""
    total = 0
    for ch in text:
        if ch.isspace():
            continue
        total += _HANGUL_WEIGHT if "\uac00" <= ch <= "\ud7a3" else 1
    return total


@dataclass(frozen=True)
class Prepared:
    """A text in the three forms the passes compare."""

    nfc: str
    folded: str
    compact: str

    @classmethod
    def of(cls, text: str, lang: str) -> Prepared:
        """Prepare ``text`` (cleaned for ``lang``)."""
        nfc = clean(text, lang)
        folded = fold(nfc)
        return cls(nfc=nfc, folded=folded, compact=folded.replace(" ", ""))


def _contains_words(phrase: str, text: str) -> bool:
    # Hangul words take particles at their end ("여권을"), so only the left edge is a boundary
    right = "" if phrase and "\uac00" <= phrase[-1] <= "\ud7a3" else r"(?=\s|$)"
    return re.search(r"(?:^|\s)" + re.escape(phrase) + right, text) is not None


def _score_pair(phrase: str, text: str, short: bool) -> float:
    if not phrase or not text:
        return 0.0
    if short:
        if _contains_words(phrase, text):
            return 100.0
        return float(fuzz.ratio(phrase, text))
    if len(phrase) >= len(text):
        return float(fuzz.ratio(phrase, text))
    return float(fuzz.partial_ratio(phrase, text))


def score(phrase: Prepared, text: Prepared) -> float:
    """How well ``phrase`` is found in ``text``, 0..100, best of the three passes."""
    short = weight(phrase.folded) < SHORT_PHRASE
    best = _score_pair(phrase.nfc, text.nfc, short)
    if best >= 100.0:
        return best
    best = max(best, _score_pair(phrase.folded, text.folded, short) - FOLD_PENALTY)
    if not short:
        best = max(best, _score_pair(phrase.compact, text.compact, short) - COMPACT_PENALTY)
    return best


@dataclass(frozen=True)
class Snap:
    """The known phrase a transcript was snapped to."""

    phrase: str
    score: float


def snap(text: str, phrases: list[str], lang: str, cutoff: float) -> Snap | None:
    """The phrase nearest to ``text`` scoring at least ``cutoff``, or None (not understood).

    Ties go to the longer phrase: it explains more of what was said.
    """
    heard = Prepared.of(text, lang)
    best: Snap | None = None
    for phrase in phrases:
        value = score(Prepared.of(phrase, lang), heard)
        if value < cutoff:
            continue
        if best is None or (value, len(phrase)) > (best.score, len(best.phrase)):
            best = Snap(phrase, value)
    _LOGGER.debug("snap %r -> %s", text, best)
    return best
