"""Wiring speech into the kiosk: listen on the current screen's phrases, speak answers.

Voice is a second way in, never the only one: every intent here has a button on screen,
and "not understood" sends the citizen back to touch with a spoken hint. The recogniser
listens with a grammar built from the phrases that make sense in the flow's current state
(touch-to-talk after the microphone button, or always while the kiosk is quiet), the
transcript becomes an :class:`~speech.intents.Intent`, and the daemon receives it as a
:class:`~kiosk.events.VoiceIntent`. Speaking goes through the TTS worker process; a touch
or new speech cuts it off at once.

The speech libraries (vosk, rapidfuzz, webrtcvad, pyttsx3: the ``voice`` extra) are imported
only when a VoiceFrontend is built, so a kiosk installed without voice imports this module
(and the daemon) and runs touch-only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.audio import open_audio_in, open_audio_out
from drivers.audio.base import AudioError, AudioIn
from kiosk.events import KioskEvent, VoiceIntent
from kiosk.screen.i18n import translate
from kiosk.screen.texts import N_
from kiosk.tasks import spawn
from speech.errors import SpeechError
from speech.settings import SpeechSettings

if TYPE_CHECKING:
    from speech.intents import IntentParser
    from speech.recognizer import Recognizer
    from speech.tts import Speaker

_LOGGER = logging.getLogger(__name__)

#: what a citizen may say in each state of the flow (everything else is not understood)
SCREEN_INTENTS: dict[str, tuple[str, ...]] = {
    "idle": ("take_ticket", "help", "change_language"),
    "menu": ("take_ticket", "help", "change_language", "back"),
    "procedure_info": ("ask_procedure", "take_ticket", "repeat", "help", "back"),
    "dossier_lookup": ("lookup_dossier", "repeat", "help", "back"),
    "choose_service": ("take_ticket", "help", "change_language", "back"),
    "ticket_ready": ("repeat", "slower", "yes", "no", "help"),
}

#: what the kiosk says when it did not understand (translated by the gettext catalogues)
NOT_UNDERSTOOD = N_("Sorry, I did not catch that. Please choose on the screen.")


class VoiceFrontend:
    """Microphone, recogniser, intents and speaker for one daemon."""

    def __init__(
        self,
        settings: SpeechSettings,
        *,
        audio_in_url: str,
        audio_out_url: str,
        catalogue_path: Path,
        post: Callable[[KioskEvent], None],
    ) -> None:
        try:
            from speech.catalogue import load_catalogue
            from speech.intents import IntentParser
            from speech.recognizer import Recognizer
            from speech.tts import Speaker
        except ModuleNotFoundError as exc:
            raise SpeechError(
                f"{exc.name} is not installed: voice needs the 'voice' extra "
                "(pip install 'kiosk[voice]')"
            ) from exc
        self.settings = settings
        self._post = post
        self.audio_in: AudioIn | None = (
            None if audio_in_url.startswith("none:") else open_audio_in(audio_in_url)
        )
        self.speaker: Speaker = Speaker(settings, open_audio_out(audio_out_url))
        self.recognizer: Recognizer = Recognizer(settings, guard=self.speaker.guard)
        catalogue = load_catalogue(catalogue_path)
        self.parser: IntentParser = IntentParser(catalogue, cutoff=settings.snap_cutoff)
        self._saying: asyncio.Task[Any] | None = None
        self._listening: asyncio.Task[Any] | None = None

    @property
    def busy(self) -> bool:
        """True while listening or speaking (the microphone is muted while speaking)."""
        listening = self._listening is not None and not self._listening.done()
        return listening or self.speaker.guard.muted()

    @property
    def speaking(self) -> bool:
        """True from ``say`` until its audio has played (and the echo guard after it)."""
        saying = self._saying is not None and not self._saying.done()
        return saying or self.speaker.guard.muted()

    def can_listen(self, language: str) -> bool:
        """True when there is a microphone and a model for ``language``."""
        return (self.audio_in is not None and language in self.settings.languages
                and self.settings.languages[language].model_path is not None)

    # -- speaking -------------------------------------------------------------------------

    def say(self, text: str, language: str) -> None:
        """Speak ``text`` now, cutting off whatever was being said."""
        if language not in self.settings.languages:
            language = self.settings.default_language
        self.speaker.stop()
        self._saying = spawn(self._say(text, language), "voice", self._post)

    async def _say(self, text: str, language: str) -> bool:
        try:
            return await self.speaker.say(text, language)
        except (SpeechError, AudioError) as exc:
            _LOGGER.error("TECHNICIAN: speech output failed (%s); the screen still shows it", exc)
            return False

    def stop_speaking(self) -> None:
        """A touch: be quiet at once."""
        self.speaker.stop()

    # -- listening ------------------------------------------------------------------------

    def listen(self, state: str, language: str) -> None:
        """Listen for one utterance that fits ``state`` (touch-to-talk or always mode)."""
        if not self.can_listen(language) or state not in SCREEN_INTENTS:
            return
        if self._listening is not None and not self._listening.done():
            return
        self._listening = spawn(self._listen(state, language), "voice", self._post)

    async def _listen(self, state: str, language: str) -> None:
        assert self.audio_in is not None
        phrases = self.parser.phrases_for(SCREEN_INTENTS[state], language)
        try:
            heard = await self.recognizer.listen_once(self.audio_in, phrases, lang=language)
        except (SpeechError, AudioError) as exc:
            _LOGGER.error("TECHNICIAN: voice input failed (%s); touch still works", exc)
            return
        if heard is None:
            return
        intent = self.parser.parse(heard.phrase or heard.text, language)
        _LOGGER.info("heard %r (%s, %.0f) -> %s %s", heard.text, heard.mode, heard.score,
                     intent.name, intent.slots)
        if intent.name == "not_understood" or intent.name not in SCREEN_INTENTS[state]:
            self.say(translate(language, NOT_UNDERSTOOD), language)
            return
        self._post(VoiceIntent(intent.name, dict(intent.slots), heard.text, language))

    async def close(self) -> None:
        """Stop listening and speaking, end the TTS worker."""
        for task in (self._listening, self._saying):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        await self.speaker.close()
        if self.audio_in is not None:
            self.audio_in.close()


def listening_language(voice: VoiceFrontend, visit_language: str,
                       languages: tuple[str, ...]) -> str | None:
    """The visit's language if it has a model, else the first offered language that has one.

    A citizen who has not chosen a language yet may speak any language the kiosk has a
    model for; the intent then switches the visit to it.
    """
    if voice.can_listen(visit_language):
        return visit_language
    return next((lang for lang in languages if voice.can_listen(lang)), None)


_TICKET_WORDS = (
    N_("Your number is {number}."),
    N_("Please go to {counter}."),
    N_("The printer is not working: please remember the number on the screen."),
)


def printer_down_speech(language: str) -> str:
    """Said after the number when the ticket did not come out of the printer."""
    return translate(language, _TICKET_WORDS[2])


def ticket_speech(number: str, counters: tuple[str, ...], printed: bool, language: str) -> str:
    """What the kiosk says when the ticket is ready (numbers are spelled by the normaliser)."""
    number_words, counter_words, no_paper = (translate(language, t) for t in _TICKET_WORDS)
    parts = [number_words.format(number=number)]
    if counters:
        parts.append(counter_words.format(counter=counters[0]))
    if not printed:
        parts.append(no_paper)
    return " ".join(parts)
