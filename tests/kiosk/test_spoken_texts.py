"""What the robot and the voice say comes from the gettext catalogues, like the screens'
texts: every message is translated in Vietnamese and Korean, with its placeholders."""

from __future__ import annotations

import re

import pytest

from kiosk.guiding import ANNOUNCEMENTS, announcement
from kiosk.screen.i18n import translate
from kiosk.voice import _TICKET_WORDS, NOT_UNDERSTOOD, ticket_speech

SPOKEN = [*ANNOUNCEMENTS.values(), NOT_UNDERSTOOD, *_TICKET_WORDS]


@pytest.mark.parametrize("language", ["vi", "ko"])
@pytest.mark.parametrize("message", SPOKEN)
def test_every_spoken_message_is_translated(language: str, message: str) -> None:
    translated = translate(language, message)
    assert translated != message, f"{message!r} has no {language} translation"
    assert set(re.findall(r"{\w+}", translated)) == set(re.findall(r"{\w+}", message))


def test_the_robot_and_the_ticket_speak_the_visit_language() -> None:
    assert announcement("follow-me", {"counter": "Quầy 3"}, "vi") == (
        "Xin mời quý khách đi theo tôi đến Quầy 3."
    )
    assert "A001" in ticket_speech("A001", ("Quầy 3",), True, "ko")
    assert ticket_speech("A001", (), False, "en").startswith("Your number is A001.")
