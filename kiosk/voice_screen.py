"""What the kiosk says and shows besides the flow's screens: the daemon's voice side.

:class:`VoiceScreen` is the daemon's :class:`~kiosk.inputs.InputTools` (read the screen
aloud, speak slower, greet, answer where_is / queue_status), and holds what voice puts over
the current screen until the citizen touches or speaks again: the question back with its
(at most three) touchable choices, and the way to a place drawn on the lobby map. It also
starts the listening (touch-to-talk, or always). It was part of kiosk/daemon.py; it lives
here so the daemon keeps only the loop, the timer and the effects that reach the parts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.events import KioskEvent, Touch, VoiceIntent
from kiosk.greeting import Greeter
from kiosk.inputs import VOICE_ANSWERS
from kiosk.screen.model import ChoiceButton
from kiosk.screen.touchscreen import ScreenModel
from kiosk.voice import listening_language
from kiosk.voice_answers import people_ahead, read_poses, way_to
from kiosk.voice_dialogue import choice_labels, question_for

if TYPE_CHECKING:
    from kiosk.daemon import KioskDaemon
    from speech.intents import Intent

_LOGGER = logging.getLogger(__name__)

#: spoken answers kept in memory (the demo and the tests read the latest)
ANSWERS_KEPT = 32


class VoiceScreen:
    """The daemon's voice tools and what voice shows over the screen (module docstring)."""

    def __init__(self, daemon: KioskDaemon) -> None:
        self._daemon = daemon
        config = daemon.config
        #: what the kiosk answered aloud to where_is / queue_status (the demo reads them)
        self.spoken_answers: deque[str] = deque(maxlen=ANSWERS_KEPT)
        #: the voice's question back: the intents offered (at most three, touchable on
        #: screen until the citizen touches or speaks again) and the question
        self.choices: tuple[str, ...] = ()
        self._choice_question = ""
        #: the way to the place a citizen asked for by voice: (words, lobby map PNG)
        self.way: tuple[str, bytes | None] | None = None
        self.greeter = Greeter(config.greeting, config.kiosk.languages[0], daemon.say,
                               self.speaking, daemon.clock)
        if daemon.voice is not None:
            daemon.voice.preview = self._preview_answer
            daemon.voice.on_clarify = self.offer_choices

    # -- InputTools -----------------------------------------------------------------------

    def read_aloud(self) -> None:
        """Say what the screen shows, in the visit's language."""
        daemon = self._daemon
        daemon.say(daemon.screen.spoken_text(), daemon.flow.visit.language)

    def speaking(self) -> bool:
        """The kiosk is speaking (or its echo guard still mutes the microphone)."""
        return self._daemon.voice is not None and self._daemon.voice.speaking

    def greet(self) -> None:
        """Somebody walked up to the idle kiosk: greet them aloud, once per approach."""
        self.greeter.person_arrived(self._daemon.flow.current_state_id)

    def speak_slower(self) -> None:
        """The citizen asked the kiosk to speak more slowly (for the rest of the run)."""
        if self._daemon.voice is not None:
            self._daemon.voice.speaker.slow = True

    def answer(self, event: VoiceIntent) -> None:
        """Answer aloud: the way to a place, or the people ahead of the visit's ticket."""
        daemon = self._daemon
        language = daemon.flow.visit.language
        text = self._answer_text(event.name, event.slots, language)
        _LOGGER.info("voice answer (%s): %s", event.name, text)
        self.spoken_answers.append(text)
        daemon.say(text, language)
        place = event.slots.get("place")
        if event.name == "where_is":  # and on screen: the way on the lobby map
            self.way = (text, daemon.view.route_picture(place) if place else None)
            daemon.render(daemon.flow.current_state_id, daemon.flow.visit)

    def _answer_text(self, name: str, slots: dict[str, str], language: str) -> str:
        daemon = self._daemon
        if name == "where_is":
            place = slots.get("place")
            poses = read_poses(Path(daemon.config.navigation.map_path))
            return way_to(place, language, poses) if place else way_to("", language, {})
        ticket = daemon.issued[-1] if daemon.issued and daemon.flow.visit.ticket else None
        return people_ahead(ticket.number if ticket else None,
                            ticket.view.people_ahead if ticket else None, language)

    def _preview_answer(self, intent: Intent, language: str) -> str | None:
        """What :meth:`answer` will say for ``intent`` (the voice synthesises it ahead)."""
        if intent.name not in VOICE_ANSWERS:
            return None
        return self._answer_text(intent.name, intent.slots, language)

    # -- what voice puts over the screen --------------------------------------------------

    def offer_choices(self, choices: tuple[str, ...], language: str) -> None:
        """The voice asked back: show its choices as buttons over the current screen."""
        self.choices = tuple(choices[:3])
        self._choice_question = question_for(self.choices, language)
        daemon = self._daemon
        daemon.render(daemon.flow.current_state_id, daemon.flow.visit)

    def clear(self, event: KioskEvent) -> bool:
        """A touch or new speech answers (or drops) the question back and the way shown;
        True if one was up."""
        procedures = self._daemon.procedures
        if isinstance(event, Touch) and procedures is not None:
            procedures.choices = ()
        if not (self.choices or self.way) or not isinstance(event, (Touch, VoiceIntent)):
            return False
        self.choices, self._choice_question, self.way = (), "", None
        return True

    def over(self, model: ScreenModel, language: str) -> ScreenModel:
        """``model`` with the way and the question back laid over it."""
        if self.way is not None:
            model = replace(model, way_text=self.way[0], way_png=self.way[1])
        if not self.choices:
            return model
        buttons = tuple(ChoiceButton(code, label[:1].upper() + label[1:])
                        for code, label in choice_labels(self.choices, language))
        return replace(model, choices=buttons, choice_question=self._choice_question)

    # -- listening ------------------------------------------------------------------------

    def can_talk(self, language: str) -> bool:
        """Show the microphone button: touch-to-talk voice that can listen now."""
        voice = self._daemon.voice
        return (
            voice is not None
            and voice.settings.listening_mode == "touch"
            and listening_language(voice, language, self._daemon.config.kiosk.languages)
            is not None
        )

    def listen(self) -> None:
        """Listen once for what fits the current screen, in the visit's language."""
        daemon = self._daemon
        if daemon.voice is None:
            return
        language = listening_language(
            daemon.voice, daemon.flow.visit.language, daemon.config.kiosk.languages
        )
        if language is not None:
            daemon.voice.listen(daemon.flow.current_state_id, language)

    async def listen_always(self) -> None:
        """Always-listening mode: whenever nothing is being heard or said, listen again."""
        voice = self._daemon.voice
        assert voice is not None
        while True:
            if not voice.busy:
                self.listen()
            await asyncio.sleep(0.1)
