"""Which words a vosk model can produce, and which phrases it therefore cannot.

A grammar phrase with a word the model does not know is silently cut by vosk ("한국어로"
becomes nothing), so the kiosk would never hear it. The vocabulary is read from the
model's ``words.txt`` where it ships one, else from the output symbol table stored in its
``graph/Gr.fst`` (the small models that accept a runtime grammar, like the Korean one,
carry no words.txt). The OpenFst binary header is read here because no Python library
reads it without OpenFst itself; only the header and the symbol table are read.
"""

from __future__ import annotations

import functools
import logging
import struct
from collections.abc import Iterable
from pathlib import Path

_LOGGER = logging.getLogger(__name__)
_FST_MAGIC = 2125659606  # OpenFst binary FST
_SYMBOLS_MAGIC = 2125658996  # OpenFst binary symbol table
_HAS_INPUT_SYMBOLS = 1
_HAS_OUTPUT_SYMBOLS = 2
#: tokens that are not words a citizen says
SPECIAL = frozenset({"<eps>", "!SIL", "<UNK>", "<SPOKEN_NOISE>", "#0", "<s>", "</s>", "[unk]"})


class VocabularyError(Exception):
    """The model's vocabulary could not be read (named file and reason)."""


class _Reader:
    """Reads OpenFst's little-endian header fields from a buffer."""

    def __init__(self, data: bytes, path: Path) -> None:
        self.data = data
        self.path = path
        self.at = 0

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise VocabularyError(f"{self.path}: truncated FST header")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def int32(self) -> int:
        value = (
            struct.unpack_from("<i", self.data, self.at)[0]
            if self.at + 4 <= len(self.data)
            else None
        )
        if value is None:
            raise VocabularyError(f"{self.path}: truncated FST header")
        self.at += 4
        return int(value)

    def int64(self) -> int:
        self.take(8)
        return int(struct.unpack_from("<q", self.data, self.at - 8)[0])

    def string(self) -> str:
        size = self.int32()
        if not 0 <= size <= 1 << 16:
            raise VocabularyError(f"{self.path}: bad string length {size} in FST header")
        return self.take(size).decode("utf-8", errors="replace")

    def symbol_table(self) -> set[str]:
        if self.int32() != _SYMBOLS_MAGIC:
            raise VocabularyError(f"{self.path}: no symbol table where the header says one is")
        self.string()  # table name
        self.int64()  # available key
        size = self.int64()
        if not 0 <= size <= 50_000_000:
            raise VocabularyError(f"{self.path}: bad symbol table size {size}")
        data, unpack, words = self.data, struct.unpack_from, set()
        at = self.at
        try:
            for _ in range(size):
                length = unpack("<i", data, at)[0]
                words.add(data[at + 4 : at + 4 + length].decode("utf-8", errors="replace"))
                at += 4 + length + 8  # the word, then its 64-bit key
        except struct.error:
            raise VocabularyError(f"{self.path}: truncated symbol table") from None
        self.at = at
        return words


def fst_output_symbols(path: Path) -> set[str]:
    """The output symbols (words) stored in an OpenFst binary file."""
    reader = _Reader(path.read_bytes(), path)
    if reader.int32() != _FST_MAGIC:
        raise VocabularyError(f"{path}: not an OpenFst binary file")
    reader.string()  # fst type
    reader.string()  # arc type
    reader.int32()  # version
    flags = reader.int32()
    reader.take(8 + 8 + 8 + 8)  # properties, start, states, arcs
    if not flags & _HAS_OUTPUT_SYMBOLS:
        raise VocabularyError(f"{path}: the FST stores no word symbols")
    if flags & _HAS_INPUT_SYMBOLS:
        reader.symbol_table()
    return reader.symbol_table()


@functools.lru_cache(maxsize=8)
def model_vocabulary(model: Path) -> frozenset[str] | None:
    """Words ``model`` can produce; None when the folder tells nothing (then vosk decides)."""
    for candidate in (model / "graph" / "words.txt", model / "words.txt"):
        if candidate.is_file():
            with candidate.open(encoding="utf-8", errors="replace") as stream:
                return (
                    frozenset(line.split(maxsplit=1)[0] for line in stream if line.strip())
                    - SPECIAL
                )
    grammar_fst = model / "graph" / "Gr.fst"
    if grammar_fst.is_file():
        try:
            return frozenset(fst_output_symbols(grammar_fst)) - SPECIAL
        except (VocabularyError, OSError) as exc:
            _LOGGER.warning("cannot read the vocabulary of %s: %s", model, exc)
    return None


def unknown_words(phrases: Iterable[str], vocabulary: frozenset[str]) -> dict[str, list[str]]:
    """Each phrase with words outside ``vocabulary``, and those words."""
    result: dict[str, list[str]] = {}
    for phrase in phrases:
        missing = [w for w in phrase.lower().split() if w not in vocabulary]
        if missing:
            result[phrase] = missing
    return result


def respell(phrase: str, vocabulary: frozenset[str], max_pieces: int = 3) -> str | None:
    """``phrase`` in words the model knows, or None when it cannot be said to it.

    A word the model lacks is split into known pieces (at most ``max_pieces``, each at least two
    letters long), longest first: the Korean model
    segments endings off ("도와주세요" -> "도와주 세요", "한국어로" -> "한국어 로"); the
    recogniser then returns the pieces, and snapping ignores spaces.
    """
    words: list[str] = []
    for word in phrase.lower().split():
        if word in vocabulary:
            words.append(word)
            continue
        pieces = _split(word, vocabulary, max_pieces, first=True)
        if pieces is None:
            return None
        words.extend(pieces)
    return " ".join(words)


def _split(
    word: str, vocabulary: frozenset[str], max_pieces: int, first: bool = False
) -> list[str] | None:
    """``word`` as known pieces of two letters at least: single syllables are nearly all
    "known", would make any word sayable, and in a grammar they let the decoder stitch
    any noise into words ("기", "요")."""
    if word in vocabulary and not first:
        return [word]
    if max_pieces <= 1:
        return None
    for end in range(len(word) - 2, 1, -1):
        head = word[:end]
        if head in vocabulary:
            rest = _split(word[end:], vocabulary, max_pieces - 1)
            if rest is not None:
                return [head, *rest]
    return None


def check_phrases(
    phrases: Iterable[str], vocabulary: frozenset[str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(phrases respelled into known pieces, phrases that cannot be said with their
    unknown words)."""
    respelled: dict[str, str] = {}
    impossible: dict[str, list[str]] = {}
    for phrase in phrases:
        spelled = respell(phrase, vocabulary)
        if spelled is None:
            impossible[phrase] = [
                w for w in phrase.lower().split() if respell(w, vocabulary) is None
            ]
        elif spelled != phrase.lower():
            respelled[phrase] = spelled
    return respelled, impossible
