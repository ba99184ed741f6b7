"""Understanding: turn what was said (or a transcript) into an intent with slots.

Intents and their slots::

    take_ticket      service                      "tôi muốn làm hộ chiếu"
    ask_procedure    topic, procedure?, service?  "lệ phí đổi bằng lái bao nhiêu"
    lookup_dossier   code?                        "tra cứu hồ sơ một hai ba bốn năm sáu"
    yes | no | repeat | slower | help | back
    change_language  language?                    "nói tiếng anh đi"
    not_understood                                anything below the cut-off -> back to touch

Rules, in order: a dossier code with a look-up phrase (or alone) is a look-up; a known
service or procedure with a topic is a question, without one a ticket; then commands;
below the cut-off, not understood. The scoring is :mod:`speech.textmatch` (rapidfuzz).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from speech.catalogue import COMMANDS, Catalogue
from speech.spoken_digits import DIGIT_WORDS, find_code
from speech.textmatch import SHORT_PHRASE, Prepared, clean, score, weight

_LOGGER = logging.getLogger(__name__)

#: a command ("có", "yes") or a lone topic ("where") inside a long sentence is probably
#: not meant as one:
#: below this share of the utterance its score drops by COVERAGE_PENALTY per missing share
COMMAND_COVERAGE = 0.5
COVERAGE_PENALTY = 100.0
#: a question with no service ("how much?") is weak evidence: it must score this much higher
LONE_TOPIC_MARGIN = 10.0

NOT_UNDERSTOOD = "not_understood"
#: intents a screen can offer (what ``phrases_for`` accepts)
SCREEN_INTENTS = ("take_ticket", "ask_procedure", "lookup_dossier", *COMMANDS)


@dataclass(frozen=True)
class Intent:
    """What the citizen wants. ``score`` is 0..100; ``matched`` the catalogue phrase used."""

    name: str
    slots: dict[str, str] = field(default_factory=dict)
    score: float = 0.0
    matched: str = ""

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict (for `kiosk ask` and logs)."""
        return {
            "intent": self.name,
            "slots": self.slots,
            "score": round(self.score, 1),
            "matched": self.matched,
        }


@dataclass(frozen=True)
class _Entry:
    phrase: str
    prepared: Prepared
    group: str  # "service", "topic", "lookup", "command", "language"
    value: str  # service code, topic, command name or language code
    procedure: str = ""


@dataclass(frozen=True)
class _Hit:
    entry: _Entry
    score: float


class IntentParser:
    """Parses utterances against a catalogue; one instance serves all languages."""

    def __init__(self, catalogue: Catalogue, cutoff: float = 80.0) -> None:
        """``cutoff`` is the lowest score (0..100) that counts as understood."""
        self._catalogue = catalogue
        self._cutoff = cutoff
        self._entries: dict[str, list[_Entry]] = {}

    def _entries_for(self, lang: str) -> list[_Entry]:
        if lang not in self._entries:
            self._entries[lang] = list(self._build(lang))
        return self._entries[lang]

    def _build(self, lang: str) -> Iterable[_Entry]:
        def entry(phrase: str, group: str, value: str, procedure: str = "") -> _Entry:
            return _Entry(phrase, Prepared.of(phrase, lang), group, value, procedure)

        cat = self._catalogue
        for service in cat.services:
            default_procedure = service.procedures[0].code if service.procedures else ""
            for phrase in service.names.get(lang, ()):
                yield entry(phrase, "service", service.code, default_procedure)
            for procedure in service.procedures:
                for phrase in procedure.phrases.get(lang, ()):
                    yield entry(phrase, "service", service.code, procedure.code)
        for topic, phrases in cat.topics.items():
            for phrase in phrases.get(lang, ()):
                yield entry(phrase, "topic", topic)
        for phrase in cat.lookup.get(lang, ()):
            yield entry(phrase, "lookup", "lookup_dossier")
        for command, phrases in cat.commands.items():
            for phrase in phrases.get(lang, ()):
                yield entry(phrase, "command", command)
        for code, phrases in cat.languages.items():
            for phrase in phrases.get(lang, ()):
                yield entry(phrase, "language", code)

    def _best(
        self, heard: Prepared, lang: str, groups: tuple[str, ...] | None = None
    ) -> dict[str, _Hit]:
        best: dict[str, _Hit] = {}
        for entry in self._entries_for(lang):
            if groups is not None and entry.group not in groups:
                continue
            value = score(entry.prepared, heard)
            # a topic on its own ("where") is as loose as a command; after a service it is not
            if entry.group == "command" or (entry.group == "topic" and groups is None):
                coverage = weight(entry.prepared.folded) / max(1, weight(heard.folded))
                value -= max(0.0, COMMAND_COVERAGE - coverage) * COVERAGE_PENALTY
            current = best.get(entry.group)
            # ties go to the longer phrase: it explains more of what was said
            if current is None or (value, len(entry.phrase)) > (
                current.score,
                len(current.entry.phrase),
            ):
                best[entry.group] = _Hit(entry, value)
        return best

    def parse(self, text: str, lang: str) -> Intent:
        """The intent in ``text`` spoken in ``lang``; ``not_understood`` below the cut-off."""
        heard = Prepared.of(text, lang)
        if not heard.nfc:
            return Intent(NOT_UNDERSTOOD)
        hits = self._best(heard, lang)
        cut = self._cutoff

        def good(group: str) -> _Hit | None:
            hit = hits.get(group)
            return hit if hit is not None and hit.score >= cut else None

        service, lookup = good("service"), good("lookup")
        if service:
            # what is asked about must come from the rest of the sentence: "gia hạn" must not
            # read as "giá" (a fee) once its diacritics are folded
            rest = _without(heard, service.entry.prepared, lang)
            hits["topic"] = self._best(rest, lang, ("topic",)).get(
                "topic", _Hit(service.entry, 0.0)
            )
        topic = good("topic")
        command, language = good("command"), good("language")
        code = find_code(clean(text, lang), lang)
        if code and (lookup or not (service or topic)):
            matched = lookup.entry.phrase if lookup else ""
            return Intent(
                "lookup_dossier", {"code": code}, lookup.score if lookup else 100.0, matched
            )
        if lookup and not service:
            return Intent("lookup_dossier", {}, lookup.score, lookup.entry.phrase)
        if service:
            entry = service.entry
            if topic:
                slots = {"topic": topic.entry.value, "service": entry.value}
                if entry.procedure:
                    slots["procedure"] = entry.procedure
                return Intent("ask_procedure", slots, min(service.score, topic.score), entry.phrase)
            return Intent("take_ticket", {"service": entry.value}, service.score, entry.phrase)
        if language:
            return Intent(
                "change_language",
                {"language": language.entry.value},
                language.score,
                language.entry.phrase,
            )
        if command and (not topic or command.score >= topic.score):
            return Intent(command.entry.value, {}, command.score, command.entry.phrase)
        if topic and topic.score >= cut + LONE_TOPIC_MARGIN:
            return Intent(
                "ask_procedure", {"topic": topic.entry.value}, topic.score, topic.entry.phrase
            )
        best = max((h.score for h in hits.values()), default=0.0)
        _LOGGER.debug("not understood (%s): %r best %.0f", lang, text, best)
        return Intent(NOT_UNDERSTOOD, {}, best, "")

    def phrases_for(self, screen_intents: Iterable[str], lang: str) -> list[str]:
        """Every phrase that makes sense on a screen offering ``screen_intents``, for a grammar.

        ``take_ticket``/``ask_procedure`` bring service and procedure phrases (and topics for
        questions), ``lookup_dossier`` the look-up phrases and digit words, a command its
        phrases, ``change_language`` also the language names.
        """
        wanted = set(screen_intents)
        unknown = wanted - set(SCREEN_INTENTS)
        if unknown:
            raise ValueError(
                f"unknown screen intent(s) {sorted(unknown)}; known: {', '.join(SCREEN_INTENTS)}"
            )
        groups: set[str] = set()
        if wanted & {"take_ticket", "ask_procedure"}:
            groups.add("service")
        if "ask_procedure" in wanted:
            groups.add("topic")
        if "lookup_dossier" in wanted:
            groups.add("lookup")
        if "change_language" in wanted:
            groups.add("language")
        phrases: list[str] = []
        for entry in self._entries_for(lang):
            if entry.group in groups or (entry.group == "command" and entry.value in wanted):
                phrases.append(clean(entry.phrase, lang))
        if "lookup_dossier" in wanted:
            phrases.extend(DIGIT_WORDS.get(lang, ()))
        return list(dict.fromkeys(phrases))


def _without(text: Prepared, phrase: Prepared, lang: str) -> Prepared:
    """``text`` with the part that matched ``phrase`` cut out (folding keeps positions)."""
    folded = text.folded
    if len(folded) != len(text.nfc):  # a character that folds to two: do not cut
        return text
    if weight(phrase.folded) < SHORT_PHRASE or len(phrase.folded) >= len(folded):
        start = folded.find(phrase.folded)
        if start < 0:
            return Prepared.of("", lang) if len(phrase.folded) >= len(folded) else text
        end = start + len(phrase.folded)
    else:
        alignment = fuzz.partial_ratio_alignment(phrase.folded, folded)
        if alignment is None:
            return text
        start, end = alignment.dest_start, alignment.dest_end
    return Prepared.of(text.nfc[:start] + " " + text.nfc[end:], lang)
