"""Splitting a line into Hangul and other runs, for the screen and the ticket alike.

No bundled font has both scripts: NanumGothic lacks Vietnamese letters ("Quầy 3" on a
Korean ticket would print boxes) and NotoSans lacks Hangul, so the screen (pygame) and the
ticket renderer (Pillow) both draw each run in its own font. They split lines here, so the
two can never disagree about where a run ends. Written here because it is six lines:
fontTools/uharfbuzz itemize scripts too, but would add a dependency for one range check.
"""

from __future__ import annotations


def is_hangul(ch: str) -> bool:
    """Is ``ch`` a Hangul syllable or jamo (drawn in NanumGothic)?"""
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def hangul_runs(line: str) -> list[tuple[str, bool]]:
    """Split ``line`` into runs of Korean (True) and other text; spaces join the run before."""
    found: list[tuple[str, bool]] = []
    for ch in line:
        korean = is_hangul(ch) if not ch.isspace() else (found[-1][1] if found else False)
        if found and found[-1][1] == korean:
            found[-1] = (found[-1][0] + ch, korean)
        else:
            found.append((ch, korean))
    return found
