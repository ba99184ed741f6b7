"""Understanding: turn what was said (or a transcript) into an intent with slots and a
decision: act, confirm first, or ask back.

Intents and their slots (the names `kiosk ask` prints)::

    take_ticket      service?, procedure?         "cho tôi lấy số làm hộ chiếu"
    ask_procedure    procedure?, service?, topic? "làm hộ chiếu cần giấy tờ gì"
    lookup_dossier   code?                        "hồ sơ số một hai ba bốn năm sáu"
    where_is         place?                       "quầy số 5 ở đâu" -> place=Q5
    queue_status                                  "phải chờ bao lâu"
    declare_priority category?                    "tôi là người cao tuổi"
    redeem_booking                                "tôi có đặt lịch online"
    call_staff                                    "cho tôi gặp nhân viên"
    change_language  language?                    "nói tiếng anh đi"
    yes | no | repeat | slower | back
    not_understood                                anything else

The intent comes from a classifier trained on example sentences and the catalogue
(:mod:`speech.classifier`, :mod:`speech.training`); closed slots (service, procedure,
topic, priority category, named place, language) from smaller classifiers of the same
kind; a counter's number and a dossier code by rule (:mod:`speech.slots`,
:mod:`speech.spoken_digits`). The confidence is the intent's calibrated probability times
that of the slot the action depends on. Then :class:`Policy` decides: below
``clarify`` the kiosk asks back offering at most three intents; an irreversible action (a
ticket for a named field, a priority ticket, a staff call) below ``act`` is confirmed
first; otherwise the kiosk acts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from speech.catalogue import Catalogue
from speech.classifier import PhraseMasker, TextClassifier, train
from speech.slots import counter_code, counter_number
from speech.spoken_digits import DIGIT_WORDS, find_code
from speech.textmatch import clean
from speech.training import (
    INTENTS,
    NONE,
    TRAIN_DIR,
    phrases_by_intent,
    slot_examples,
    training_set,
)

_LOGGER = logging.getLogger(__name__)

NOT_UNDERSTOOD = "not_understood"
#: training sentences that join a screen's grammar for an intent the catalogue has no
#: phrases for (the shortest ones)
SENTENCES_PER_INTENT = 3
#: intents a screen can offer (what ``phrases_for`` accepts)
SCREEN_INTENTS = INTENTS
#: actions that cannot be taken back by "no" once done
IRREVERSIBLE = ("take_ticket", "declare_priority", "call_staff")
#: the slot each intent's action depends on (its probability joins the confidence)
DECISIVE_SLOT = {
    "take_ticket": "service",
    "declare_priority": "category",
    "where_is": "place",
    "change_language": "language",
    "ask_procedure": "procedure",
}


@dataclass(frozen=True)
class Policy:
    """Confidence cut-offs (0..1) for acting, confirming and asking back."""

    act: float = 0.8
    """An irreversible action below this is confirmed first."""
    clarify: float = 0.45
    """Below this the kiosk asks back (at most three choices) instead of acting."""
    slot: float = 0.5
    """A slot value less likely than this is left out (the kiosk then asks for it)."""


@dataclass(frozen=True)
class Intent:
    """What the citizen wants, how sure we are, and what to do about it.

    ``decision`` is ``act``, ``confirm`` (ask "..., right?" first), ``clarify`` (offer
    ``choices``) or ``reject`` (not understood: back to touch with a hint).
    """

    name: str
    slots: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    decision: str = "reject"
    choices: tuple[str, ...] = ()

    @property
    def score(self) -> float:
        """Confidence in percent (0..100), for logs."""
        return round(self.confidence * 100, 1)

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict (for `kiosk ask` and logs); ``intent`` and ``slots`` are stable."""
        return {
            "intent": self.name,
            "slots": self.slots,
            "confidence": round(self.confidence, 3),
            "decision": self.decision,
            "choices": list(self.choices),
        }


def irreversible(name: str, slots: dict[str, str]) -> bool:
    """True when acting on this intent cannot be taken back by "no" (a ticket for a named
    field, a priority ticket, a staff call)."""
    if name == "take_ticket":
        return "service" in slots  # without one the kiosk asks which field
    if name == "declare_priority":
        return "category" in slots  # without one it shows the categories
    return name in IRREVERSIBLE


class _Models:
    """The trained classifiers of one language."""

    def __init__(self, catalogue: Catalogue, lang: str, train_dir: Path) -> None:
        examples = training_set(catalogue, lang, train_dir)
        names = [
            phrase
            for service in catalogue.services
            for phrases in (service.names, *(p.phrases for p in service.procedures))
            for phrase in phrases.get(lang, ())
        ]
        self.intent = train(
            lang, "intent", ((e.text, e.intent) for e in examples), masker=PhraseMasker(names, lang)
        )
        self.slots: dict[str, TextClassifier] = {
            name: train(lang, name, pairs)
            for name, pairs in slot_examples(examples, catalogue).items()
            if pairs
        }
        self.phrases: dict[str, list[str]] = {}
        for example in examples:
            self.phrases.setdefault(example.intent, []).append(clean(example.text, lang))
        self.catalogue_phrases = {
            intent: [clean(p, lang) for p in said]
            for intent, said in phrases_by_intent(catalogue, lang).items()
        }

    def slot(self, name: str, text: str) -> tuple[str, float]:
        classifier = self.slots.get(name)
        if classifier is None:
            return NONE, 0.0
        best = classifier.best(text)
        return best.label, best.probability


class IntentParser:
    """Parses utterances of any configured language; trains each language on first use."""

    def __init__(
        self,
        catalogue: Catalogue,
        cutoff: float = 80.0,
        *,
        counter_prefix: str = "Q",
        priority_categories: Iterable[str] | None = None,
        train_dir: Path = TRAIN_DIR,
        policy: Policy | None = None,
    ) -> None:
        """``cutoff`` (percent) is the confidence at which an irreversible action is taken
        without a confirmation; ``priority_categories`` the codes central accepts (None:
        any); ``counter_prefix`` makes counter 5 the place ``Q5``."""
        self._catalogue = catalogue
        base = policy or Policy()
        self.policy = Policy(act=cutoff / 100.0, clarify=base.clarify, slot=base.slot)
        self.counter_prefix = counter_prefix
        self.priority_categories = (
            frozenset(priority_categories) if priority_categories is not None else None
        )
        self._train_dir = train_dir
        self._models: dict[str, _Models | None] = {}
        """None for a language there is nothing to learn from (no sentence, no phrase)."""
        self._lock = threading.Lock()
        self._service_of = {p.code: p.service for p in catalogue.procedures}

    def warm(self, lang: str) -> None:
        """Train ``lang``'s classifiers now (the first parse would otherwise do it)."""
        self._models_for(lang)

    def _models_for(self, lang: str) -> _Models | None:
        with self._lock:
            if lang not in self._models:
                try:
                    self._models[lang] = _Models(self._catalogue, lang, self._train_dir)
                except ValueError as exc:  # found by tests/kiosk/test_fuzz.py: it retrained
                    # and raised on every utterance of such a language
                    _LOGGER.error(
                        "TECHNICIAN: nothing to understand %s from (no training "
                        "sentences, no catalogue phrases): %s",
                        lang,
                        exc,
                    )
                    self._models[lang] = None
            return self._models[lang]

    def parse(self, text: str, lang: str) -> Intent:
        """The intent in ``text`` spoken in ``lang``, with slots, confidence and decision."""
        cleaned = clean(text, lang)
        if not cleaned:
            return Intent(NOT_UNDERSTOOD)
        models = self._models_for(lang)
        if models is None:
            return Intent(NOT_UNDERSTOOD)
        ranked = models.intent.rank(text)
        top = ranked[0]
        choices = tuple(
            r.label for r in ranked if r.label != NOT_UNDERSTOOD and r.probability >= 0.1
        )[:3]
        if top.label == NOT_UNDERSTOOD:
            _LOGGER.debug("not understood (%s): %r %s", lang, text, ranked[:3])
            return Intent(
                NOT_UNDERSTOOD, {}, top.probability, "clarify" if choices else "reject", choices
            )
        slots, slot_p = self._slots(models, top.label, text, cleaned, lang)
        confidence = top.probability * slot_p
        policy = self.policy
        if confidence < policy.clarify:
            decision = "clarify"
        elif confidence < policy.act and irreversible(top.label, slots):
            decision = "confirm"
        else:
            decision = "act"
        return Intent(
            top.label, slots, confidence, decision, choices if decision == "clarify" else ()
        )

    def _slots(
        self, models: _Models, name: str, text: str, cleaned: str, lang: str
    ) -> tuple[dict[str, str], float]:
        """Slots for intent ``name`` and the probability of the decisive one (1 if none)."""
        floor = self.policy.slot
        slots: dict[str, str] = {}
        sure = 1.0
        if name in ("take_ticket", "ask_procedure"):
            procedure, p_procedure = models.slot("procedure", text)
            service, p_service = models.slot("service", text)
            if procedure != NONE and p_procedure >= floor:
                # the procedure names its service; both classifiers agreeing adds up
                slots["procedure"] = procedure
                agreed = service == self._service_of.get(procedure)
                service = self._service_of.get(procedure, service)
                p_service = max(p_service, p_procedure) if agreed else p_procedure
            if service != NONE and p_service >= floor:
                slots["service"] = service
                sure = p_service
            if name == "ask_procedure":
                topic, p_topic = models.slot("topic", text)
                if p_topic >= floor * 0.6:
                    slots["topic"] = topic
        elif name == "where_is":
            number = counter_number(text, lang)
            if number is not None:
                slots["place"] = counter_code(number, self.counter_prefix)
            else:
                place, p_place = models.slot("place", text)
                if place not in (NONE, "counter") and p_place >= floor:
                    slots["place"], sure = place, p_place
        elif name == "declare_priority":
            category, p_category = models.slot("category", text)
            allowed = self.priority_categories
            if (
                category != NONE
                and p_category >= floor
                and (allowed is None or category in allowed)
            ):
                slots["category"], sure = category, p_category
        elif name == "change_language":
            language, p_language = models.slot("language", text)
            if language != NONE and p_language >= floor:
                slots["language"], sure = language, p_language
        elif name == "lookup_dossier":
            code = find_code(cleaned, lang)
            if code:
                slots["code"] = code
        return slots, sure

    def phrases_for(self, screen_intents: Iterable[str], lang: str) -> list[str]:
        """The phrases of a grammar for a screen offering ``screen_intents``: the catalogue
        phrases of those intents, their shortest training sentences, and digit words where a
        code or a counter number may be said. Kept small on purpose: vosk turns a grammar
        into a bigram model, and hundreds of phrases let it stitch any sound into words."""
        wanted = set(screen_intents)
        unknown = wanted - set(SCREEN_INTENTS)
        if unknown:
            raise ValueError(
                f"unknown screen intent(s) {sorted(unknown)}; known: {', '.join(SCREEN_INTENTS)}"
            )
        models = self._models_for(lang)
        if models is None:
            return []
        phrases: list[str] = []
        for intent in SCREEN_INTENTS:
            if intent in wanted:
                known = models.catalogue_phrases.get(intent, [])
                phrases.extend(known)
                if not known:  # an intent the catalogue has no words for: its shortest
                    sentences = sorted(set(models.phrases.get(intent, ())), key=len)
                    phrases.extend(sentences[:SENTENCES_PER_INTENT])
        if "lookup_dossier" in wanted:
            phrases.extend(DIGIT_WORDS.get(lang, ()))
            phrases.extend(NUMBER_WORDS.get(lang, ()))
        return list(dict.fromkeys(p for p in phrases if p))


#: number words a counter number is said with, beside the digit words of
#: :data:`speech.spoken_digits.DIGIT_WORDS` (the one source of digit words)
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "vi": ("mười", "số"),
    "en": ("ten", "eleven", "twelve", "number"),
    "ko": ("십", "번"),
}
