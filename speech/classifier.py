"""A small text classifier with a calibrated confidence, trained on shipped examples.

Why a classifier and not a longer phrase list: citizens say "tôi muốn lấy số", "cho chị
bốc cái số", "lay so thu tu" and "번호표 주세요" for the same thing; a phrase list only knows
the phrases someone wrote down, a model over word and character n-grams generalises to
the ones nobody did. scikit-learn does the learning: TF-IDF over words (1-2 grams) and
characters (2-5 grams within words) of the folded text, and a multinomial logistic
regression, whose probabilities are fitted by log-loss and so are calibrated enough to
act on (``bench/intents_heldout.py`` reports the calibration error on the held-out set).
What is ours is the text preparation (:func:`features_text`: NFC, lower case, fillers
removed, abbreviations spelled out, diacritics folded, so "lam ho chieu" and "làm hộ
chiếu" are the same input), :class:`PhraseMasker` (names replaced by a placeholder, so
the intent is learnt from the words around them) and the training data.

Training takes well under a second per classifier; it happens on first use from the TSVs
shipped in ``speech/data/train`` (no model is downloaded or stored).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from threadpoolctl import ThreadpoolController

from speech.textmatch import clean, fold, weight

_LOGGER = logging.getLogger(__name__)

#: abbreviations and code-mixed words citizens use, spelled as the catalogue spells them
ABBREVIATIONS: dict[str, dict[str, str]] = {
    "vi": {
        "gplx": "giấy phép lái xe",
        "lltp": "lý lịch tư pháp",
        "cccd": "căn cước công dân",
        "cmnd": "chứng minh nhân dân",
        "passport": "hộ chiếu",
        "wc": "nhà vệ sinh",
        "toilet": "nhà vệ sinh",
        "online": "trực tuyến",
        "tui": "tôi",
        "hông": "không",
        "hổng": "không",
        "dzậy": "vậy",
        "nhiêu": "bao nhiêu",
    },
    "en": {
        "trc": "temporary residence card",
        "lltp": "criminal record",
        "gplx": "driving licence",
        "license": "licence",
        "wc": "toilet",
        "loo": "toilet",
        "wanna": "want to",
    },
    "ko": {
        "티알씨": "임시 거주증",
        "워크퍼밋": "노동 허가",
        "워크": "노동",
        "퍼밋": "허가",
    },
}
_NUMBER = re.compile(r"\d+")


def features_text(text: str, lang: str) -> str:
    """``text`` as the classifiers see it: cleaned, abbreviations expanded, folded."""
    words = clean(text, lang).split()
    table = ABBREVIATIONS.get(lang, {})
    expanded = " ".join(table.get(word, word) for word in words)
    # a number is a number: "quầy 5" and "quầy 7" look alike, "5" and "năm" too via the slots
    return _NUMBER.sub(" 5 ", fold(expanded)).strip()


_CONTROLLER: list[ThreadpoolController] = []


def _single_thread() -> Any:
    """A context limiting BLAS/OpenMP to one thread (the controller is built once: slow)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


@dataclass(frozen=True)
class Ranked:
    """One label with its calibrated probability (0..1)."""

    label: str
    probability: float


class TextClassifier:
    """Labels short texts of one language; :meth:`rank` gives calibrated probabilities."""

    def __init__(
        self, lang: str, name: str, c: float = 10.0, masker: PhraseMasker | None = None
    ) -> None:
        """``name`` is for logs (``intent``, ``service``, ...); ``c`` the inverse
        regularisation (higher fits the examples more closely); ``masker`` replaces known
        names by a placeholder before learning, so the sentence's frame is what counts."""
        self.lang = lang
        self.c = c
        self.masker = masker
        self.name = name
        self._model: Any = None
        self._single: str | None = None
        self.labels: tuple[str, ...] = ()

    def fit(self, examples: Sequence[tuple[str, str]]) -> TextClassifier:
        """Train on (text, label) pairs; a label with one example is still learnt."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        texts = [self._prepare(text) for text, _ in examples]
        labels = [label for _, label in examples]
        counts = Counter(labels)
        self.labels = tuple(sorted(counts))
        if len(counts) == 1:
            self._single = labels[0]
            return self
        features = make_union(
            TfidfVectorizer(
                analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
            ),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        )
        head = LogisticRegression(C=self.c, max_iter=1000, class_weight="balanced")
        self._model = make_pipeline(features, head)
        with _single_thread():  # BLAS threads only fight each other on short texts
            self._model.fit(texts, labels)
        _LOGGER.debug(
            "trained %s/%s on %d examples, %d labels", self.lang, self.name, len(texts), len(counts)
        )
        return self

    def _prepare(self, text: str) -> str:
        prepared = features_text(text, self.lang)
        return self.masker.mask(prepared) if self.masker is not None else prepared

    def rank(self, text: str) -> list[Ranked]:
        """Every label with its probability, most likely first."""
        if self._single is not None:
            return [Ranked(self._single, 1.0)]
        if self._model is None:
            raise RuntimeError(f"classifier {self.lang}/{self.name} is not trained")
        with _single_thread():
            probabilities = self._model.predict_proba([self._prepare(text)])[0]
        ranked = [
            Ranked(str(label), float(p))
            for label, p in zip(self._model.classes_, probabilities, strict=True)
        ]
        return sorted(ranked, key=lambda r: r.probability, reverse=True)

    def best(self, text: str) -> Ranked:
        """The most likely label."""
        return self.rank(text)[0]


class PhraseMasker:
    """Replaces known names (services, procedures) in prepared text by one placeholder.

    "lam ho chieu can giay to gi" becomes "lam xnamex can giay to gi": the intent is in
    the words around the name, and a name seen only in take_ticket examples no longer
    pulls a question about it towards a ticket.
    """

    PLACEHOLDER = "xnamex"

    def __init__(self, phrases: Iterable[str], lang: str) -> None:
        """``phrases`` as written in the catalogue; matched after :func:`features_text`."""
        prepared = {features_text(p, lang) for p in phrases}
        ordered = sorted((p for p in prepared if weight(p) >= 3), key=len, reverse=True)
        # Hangul takes particles at the end of a word ("여권을"): only the left edge counts
        right = "" if lang == "ko" else r"(?=\s|$)"
        self._pattern = (
            re.compile(r"(?:(?<=\s)|^)(?:" + "|".join(map(re.escape, ordered)) + ")" + right)
            if ordered
            else None
        )

    def mask(self, text: str) -> str:
        """``text`` with every known name replaced by the placeholder."""
        return self._pattern.sub(self.PLACEHOLDER, text) if self._pattern else text


def train(
    lang: str, name: str, examples: Iterable[tuple[str, str]], masker: PhraseMasker | None = None
) -> TextClassifier:
    """A classifier for ``lang`` trained on ``examples`` (text, label)."""
    return TextClassifier(lang, name, masker=masker).fit(list(examples))
