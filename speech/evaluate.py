"""Scoring the intent parser on labelled sentences: what `bench/intents_heldout.py` reports.

Per intent precision and recall of the top intent; and, separately, what the kiosk would
*do*: act right, act wrong (a ticket for the wrong field, a wrong priority, a staff call
nobody asked for, or any action on an out-of-domain sentence), confirm first, or ask back.
A wrong action is worse than a question back, so it is its own figure:

- ``wrong_action_rate``: the kiosk did something that cannot be taken back (a ticket for
  a field, a priority ticket, a staff call) without asking, and it was not what was meant;
- ``wrong_answer_rate``: it answered or moved to a screen that was not meant, without
  asking (undone by "back", but a miss).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from speech.intents import DECISIVE_SLOT, NOT_UNDERSTOOD, Intent, IntentParser, irreversible
from speech.training import Example

_LOGGER = logging.getLogger(__name__)
#: slots compared besides the decisive one
_ALSO_COMPARED = {"ask_procedure": ("topic",), "lookup_dossier": ("code",)}


def correct(got: Intent, want: Example) -> bool:
    """Same intent and the same values for the slots that intent's action depends on.

    A question labelled only with its service (older training lines) accepts any
    procedure of that service.
    """
    if got.name != want.intent:
        return False
    keys = [DECISIVE_SLOT.get(want.intent, ""), *_ALSO_COMPARED.get(want.intent, ())]
    if want.intent == "ask_procedure" and "procedure" not in want.slots:
        keys[0] = "service"
    return all(got.slots.get(key) == want.slots.get(key) for key in keys if key)


@dataclass
class Report:
    """Counts over one language's sentences; :meth:`as_json` gives the rates."""

    lang: str
    total: int = 0
    right: int = 0
    acted_right: int = 0
    acted_wrong: int = 0
    irreversible_wrong: int = 0
    confirmed: int = 0
    confirmed_wrong: int = 0
    asked_back: int = 0
    per_intent: dict[str, Counter[str]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, want: Example, got: Intent) -> None:
        """Count one sentence."""
        self.total += 1
        ok = correct(got, want)
        self.right += ok
        for name, kind in ((want.intent, "support"), (got.name, "predicted")):
            self.per_intent.setdefault(name, Counter())[kind] += 1
        if got.name == want.intent:
            self.per_intent[want.intent]["hit"] += 1
        acts = got.decision == "act" and got.name != NOT_UNDERSTOOD
        if acts:
            self.acted_right += ok
            self.acted_wrong += not ok
            self.irreversible_wrong += not ok and irreversible(got.name, got.slots)
        elif got.decision == "confirm":
            self.confirmed += 1
            self.confirmed_wrong += not ok
        elif want.intent != NOT_UNDERSTOOD or got.name != NOT_UNDERSTOOD:
            self.asked_back += 1
        if not ok:
            self.misses.append(
                f"{want.text!r}: want {want.intent} {want.slots}, got {got.name} {got.slots}"
                f" {got.decision} {got.confidence:.2f}"
            )

    def as_json(self) -> dict[str, object]:
        """Rates (0..1) and per-intent precision/recall."""
        n = max(1, self.total)
        per_intent = {}
        for name, counts in sorted(self.per_intent.items()):
            per_intent[name] = {
                "precision": round(counts["hit"] / counts["predicted"], 3)
                if counts["predicted"]
                else None,
                "recall": round(counts["hit"] / counts["support"], 3)
                if counts["support"]
                else None,
                "support": counts["support"],
            }
        return {
            "sentences": self.total,
            "intent_and_slots_correct": round(self.right / n, 3),
            "acted_correctly": round(self.acted_right / n, 3),
            "wrong_action_rate": round(self.irreversible_wrong / n, 3),
            "wrong_answer_rate": round((self.acted_wrong - self.irreversible_wrong) / n, 3),
            "confirmed_first": round(self.confirmed / n, 3),
            "confirmed_but_wrong": round(self.confirmed_wrong / n, 3),
            "asked_back": round(self.asked_back / n, 3),
            "per_intent": per_intent,
        }


def evaluate(parser: IntentParser, examples: Iterable[Example], lang: str) -> Report:
    """Parse every example and count."""
    report = Report(lang)
    for example in examples:
        report.add(example, parser.parse(example.text, lang))
    return report
