"""Translation catalogues of the pages: ``central/locales/<lang>.toml``, one flat table
of ``key = "text"`` per language, Vietnamese first and complete.

A key missing in a language falls back to Vietnamese, and a key missing there too is a
bug the tests catch (``check_catalogues``). TOML rather than gettext ``.po``: the kiosk's
technicians already edit TOML, and the catalogues need no compile step.
"""

from __future__ import annotations

import logging
import tomllib
from functools import cache
from pathlib import Path

from fastapi import Request

_LOGGER = logging.getLogger(__name__)

LOCALES = Path(__file__).resolve().parents[1] / "locales"
LANGUAGES = ("vi", "en", "ko")
"""Languages of the pages, in the order the language switch shows them."""
COOKIE = "central_lang"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` (empty for a language without one)."""
    path = LOCALES / f"{lang}.toml"
    if not path.is_file():
        return {}
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return {str(k): str(v) for k, v in data.items()}


def translate(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` (Vietnamese if missing), with ``{name}`` filled."""
    text = catalogue(lang).get(key) or catalogue("vi").get(key)
    if text is None:
        _LOGGER.error("no text for %r in the catalogues", key)
        return key
    return text.format(**values) if values else text


def check_catalogues() -> list[str]:
    """Keys present in one language but missing in another (empty when complete)."""
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    everything = set().union(*keys.values())
    return sorted(f"{lang}: {key}" for lang in LANGUAGES for key in everything - keys[lang])


def page_language(request: Request) -> str:
    """``?lang=``, then the language cookie, else Vietnamese.

    The browser's Accept-Language is not used: the centre's machines are set up in any
    language, and a hall display or counter must speak Vietnamese unless told otherwise.
    """
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE) or ""
    return asked if asked in LANGUAGES else "vi"
