"""Typo-tolerant procedure search: what a citizen types or says, best match first.

Both sides are folded (lower case, tone marks and hats dropped, ``đ`` -> ``d``, Hangul
split into jamo so a Korean typo costs one letter, not a syllable; a Korean query's words
lose the endings and particles a question glues to them, "분실했는데" -> "분실"); a query that looks
like raw Telex ("ly lichj tuw phaps") is also read as Telex, and the better reading wins.
Each procedure is scored by its best phrase (name or synonym, any language) with
rapidfuzz's WRatio, which tolerates typos, word order and a phrase inside a longer
question. rapidfuzz (C++, well kept) is therefore a core dependency: the touch path needs
it even on a kiosk with no voice. A query scores only phrases of its own script, which
keeps a 2,000-procedure search within its budget (BENCHMARKS.md).
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kiosk.procedures.model import ProcedureInfo
from kiosk.procedures.telex import compose

_LOGGER = logging.getLogger(__name__)

#: below this score a procedure is not a match at all
MIN_SCORE = 60.0
_SPACES = re.compile(r"[^\w]+")
_TELEX_HINT = re.compile(r"(aa|aw|ee|oo|ow|uw|dd|[aeiouy][sfrxj]\b|[aeiouy]w)")
#: words that carry no meaning for finding a procedure ("cho tôi hỏi", "làm", "cần")
#: (compared folded, so only words whose toneless form means nothing else: not "can"
#: (cần/căn), "sao" (sao y), "o" (ở/ô), "mat" (mất/mặt))
STOPWORDS = frozenset(
    "cho toi hoi em oi ah nhe voi giup gium minh muon lam the nao thi bao nhieu gi dau "
    "khong duoc ko k i want to how do a an my for please need what is ".split()
)
#: Korean endings and particles a spoken question glues to the word it asks about
#: ("분실했는데" -> "분실", "여권은" -> "여권"), longest first; a word keeps two syllables
KOREAN_ENDINGS = tuple(sorted(
    "했는데요 했는데 했어요 해야 해요 하는데 하려면 하려고 인데요 인데 이에요 예요 에서 으로 "
    "부터 까지 하고 은 는 이 가 을 를 에 로 도 요".split(), key=len, reverse=True))
#: how many phrases the fast first pass hands to the finer scorer
_SHORTLIST = 60
#: a query word and a phrase word this alike (0..100) count as the same word
WORD_MATCH = 72.0


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def fold(text: str) -> str:
    """Lower case, no tone marks, ``đ`` as ``d``, Hangul as jamo, single spaces."""
    text = text.lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", kept).strip()


def script_of(text: str) -> str:
    """``hangul`` or ``latin``: which phrases a query is compared with."""
    return "hangul" if any(_is_hangul(c) for c in text) else "latin"


def without_endings(text: str) -> str:
    """Korean words without the ending or particle a question glued to them."""
    words = []
    for word in unicodedata.normalize("NFC", text).split():  # jamo back into syllables
        if sum(_is_hangul(c) for c in word) >= 3:
            for ending in KOREAN_ENDINGS:
                if word.endswith(ending) and len(word) - len(ending) >= 2:
                    word = word[: -len(ending)]
                    break
        words.append(word)
    return " ".join(words)


def readings(query: str) -> list[str]:
    """The folded query, and its Telex reading when it looks like raw Telex."""
    plain = fold(without_endings(query) if script_of(query) == "hangul" else query)
    found = [plain]
    if query.isascii() and _TELEX_HINT.search(query.lower()):
        telex = fold(compose(query.lower()))
        if telex and telex != plain:
            found.append(telex)
    return found


def _meaningful(folded: str) -> str:
    words = [w for w in folded.split() if w not in STOPWORDS]
    return " ".join(words) or folded


def similarity(query: str, phrase: str) -> float:
    """0..100: how well a folded query names a folded phrase (typos, extra words, order).

    Each word counts as found when a word of the other side is at least WORD_MATCH alike
    (weighted by how alike); the phrase's words found in the query weigh most (a question
    holds more words than the name it asks about)."""
    q_words, p_words = query.split(), phrase.split()
    if not q_words or not p_words:
        return 0.0
    alike = process.cdist(p_words, q_words, scorer=fuzz.ratio, score_cutoff=WORD_MATCH)
    recall = float(alike.max(axis=1).sum()) / 100 / len(p_words)
    precision = float(alike.max(axis=0).sum()) / 100 / len(q_words)
    words = 100 * (0.65 * recall + 0.35 * precision)
    whole = fuzz.ratio(query.replace(" ", ""), phrase.replace(" ", ""))
    return max(words, whole)


@dataclass(frozen=True)
class Hit:
    """A search result: the procedure's code, its score (0..100) and the phrase matched."""

    code: str
    score: float
    phrase: str


class ProcedureIndex:
    """Search over a catalogue's names and synonyms in every language.

    A first pass finds candidate phrases through their words (each query word matched
    fuzzily against the vocabulary, phrases ranked by the rarity of the words they share);
    only that shortlist is scored by :func:`similarity`. Scoring every phrase of a
    2,000-procedure catalogue with WRatio took 90 ms a query; this takes a few.
    """

    def __init__(self, procedures: Iterable[ProcedureInfo]) -> None:
        self._phrases: dict[str, list[str]] = {"latin": [], "hangul": []}
        self._owners: dict[str, list[tuple[str, bool]]] = {"latin": [], "hangul": []}
        for proc in procedures:
            for lang, name in proc.name.items():
                self._add(proc.code, name, True)
                for phrase in proc.synonyms.get(lang, []):
                    self._add(proc.code, phrase, False)
            for lang, phrases in proc.synonyms.items():
                if lang not in proc.name:
                    for phrase in phrases:
                        self._add(proc.code, phrase, False)
        self._postings: dict[str, dict[str, list[int]]] = {}
        self._vocab: dict[str, list[str]] = {}
        self._idf: dict[str, dict[str, float]] = {}
        for script, phrases in self._phrases.items():
            postings: dict[str, list[int]] = {}
            for i, phrase in enumerate(phrases):
                for word in set(phrase.split()):
                    postings.setdefault(word, []).append(i)
            self._postings[script] = postings
            self._vocab[script] = list(postings)
            total = max(len(phrases), 1)
            self._idf[script] = {w: math.log(1 + total / len(ids)) for w, ids in postings.items()}

    def _add(self, code: str, phrase: str, is_name: bool) -> None:
        script = script_of(phrase)
        self._phrases[script].append(fold(phrase))
        self._owners[script].append((code, is_name))

    def _shortlist(self, script: str, wanted: str) -> list[int]:
        postings, idf, vocab = self._postings[script], self._idf[script], self._vocab[script]
        weight: dict[int, float] = {}
        common: list[tuple[str, float]] = []
        crowd = max(len(self._phrases[script]) // 40, 50)
        for word in set(wanted.split()):
            similar = process.extract(
                word, vocab, scorer=fuzz.WRatio, score_cutoff=WORD_MATCH, limit=6
            )
            for other, score, _ in similar:
                if len(postings[other]) > crowd:  # "cấp", "giấy": they rank nothing
                    common.append((other, score))
                    continue
                gain = idf[other] * score / 100
                for i in postings[other]:
                    weight[i] = weight.get(i, 0.0) + gain
        if not weight:  # only common words were typed: they are all there is
            for other, score in common:
                for i in postings[other]:
                    weight[i] = weight.get(i, 0.0) + idf[other] * score / 100
        return heapq.nlargest(_SHORTLIST, weight, key=weight.__getitem__)

    def search(self, query: str, limit: int = 3, min_score: float = MIN_SCORE) -> list[Hit]:
        """The best ``limit`` procedures for ``query``, best first."""
        script = script_of(query)
        phrases = self._phrases[script]
        best: dict[str, Hit] = {}
        for reading in readings(query):
            wanted = _meaningful(reading)
            if not wanted:
                continue
            for index in self._shortlist(script, wanted):
                phrase = phrases[index]
                code, is_name = self._owners[script][index]
                score = similarity(wanted, phrase)
                if score < min_score:
                    continue
                # on a tie, a name beats a synonym and a phrase of the query's length wins
                tie = (0.5 if is_name else 0.0) - abs(len(phrase) - len(wanted)) * 0.01
                if code not in best or score + tie > best[code].score:
                    best[code] = Hit(code, score + tie, phrase)
        ranked = sorted(best.values(), key=lambda h: h.score, reverse=True)
        return ranked[:limit]
