"""The echo guard: the microphone is deaf while the kiosk speaks and shortly after.

Without it the recogniser hears the kiosk's own voice (and the room's echo of it) and
answers itself. The :class:`~speech.tts.Speaker` marks speaking; the
:class:`~speech.recognizer.Recognizer` drops microphone frames while :meth:`muted`.
"""

from __future__ import annotations

import time


class EchoGuard:
    """Shared by one Speaker and one Recognizer."""

    def __init__(self, guard_ms: int = 300) -> None:
        """``guard_ms``: how long after speech ends the microphone stays muted."""
        self._guard_s = guard_ms / 1000
        self._speaking = 0
        self._ended_at = float("-inf")

    def speaking_started(self) -> None:
        """The kiosk started to play speech."""
        self._speaking += 1

    def speaking_ended(self) -> None:
        """The kiosk's speech finished or was cut off."""
        self._speaking = max(0, self._speaking - 1)
        self._ended_at = time.monotonic()

    @property
    def speaking(self) -> bool:
        """True while speech is playing."""
        return self._speaking > 0

    def muted(self) -> bool:
        """True while speaking or within the guard time after."""
        return self._speaking > 0 or time.monotonic() < self._ended_at + self._guard_s
