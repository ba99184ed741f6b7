"""Telex: how Vietnamese is typed on a Latin keyboard ("tuw phaps" -> "tư pháp").

Used twice: the on-screen keyboard composes each word from its keystrokes as the citizen
types, and search also reads a query typed in raw Telex on an ordinary keyboard. Written
here because the Python IME packages on PyPI are either whole input-method frameworks
(ibus/fcitx bindings, no use without a desktop) or unmaintained; the rules fit in a page:

- ``aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, uow ươ, dd đ``; a lone ``w`` is ``ư``;
- tone keys after a vowel: ``s`` sắc, ``f`` huyền, ``r`` hỏi, ``x`` ngã, ``j`` nặng, ``z``
  removes the tone; the same tone key twice gives the letter itself ("bus" stays readable
  as "buss" -> "bus");
- the tone goes on the vowel with a hat or horn (ơ in ươ), else on the only vowel, else
  on the second vowel of a closed or three-vowel syllable and the first of an open
  two-vowel one ("hòa", "hoàng", "người"), ``gi``/``qu`` not counting as vowels.
"""

from __future__ import annotations

import logging
import unicodedata

_LOGGER = logging.getLogger(__name__)

TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_HATS = {"a": "â", "e": "ê", "o": "ô"}
_HORNS = {"a": "ă", "o": "ơ", "u": "ư"}
_VOWELS = set("aăâeêioôơuưy")
_MARKED = set("ăâêôơư")


def _is_vowel(ch: str) -> bool:
    return ch.lower() in _VOWELS


def _same_case(ch: str, like: str) -> str:
    return ch.upper() if like.isupper() else ch


def _apply_w(out: list[str]) -> bool:
    """Put a horn/breve on the last u, o or a (``uo`` -> ``ươ``); False if none."""
    lowered = [c.lower() for c in out]
    for i in range(len(out) - 1, -1, -1):
        if lowered[i] == "o" and i > 0 and lowered[i - 1] == "u":
            out[i - 1] = _same_case("ư", out[i - 1])
            out[i] = _same_case("ơ", out[i])
            return True
        if lowered[i] in _HORNS:
            out[i] = _same_case(_HORNS[lowered[i]], out[i])
            return True
        if not _is_vowel(out[i]) and i < len(out) - 1:
            break
    return False


def _tone_position(word: str) -> int | None:
    lowered = word.lower()
    start = 0
    if lowered.startswith(("qu", "gi")) and len(lowered) > 2 and _is_vowel(lowered[2]):
        start = 2
    vowels = [i for i in range(start, len(word)) if _is_vowel(lowered[i])]
    if not vowels:
        vowels = [i for i in range(len(word)) if _is_vowel(lowered[i])]
    if not vowels:
        return None
    # the vowel cluster is the first run of vowels
    run = [vowels[0]]
    for i in vowels[1:]:
        if i == run[-1] + 1:
            run.append(i)
    marked = [i for i in run if lowered[i] in _MARKED]
    if marked:
        return marked[-1]
    closed = run[-1] < len(word) - 1
    if len(run) == 1:
        return run[0]
    if len(run) >= 3 or closed:
        return run[1]
    return run[0]


def compose_word(keys: str) -> str:
    """The Vietnamese word typed as ``keys`` in Telex."""
    out: list[str] = []
    tone: str | None = None
    for key in keys:
        lower = key.lower()
        has_vowel = any(_is_vowel(c) for c in out)
        if lower in TONES and has_vowel:
            if tone == TONES[lower]:
                tone = None
                out.append(key)  # the tone key twice: the letter itself
            else:
                tone = TONES[lower]
            continue
        if lower == "z" and has_vowel and tone is not None:
            tone = None
            continue
        if lower == "w":
            if not _apply_w(out):
                out.append(_same_case("ư", key))
            continue
        if out and lower in _HATS and out[-1].lower() == lower:
            out[-1] = _same_case(_HATS[lower], out[-1])
            continue
        if out and lower == "d" and out[-1].lower() == "d":
            out[-1] = _same_case("đ", out[-1])
            continue
        out.append(key)
    word = "".join(out)
    if tone is None:
        return word
    where = _tone_position(word)
    if where is None:
        return word
    marked = unicodedata.normalize("NFC", word[where] + tone)
    return word[:where] + marked + word[where + 1 :]


def compose(text: str) -> str:
    """Every word of ``text`` composed from Telex (spaces and punctuation kept)."""
    words: list[str] = []
    current = ""
    for ch in text:
        if ch.isascii() and ch.isalpha():
            current += ch
        else:
            words.append(compose_word(current) if current else "")
            words.append(ch)
            current = ""
    if current:
        words.append(compose_word(current))
    return "".join(words)
