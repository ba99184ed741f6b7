"""Text contrast computed from the theme, and the catalogues complete in every language."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from kiosk.guiding import ANNOUNCEMENTS, WAITING_AREA
from kiosk.screen.i18n import LOCALE_DIR, catalogue_path
from kiosk.screen.texts import MESSAGES, text
from kiosk.screen.theme import MIN_CONTRAST, PAIRS, contrast
from kiosk.voice import _TICKET_WORDS, NOT_UNDERSTOOD


def test_contrast_formula() -> None:
    assert contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert contrast((120, 120, 120), (120, 120, 120)) == pytest.approx(1.0)
    # WCAG's worked value: #767676 on white is just above 4.5:1
    assert contrast((0x76, 0x76, 0x76), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_every_text_colour_pair_has_enough_contrast(pair: str) -> None:
    ink, background = PAIRS[pair]
    assert contrast(ink, background) >= MIN_CONTRAST


@pytest.mark.parametrize("language", ["vi", "en", "ko"])
def test_catalogue_is_complete(language: str) -> None:
    with catalogue_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    by_id = {m.id: m for m in catalog if m.id}
    for key, source in MESSAGES.items():
        entry = by_id.get(source)
        assert entry is not None, f"{language}: {key} missing from the catalogue"
        assert entry.string and not entry.fuzzy, f"{language}: {key} untranslated"
        for placeholder in ("{page}", "{pages}", "{seconds}"):
            assert (placeholder in source) == (placeholder in entry.string), (language, key)


def test_template_matches_the_code() -> None:
    with (LOCALE_DIR / "kiosk.pot").open("rb") as handle:
        template = read_po(handle)
    # the screens' captions, and the robot's and the voice's words (kiosk/guiding.py,
    # kiosk/voice.py) that the same catalogues translate
    spoken = {*ANNOUNCEMENTS.values(), NOT_UNDERSTOOD, *_TICKET_WORDS, WAITING_AREA}
    assert {m.id for m in template if m.id} == set(MESSAGES.values()) | spoken


def test_texts_are_translated_at_draw_time() -> None:
    assert text("vi", "take_ticket") == "Lấy số thứ tự"
    assert text("ko", "page_of", page=1, pages=2) == "2쪽 중 1쪽"
    assert text("en", "page_of", page=1, pages=2) == "Page 1 of 2"
    assert text("fr", "done") == "Done"  # no catalogue: the English source
