"""Training data for the intent and slot classifiers: shipped examples plus the catalogue.

Two sources, per language:

1. ``speech/data/train/<lang>.tsv`` — sentences as citizens say them, each with its intent
   and slots (``utterance<TAB>intent<TAB>key=value,...``);
2. the catalogue (:mod:`speech.catalogue`) — every service name, procedure phrase, topic,
   command, language name and look-up phrase becomes an example, so a service added to
   the catalogue is understood without new sentences.

The held-out sentences in ``tests/speech/data/heldout`` are never read here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from speech.catalogue import Catalogue

_LOGGER = logging.getLogger(__name__)

TRAIN_DIR = Path(__file__).resolve().parent / "data" / "train"
NONE = "none"
#: the intents `kiosk ask` reports (plus ``not_understood``)
INTENTS = (
    "take_ticket",
    "ask_procedure",
    "lookup_dossier",
    "where_is",
    "queue_status",
    "declare_priority",
    "redeem_booking",
    "call_staff",
    "change_language",
    "yes",
    "no",
    "repeat",
    "slower",
    "back",
)
#: the catalogue's topic and command names, where the intents name them differently
TOPIC_NAMES = {"where": "where_to_file", "overview": "steps"}
COMMAND_INTENTS = {"help": "call_staff"}
#: a few ways a citizen wraps a service name when asking for a ticket or a procedure
_TICKET_CARRIERS = {
    "vi": ("{}", "tôi muốn {}", "lấy số {}"),
    "en": ("{}", "i need {}", "ticket for {}"),
    "ko": ("{}", "{} 하고 싶어요", "{} 번호표"),
}
_QUESTION_CARRIERS = {"vi": "{p} {t}", "en": "{t} {p}", "ko": "{p} {t}"}


@dataclass(frozen=True)
class Example:
    """One labelled sentence."""

    text: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


def parse_line(line: str, where: str) -> Example | None:
    """One TSV line as an Example (None for comments and blank lines); ValueError names it."""
    if not line.strip() or line.startswith("#"):
        return None
    parts = line.rstrip("\n").split("\t")
    if len(parts) < 2 or not parts[0].strip():
        raise ValueError(f"{where}: expected utterance<TAB>intent[<TAB>slots], got {line!r}")
    intent = parts[1].strip()
    if intent not in (*INTENTS, "not_understood"):
        raise ValueError(f"{where}: unknown intent {intent!r}")
    slots: dict[str, str] = {}
    if len(parts) > 2 and parts[2].strip():
        for pair in parts[2].split(","):
            key, sep, value = pair.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise ValueError(f"{where}: bad slot {pair!r} (want key=value)")
            slots[key.strip()] = value.strip()
    return Example(parts[0].strip(), intent, slots)


def read_examples(path: Path) -> list[Example]:
    """Every example in a TSV file."""
    examples = []
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            example = parse_line(line, f"{path}:{number}")
            if example is not None:
                examples.append(example)
    return examples


def catalogue_examples(catalogue: Catalogue, lang: str) -> list[Example]:
    """Examples made from the catalogue's phrases for ``lang``."""
    examples: list[Example] = []
    carriers = _TICKET_CARRIERS.get(lang, ("{}",))
    question = _QUESTION_CARRIERS.get(lang, "{p} {t}")
    topics = {
        TOPIC_NAMES.get(name, name): phrases.get(lang, ())
        for name, phrases in catalogue.topics.items()
    }
    for service in catalogue.services:
        for index, phrase in enumerate(service.names.get(lang, ())):
            carrier = carriers[index % len(carriers)]
            examples.append(
                Example(carrier.format(phrase), "take_ticket", {"service": service.code})
            )
        for procedure in service.procedures:
            slots = {"service": service.code, "procedure": procedure.code}
            phrases = procedure.phrases.get(lang, ())
            for index, phrase in enumerate(phrases):
                carrier = carriers[index % len(carriers)]
                examples.append(Example(carrier.format(phrase), "take_ticket", slots))
            for index, (topic, topic_phrases) in enumerate(sorted(topics.items())):
                if not phrases or not topic_phrases:
                    continue
                text = question.format(
                    p=phrases[index % len(phrases)], t=topic_phrases[index % len(topic_phrases)]
                )
                examples.append(Example(text, "ask_procedure", {**slots, "topic": topic}))
    for phrase in catalogue.lookup.get(lang, ()):
        examples.append(Example(phrase, "lookup_dossier"))
    for command, said in catalogue.commands.items():
        intent = COMMAND_INTENTS.get(command, command)
        for phrase in said.get(lang, ()):
            examples.append(Example(phrase, intent))
    for code, names in catalogue.languages.items():
        for phrase in names.get(lang, ()):
            examples.append(Example(phrase, "change_language", {"language": code}))
    return examples


def catalogue_phrases(catalogue: Catalogue, lang: str) -> list[str]:
    """Every phrase the catalogue has for ``lang``, as written."""
    groups = [s.names for s in catalogue.services]
    groups += [p.phrases for p in catalogue.procedures]
    groups += [*catalogue.topics.values(), *catalogue.commands.values()]
    groups += [*catalogue.languages.values(), catalogue.lookup]
    return list(dict.fromkeys(phrase for group in groups for phrase in group.get(lang, ())))


def phrases_by_intent(catalogue: Catalogue, lang: str) -> dict[str, list[str]]:
    """The catalogue's phrases for ``lang`` grouped by the intent they express."""
    names = [s.names for s in catalogue.services] + [p.phrases for p in catalogue.procedures]
    result: dict[str, list[str]] = {
        "take_ticket": [p for group in names for p in group.get(lang, ())],
        "ask_procedure": [p for t in catalogue.topics.values() for p in t.get(lang, ())],
        "lookup_dossier": list(catalogue.lookup.get(lang, ())),
        "change_language": [p for n in catalogue.languages.values() for p in n.get(lang, ())],
    }
    result["ask_procedure"] += result["take_ticket"]
    for command, said in catalogue.commands.items():
        result.setdefault(COMMAND_INTENTS.get(command, command), []).extend(said.get(lang, ()))
    return result


def training_set(catalogue: Catalogue, lang: str, train_dir: Path = TRAIN_DIR) -> list[Example]:
    """The shipped examples for ``lang`` and those made from the catalogue."""
    path = train_dir / f"{lang}.tsv"
    shipped = read_examples(path) if path.is_file() else []
    if not shipped:
        _LOGGER.warning("no training sentences for %s in %s: catalogue phrases only", lang, path)
    return shipped + catalogue_examples(catalogue, lang)


def slot_examples(
    examples: list[Example], catalogue: Catalogue
) -> dict[str, list[tuple[str, str]]]:
    """Per slot classifier (service, procedure, topic, category, place, language): pairs."""
    service_of = {p.code: p.service for p in catalogue.procedures}
    sets: dict[str, list[tuple[str, str]]] = {
        name: [] for name in ("service", "procedure", "topic", "category", "place", "language")
    }
    for example in examples:
        slots = example.slots
        if example.intent in ("take_ticket", "ask_procedure"):
            service = slots.get("service") or service_of.get(slots.get("procedure", ""), NONE)
            sets["service"].append((example.text, service))
            if "procedure" in slots or service == NONE:
                sets["procedure"].append((example.text, slots.get("procedure", NONE)))
            if example.intent == "ask_procedure" and "topic" in slots:
                sets["topic"].append(
                    (example.text, TOPIC_NAMES.get(slots["topic"], slots["topic"]))
                )
        elif example.intent == "declare_priority":
            sets["category"].append((example.text, slots.get("category", NONE)))
        elif example.intent == "where_is":
            place = slots.get("place", NONE)
            sets["place"].append((example.text, "counter" if place[:1] == "Q" else place))
        elif example.intent == "change_language":
            sets["language"].append((example.text, slots.get("language", NONE)))
    return sets
