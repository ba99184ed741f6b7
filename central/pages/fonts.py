"""The pages' fonts, served by central: Noto Sans (Latin and Vietnamese) as shipped, and
Nanum Gothic for Korean cut down to the characters the pages can show.

Why cut: the shipped Nanum Gothic is 4.6 MB, and Chrome's font sanitiser refuses it
outright (its empty ``TSI3`` hinting-source table). fontTools' subsetter (a well-kept
library) drops those tables and keeps only the glyphs of every Korean text central can
display (the catalogues and the configured names), which makes a file of a few dozen
kilobytes. It is built on first use and kept in memory.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path

from central.pages.i18n import LANGUAGES, catalogue
from central.settings import CentralSettings

_LOGGER = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
HANGUL = {"hangul.ttf": "NanumGothic.ttf", "hangul-bold.ttf": "NanumGothicBold.ttf"}
LATIN = {"sans.ttf": "NotoSans-Regular.ttf", "sans-bold.ttf": "NotoSans-Bold.ttf"}


def page_text(settings: CentralSettings) -> str:
    """Every text a page can show: the catalogues and the configured names."""
    parts = [text for lang in LANGUAGES for text in catalogue(lang).values()]
    parts += ["Tiếng Việt English 한국어", settings.centre_name]
    for service in settings.services:
        parts += service.names.values()
    for category in settings.priority_categories:
        parts += category.names.values()
    parts += [counter.name for counter in settings.counters]
    return "".join(parts)


@cache
def _subset(source: Path, text: str) -> bytes:
    from fontTools import subset

    options = subset.Options()
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]
    options.hinting = False
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    _LOGGER.info("font %s cut to %d bytes for the pages", source.name, out.tell())
    return out.getvalue()


def font_bytes(name: str, settings: CentralSettings) -> bytes | None:
    """The font file ``name`` for the pages, or None if unknown or missing."""
    if name in LATIN and (FONTS / LATIN[name]).is_file():
        return (FONTS / LATIN[name]).read_bytes()
    if name in HANGUL and (FONTS / HANGUL[name]).is_file():
        return _subset(FONTS / HANGUL[name], page_text(settings))
    return None
