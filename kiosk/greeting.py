"""Greeting aloud whoever walks up to the kiosk: once per approach, never over a citizen.

The presence detector (:mod:`kiosk.presence`) says that somebody arrived; this decides
whether the kiosk says so aloud. It speaks only when the attract screen is up (nobody is
using the kiosk), when the kiosk is neither speaking nor listening, and not again within
``greet_gap_s`` (somebody hovering at the edge of the picture is one approach, not ten).
Nothing is identified: the greeting is the same for everyone, in the kiosk's first
language, polite as a public office speaks ("Kính chào quý khách..."); the attract screen
beside it shows the language buttons large for those who do not speak Vietnamese. A robot
says it where it stands: greeting never moves the base.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

_LOGGER = logging.getLogger(__name__)

GREETINGS = {
    "vi": "Kính chào quý khách. Xin mời quý khách chạm vào màn hình để lấy số thứ tự "
    "hoặc tra cứu hồ sơ.",
    "en": "Welcome. Please touch the screen to take a number or look up your dossier.",
    "ko": "어서 오십시오. 번호표를 받거나 서류를 조회하시려면 화면을 눌러 주십시오.",
}


class GreetingSettings(BaseModel):
    """Greeting aloud the people the camera sees walking up."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    aloud: bool = True
    """Say the greeting (needs voice output); the attract screen greets in any case."""
    gap_s: float = Field(default=20.0, ge=0, le=600)
    """Shortest time between two spoken greetings."""


class Greeter:
    """Decides, for each arrival, whether to greet aloud, and does it through ``say``."""

    def __init__(
        self,
        settings: GreetingSettings,
        language: str,
        say: Callable[[str, str], None],
        busy: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.language = language if language in GREETINGS else "vi"
        self._say, self._busy, self._clock = say, busy, clock
        self._last: float | None = None
        #: how many greetings were spoken (the health page, the demo and the tests read it)
        self.spoken = 0

    def person_arrived(self, state: str) -> bool:
        """Somebody walked up while the flow is in ``state``; True when greeted aloud."""
        now = self._clock()
        if not self.settings.aloud or state != "idle":
            return False
        if self._busy():
            _LOGGER.debug("greeting skipped: the kiosk is speaking or listening")
            return False
        if self._last is not None and now - self._last < self.settings.gap_s:
            return False
        self._last = now
        self.spoken += 1
        self._say(GREETINGS[self.language], self.language)
        _LOGGER.info("greeted somebody walking up (%s)", self.language)
        return True
