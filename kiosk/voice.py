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
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.audio import open_audio_in, open_audio_out
from drivers.audio.base import AudioError, AudioIn
from kiosk.events import KioskEvent, VoiceIntent
from kiosk.screen.i18n import translate
from kiosk.screen.texts import N_, counter_list, short_field
from kiosk.tasks import spawn
from kiosk.voice_dialogue import (
    VoiceContext,
    clarifying_question,
    confirmation,
    question_for,
)
from speech.errors import SpeechError
from speech.settings import SpeechSettings

if TYPE_CHECKING:
    from speech.intents import Intent, IntentParser
    from speech.recognizer import Recognizer
    from speech.tts import Speaker

_LOGGER = logging.getLogger(__name__)

#: what a citizen may say in each state of the flow (everything else is not understood)
_DOOR = ("take_ticket", "where_is", "queue_status", "declare_priority", "redeem_booking",
         "call_staff", "change_language")
SCREEN_INTENTS: dict[str, tuple[str, ...]] = {
    "idle": _DOOR,
    "menu": (*_DOOR, "back"),
    "procedure_info": ("ask_procedure", "take_ticket", "repeat", "call_staff", "back"),
    "dossier_lookup": ("lookup_dossier", "repeat", "call_staff", "back"),
    "choose_service": ("take_ticket", "declare_priority", "where_is", "call_staff",
                       "change_language", "repeat", "slower", "back"),
    "choose_priority": ("declare_priority", "no", "call_staff", "repeat", "slower", "back"),
    "booking": ("call_staff", "repeat", "slower", "back"),
    "help": ("repeat", "slower", "back"),
    "ticket_ready": ("repeat", "slower", "yes", "no", "call_staff", "where_is", "queue_status"),
}
#: below this confidence a complete phrase does not end the utterance early
EARLY_CONFIDENCE = 0.8

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
        self.catalogue = load_catalogue(catalogue_path)
        self.parser: IntentParser = IntentParser(self.catalogue, cutoff=settings.snap_cutoff)
        self.context = VoiceContext()
        #: the display name of a priority category (central's names, set by the daemon)
        self.category_name: Callable[[str], str] = lambda code: code
        #: what the daemon will say for an intent it answers aloud (where_is,
        #: queue_status), or None; read while the citizen's trailing silence runs out
        self.preview: Callable[[Intent, str], str | None] = lambda intent, language: None
        #: the intent-level question back, with its choices (the daemon shows them)
        self.on_clarify: Callable[[tuple[str, ...], str], None] = lambda choices, lang: None
        self._warming: asyncio.Task[None] | None = None
        self._saying: asyncio.Task[Any] | None = None
        self._listening: asyncio.Task[Any] | None = None
        #: utterances the recogniser has heard (whatever they meant)
        self.heard = 0

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
        pending = self.context.pending()
        allowed = SCREEN_INTENTS[state] + (("yes", "no") if pending else ())
        phrases = await asyncio.to_thread(self.parser.phrases_for, allowed, language)

        from speech.intents import irreversible  # the voice extra, loaded by __init__

        def confident(text: str) -> bool:
            # an early end never leads to an irreversible action: a partial result can
            # be a whole phrase of the grammar that the rest of the audio would change
            got = self.parser.parse(text, language)
            return (got.decision == "act" and got.confidence >= EARLY_CONFIDENCE
                    and got.name in allowed and not irreversible(got.name, got.slots))

        guess: asyncio.Future[Intent] | None = None

        def speculate(text: str) -> None:
            # the citizen went quiet: understand what was heard so far and synthesise the
            # answer while the rest of the trailing silence is listened to
            nonlocal guess
            guess = asyncio.ensure_future(self._guess(text, state, language))

        try:
            heard = await self.recognizer.listen_once(
                self.audio_in, phrases, lang=language, early=confident, speculate=speculate
            )
        except (SpeechError, AudioError) as exc:
            _LOGGER.error("TECHNICIAN: voice input failed (%s); touch still works", exc)
            return
        if heard is None:
            return
        self.heard += 1
        self.stop_speaking()  # the citizen spoke: the kiosk stops talking (barge-in)
        # the classifier reads what was heard: snapping first would turn a near miss into a
        # confident wrong phrase ("번호 더" -> "번호판", a licence plate)
        if heard.speculated and guess is not None:
            intent = await guess  # the final result is what was understood in the silence
        else:
            intent = await asyncio.to_thread(self.parser.parse, heard.text, language)
        if intent.decision == "act" and heard.stitched and irreversible(intent.name,
                                                                         intent.slots):
            intent = replace(intent, decision="confirm")  # ask before a gamble
        _LOGGER.info("heard %r (%s, early %s) -> %s %s %.2f %s", heard.text, heard.mode,
                     heard.ended_early, intent.name, intent.slots, intent.confidence,
                     intent.decision)
        self.decide(intent, state, language, heard.text)

    async def _guess(self, text: str, state: str, language: str) -> Intent:
        """Understand ``text`` and start synthesising what the kiosk would answer."""
        intent = await asyncio.to_thread(self.parser.parse, text, language)
        spoken = self.would_say(intent, state, language)
        if spoken and intent.decision == "act":  # a doubtful guess is not worth the worker
            self.speaker.prepare(spoken, language)
        return intent

    def would_say(self, intent: Intent, state: str, language: str) -> str | None:
        """What :meth:`decide` will say first for ``intent`` (None: nothing known yet)."""
        pending = self.context.pending()
        if pending is not None and intent.name in ("yes", "no"):
            return None
        allowed = SCREEN_INTENTS.get(state, ())
        choices = tuple(c for c in intent.choices if c in allowed)[:3]
        if intent.decision == "clarify" and choices:
            return question_for(choices, language)
        if intent.name not in allowed or intent.decision not in ("act", "confirm"):
            return translate(language, NOT_UNDERSTOOD)
        if intent.decision == "confirm":
            return confirmation(intent, language, self.catalogue, self.category_name)
        return self.preview(intent, language)

    def decide(self, intent: Intent, state: str, language: str, transcript: str = "") -> None:
        """Act on what was understood: carry it out, confirm it first, or ask back."""
        pending = self.context.pending()
        same = pending is not None and (intent.name, intent.slots) == (
            pending.intent.name, pending.intent.slots)  # saying it again means yes
        # a yes or no too unsure to act on ("범죄 니다" heard as yes at 0.21) answers
        # nothing: the question stays open and the citizen is asked again
        answer = intent.name in ("yes", "no") and intent.decision in ("act", "confirm")
        if pending is not None and (answer or same):
            self.context.answered()
            if intent.name == "yes" or same:
                chosen = pending.intent
                self._post(VoiceIntent(chosen.name, dict(chosen.slots), transcript, language))
            else:
                from speech.intents import Intent  # the voice extra, loaded by __init__

                self.say(clarifying_question(Intent("no"), language), language)
            return
        allowed = SCREEN_INTENTS.get(state, ())
        if intent.decision == "clarify":  # offer what this screen can do, at most three
            choices = tuple(c for c in intent.choices if c in allowed)[:3]
            if choices:
                self.say(question_for(choices, language), language)
                self.on_clarify(choices, language)
                return
        if intent.name not in allowed or intent.decision not in ("act", "confirm"):
            self.say(translate(language, NOT_UNDERSTOOD), language)
            return
        if intent.decision == "confirm":
            self.context.ask(intent, language)
            self.say(confirmation(intent, language, self.catalogue, self.category_name),
                     language)
            return
        self.context.last = intent
        self._post(VoiceIntent(intent.name, dict(intent.slots), transcript, language))

    def warm(self, language: str) -> None:
        """Train the language's classifiers and load its model behind the first screen."""
        if not self.can_listen(language):
            return
        self._warming = spawn(self._warm(language), "voice", self._post)

    async def _warm(self, language: str) -> None:
        phrases = await asyncio.to_thread(self.parser.phrases_for, SCREEN_INTENTS["idle"],
                                          language)
        await self.recognizer.warm(phrases, language)

    async def close(self) -> None:
        """Stop listening and speaking, end the TTS worker."""
        for task in (self._listening, self._saying, self._warming):
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
    N_("Please wait in the waiting area for {field}; your number will be called at "
       "{counters}."),
)


def printer_down_speech(language: str) -> str:
    """Said after the number when the ticket did not come out of the printer."""
    return translate(language, _TICKET_WORDS[2])


def ticket_speech(number: str, counters: tuple[str, ...], printed: bool, language: str,
                  field: str = "") -> str:
    """What the kiosk says when the ticket is ready (numbers are spelled by the normaliser):
    the one counter that serves the field, or, when several may call the number, the
    field's waiting area and those counters (never just the first of them)."""
    number_words, counter_words, no_paper, area_words = (
        translate(language, t) for t in _TICKET_WORDS)
    parts = [number_words.format(number=number)]
    if len(counters) == 1 or (counters and not field):
        parts.append(counter_words.format(counter=counters[0]))
    elif counters:
        parts.append(area_words.format(field=short_field(field),
                                       counters=counter_list(language, counters)))
    if not printed:
        parts.append(no_paper)
    return " ".join(parts)
