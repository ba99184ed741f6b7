"""Text normalisation before speaking, per language.

Vietnamese gets the full treatment (:mod:`speech.normalize_vi`); for English and Korean the
voices read numbers well enough, so only ticket numbers are spelled out ("A012" ->
"A 0 1 2"), because a ticket is read digit by digit, not as "twelve".
"""

from __future__ import annotations

import re

from speech.normalize_vi import normalize_vi

_TICKET = re.compile(r"\b([A-Z]{1,2})-?(\d{2,4})\b")


def spell_tickets(text: str) -> str:
    """Spell ticket numbers letter by letter and digit by digit."""
    return _TICKET.sub(lambda m: " ".join(m.group(1)) + " " + " ".join(m.group(2)), text)


def normalize_for_speech(text: str, lang: str) -> str:
    """``text`` rewritten for the voice of ``lang``."""
    if lang == "vi":
        return normalize_vi(text)
    return spell_tickets(text)
