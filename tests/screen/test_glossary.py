"""The catalogues use the official terms of assets/locale/glossary.toml: a message whose
English names a term says it with the glossary's Vietnamese and Korean words, and no
catalogue uses a form the glossary forbids ("bạn" for the citizen)."""

from __future__ import annotations

import re
import tomllib

import pytest
from babel.messages.pofile import read_po

from kiosk.screen.i18n import LOCALE_DIR, catalogue_path

GLOSSARY = tomllib.loads((LOCALE_DIR / "glossary.toml").read_text(encoding="utf-8"))
#: terms whose English word is distinctive enough to find in a message id
CHECKED = ("counter", "receipt", "waiting_area", "field", "ticket")


def _catalogue(language: str) -> dict[str, str]:
    with catalogue_path(language).open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=language) if m.id}


@pytest.mark.parametrize("term", CHECKED)
@pytest.mark.parametrize("language", ["vi", "ko"])
def test_messages_naming_a_term_use_the_official_word(term: str, language: str) -> None:
    entry = GLOSSARY[term]
    english = re.compile(rf"\b{re.escape(entry['en'])}\b", re.IGNORECASE)
    word = entry[language].casefold()
    wrong = [
        (mid, text)
        for mid, text in _catalogue(language).items()
        if english.search(mid) and word not in text.casefold() and "{" not in mid
    ]
    assert not wrong, f"{term} ({language} '{entry[language]}'): {wrong}"


def test_no_forbidden_forms() -> None:
    for entry in GLOSSARY.values():
        for form in entry.get("forbidden_vi", ()):
            found = [
                t
                for t in _catalogue("vi").values()
                if re.search(rf"(?<!\w){form}(?!\w)", t, re.IGNORECASE)
            ]
            assert not found, (form, found)
