"""gettext catalogues of the screens, compiled from their ``.po`` files with Babel's API.

The catalogues live in ``assets/locale/<lang>/LC_MESSAGES/kiosk.po`` (``pybabel extract``
/ ``init`` / ``update`` maintain them, see ``assets/locale/README.md``). They are compiled
in memory the first time a language is used instead of committing ``.mo`` files: the
``.po`` is then the one source a translator edits, a compiled file can never be stale or
forgotten, and compiling three small catalogues takes a few milliseconds once per run.
Fuzzy entries are left out, as ``msgfmt`` does, so an unchecked translation falls back
to the English source rather than showing a guess.
"""

from __future__ import annotations

import functools
import gettext
import io
import logging
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

_LOGGER = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parents[2] / "assets" / "locale"
DOMAIN = "kiosk"


def catalogue_path(language: str) -> Path:
    """Where ``language``'s catalogue is."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English source texts if there is none)."""
    path = catalogue_path(language)
    if not path.exists():
        _LOGGER.warning("no screen catalogue for %r at %s: showing English", language, path)
        return gettext.NullTranslations()
    try:
        with path.open("rb") as handle:
            try:
                catalog = read_po(handle, locale=language, domain=DOMAIN, abort_invalid=True)
            except UnknownLocaleError:
                handle.seek(0)
                catalog = read_po(handle, domain=DOMAIN, abort_invalid=True)
    except (PoFileError, OSError, ValueError) as exc:
        _LOGGER.error("screen catalogue %s is unreadable (%s): showing English", path, exc)
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translate(language: str, message: str) -> str:
    """``message`` (an English source text) in ``language``."""
    return translations(language).gettext(message)
