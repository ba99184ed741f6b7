"""Spoken answers to procedure questions, with the procedure kept in context.

The key fact comes first and the answer stays short ("the full list is on the screen").
Which procedure: the intent's ``procedure`` slot, else a search of what was said (with
the words of the question taken out), else the procedure of the previous question until
the idle timeout ("còn lệ phí thì sao?" after a question about documents), else the
``service`` slot's procedures. Several close candidates: a clarifying question with at
most three choices. Which fact: the ``topic`` slot, else the question's own words.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from kiosk.procedures import phrasing as p
from kiosk.procedures.model import ProcedureInfo
from kiosk.procedures.phrasing import ANSWERS as T
from kiosk.procedures.remote import DossierView
from kiosk.procedures.search import WORD_MATCH, Hit, fold, without_endings
from kiosk.procedures.store import ProcedureStore
from speech.normalize import normalize_for_speech

_LOGGER = logging.getLogger(__name__)

#: a search hit this good names the procedure; closer than MARGIN to the next: ask
STRONG = 80.0
MARGIN = 6.0
#: to change the procedure in context, a hit must be this good ("lệ phí cấp lại" after
#: a question on the lost ID card is still about the ID card)
SWITCH = 90.0
#: weaker hits are offered as choices when nothing better is known
WEAK = 65.0
#: what a matcher may make of a question it did not take for one
_NOT_A_QUESTION = ("not_understood", "take_ticket", "yes", "no")
#: intents a question about a procedure is often taken for ("nộp ở đâu" as where_is, "bao
#: lâu" as queue_status): its own topic words win when a procedure is named or in context
#: and no place or counter was heard ("phải chờ bao lâu" alone stays a queue question)
_OFTEN_A_QUESTION = ("where_is", "queue_status", "back", "call_staff", "declare_priority")

#: words of a question per topic, compared folded (checked in this order)
TOPIC_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "processing_time": {
        "vi": ("bao lau", "may ngay", "bao nhieu ngay", "thoi gian", "bao gio", "khi nao co"),
        "en": ("how long", "how many days", "processing time", "when will"),
        "ko": ("얼마나 걸", "기간", "며칠", "언제"),
    },
    "fees": {
        "vi": ("le phi", "phi", "bao nhieu tien", "het bao nhieu", "mat bao nhieu", "tien"),
        "en": ("fee", "cost", "how much", "price", "pay"),
        "ko": ("수수료", "비용", "얼마", "요금"),
    },
    "documents": {
        "vi": (
            "giay to",
            "ho so gom",
            "can gi",
            "mang gi",
            "mang theo",
            "can nhung gi",
            "thanh phan",
        ),
        "en": ("document", "papers", "bring", "what do i need"),
        "ko": ("서류", "준비물", "필요한", "뭐가 필요"),
    },
    "where": {
        "vi": ("o dau", "quay nao", "cho nao", "nop o", "lam o"),
        "en": ("where", "which counter", "which desk"),
        "ko": ("어디", "창구", "어느 곳"),
    },
    # "how do I ...": the whole picture (last: a more precise topic wins)
    "overview": {
        "vi": ("lam sao", "the nao", "nhu the nao", "phai lam gi", "can lam gi"),
        "en": ("how do i", "what do i do", "what should i do", "how to"),
        "ko": ("어떻게", "방법"),
    },
}


@dataclass(frozen=True)
class Answer:
    """What the kiosk says (``spoken``), shows (``text``) and is about."""

    text: str
    spoken: str
    procedure: str | None = None
    topic: str | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        """The ``answer`` object of ``kiosk ask``."""
        out: dict[str, Any] = {"text": self.spoken, "procedure": self.procedure}
        if self.topic:
            out["topic"] = self.topic
        if self.choices:
            out["choices"] = list(self.choices)
        return out


def find_topic(utterance: str, lang: str) -> str | None:
    """The topic a question's own words ask about, if any."""
    folded = f" {fold(utterance)} "
    for topic, words in TOPIC_WORDS.items():
        for word in words.get(p.lang_of(lang), ()):
            if f" {fold(word)} " in folded or (lang == "ko" and fold(word) in folded):
                return topic
    return None


def _without_topic_words(utterance: str, lang: str) -> str:
    folded = f" {fold(utterance)} "
    for words in TOPIC_WORDS.values():
        for word in words.get(p.lang_of(lang), ()):
            folded = folded.replace(f" {fold(word)} ", " ")
            if lang == "ko":  # a Korean topic word comes with an ending: "어디로", "얼마예요"
                folded = " ".join(w for w in folded.split() if fold(word) not in w)
                folded = f" {folded} "
    return folded.strip()


def _clear_lead(hits: list[Hit], said: str) -> Hit | None:
    """The one candidate of a spoken question: a match of at least WEAK that no other
    comes near (a question's extra words lower every score, not the gap), and at least
    two thirds of whose phrase was said ("lấy số" names half of "sổ đỏ": no)."""
    if not hits or hits[0].score < WEAK:
        return None
    if len(hits) > 1 and hits[0].score - hits[1].score < 2 * MARGIN:
        return None
    words = fold(without_endings(said)).split()
    parts = hits[0].phrase.split()
    found = sum(any(fuzz.ratio(part, word) >= WORD_MATCH for word in words) for part in parts)
    return hits[0] if found * 3 >= len(parts) * 2 else None


class Conversation:
    """One citizen's questions: answers them and remembers the procedure until idle."""

    def __init__(
        self,
        store: ProcedureStore,
        *,
        idle_timeout_s: float = 45.0,
        counters_of: Callable[[str], list[str]] | None = None,
        field_name: Callable[[str, str], str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.idle_timeout_s = idle_timeout_s
        self._counters_of = counters_of or (lambda _field: [])
        self._field_name = field_name or (lambda code, _lang: code)
        self._clock = clock
        self.procedure: str | None = None
        self._last = 0.0

    def reset(self) -> None:
        """Forget the context (idle timeout, next citizen)."""
        self.procedure = None

    def _context(self) -> str | None:
        if self.procedure and self._clock() - self._last <= self.idle_timeout_s:
            return self.procedure
        return None

    def answer(
        self, intent: str, slots: Mapping[str, str], utterance: str, lang: str, *,
        sure: bool = True,
    ) -> Answer:
        """The answer to one recognised utterance. ``sure`` is False when the matcher was
        too unsure to act on the intent (it would ask back): its slots then do not
        outweigh the question's own words (a place guessed from "어디서 해요")."""
        lang = p.lang_of(lang)
        if not sure:
            slots = {k: v for k, v in slots.items() if k not in ("place", "counter")}
        asked = find_topic(utterance, lang)
        if asked and (intent in _NOT_A_QUESTION and asked != "overview" or (
                intent in (*_NOT_A_QUESTION, *_OFTEN_A_QUESTION)
                and self._about_a_procedure(slots, utterance, lang))):
            # the question's own words ("cần gì", "bao lâu", "how much") outweigh a
            # matcher that heard a request for a ticket, a yes/no, or nothing
            intent = "ask_procedure"
        if intent == "lookup_dossier":
            code = slots.get("code")
            text = T[lang]["lookup"] if not code else T[lang]["lookup_code"].format(code=code)
            return self._say(text, lang, None)
        if intent == "take_ticket":
            proc = self.store.get(slots.get("procedure"))
            service = proc.field if proc else slots.get("service")
            if not service:
                return self._say("", lang, None)
            text = T[lang]["ticket"].format(field=self._field_name(service, lang))
            return self._say(text, lang, proc.code if proc else None)
        if intent == "not_understood":
            return self._say(T[lang]["not_understood"], lang, None)
        if intent != "ask_procedure":
            return self._say("", lang, self._context())
        # the question words decide the topic; the matcher's slot when there are none
        topic = asked or slots.get("topic") or "overview"
        chosen, choices = self._resolve(slots, utterance, lang)
        if chosen is None and choices:
            names = [c.title(lang) for c in choices]
            text = T[lang]["clarify"].format(choices=p.join(names, lang, T[lang]["or"]))
            return self._say(text, lang, None, topic, tuple(c.code for c in choices))
        if chosen is None:
            return self._say(T[lang]["unknown"], lang, None, topic)
        self.procedure, self._last = chosen.code, self._clock()
        return self._say(self.fact(chosen, topic, lang), lang, chosen.code, topic)

    def _say(
        self,
        text: str,
        lang: str,
        procedure: str | None,
        topic: str | None = None,
        choices: tuple[str, ...] = (),
    ) -> Answer:
        return Answer(text, normalize_for_speech(text, lang), procedure, topic, choices)

    def _resolve(
        self, slots: Mapping[str, str], utterance: str, lang: str
    ) -> tuple[ProcedureInfo | None, list[ProcedureInfo]]:
        named = self.store.get(slots.get("procedure"))
        context = self._context()
        remainder = _without_topic_words(utterance, lang)
        if named is not None and (context in (None, named.code) or any(
                h.code == named.code and h.score >= WEAK
                for h in self.store.search(remainder, limit=3))):
            return named, []  # the words back the matcher's slot (else: a follow-up)
        bar = SWITCH if context else STRONG
        found = self.store.search(remainder, limit=3)
        hits = [h for h in found if h.score >= bar]
        if hits:
            close = [h for h in hits if hits[0].score - h.score < MARGIN]
            if len(close) == 1:
                return self.store.get(close[0].code), []
            if context in {h.code for h in close}:
                return self.store.get(context), []
            return None, [proc for h in close if (proc := self.store.get(h.code))]
        if context:
            return self.store.get(context), []
        lead = _clear_lead(found, remainder)
        if lead is not None:
            return self.store.get(lead.code), []
        service = slots.get("service")
        if service:
            in_field = self.store.in_field(service)
            if len(in_field) == 1:
                return in_field[0], []
            return None, in_field[:3]
        # weak matches only: let the citizen choose among them
        return None, [proc for h in found if h.score >= WEAK and (proc := self.store.get(h.code))]

    def _about_a_procedure(self, slots: Mapping[str, str], utterance: str, lang: str) -> bool:
        """A procedure is named or in context, and no place or counter was heard."""
        if slots.get("place") or slots.get("counter"):
            return False
        if slots.get("procedure") or self._context():
            return True
        remainder = _without_topic_words(utterance, lang)
        found = self.store.search(remainder, limit=3)
        return bool(found) and (
            found[0].score >= STRONG or _clear_lead(found, remainder) is not None)

    def fact(self, proc: ProcedureInfo, topic: str, lang: str) -> str:
        """The short answer about ``topic`` of ``proc``, key fact first."""
        t = T[lang]
        name = proc.title(lang)
        if topic == "documents":
            docs = [proc.text(d.name, lang) for d in proc.documents]
            shown = docs[:3] + (["..."] if len(docs) > 3 else [])
            return t["documents"].format(name=name, n=len(docs), list="; ".join(shown))
        if topic == "fees":
            if not proc.fees:
                return t["free"].format(name=name)
            return t["fees"].format(name=name, fee=p.fee_summary(proc, lang))
        if topic == "processing_time":
            if proc.processing_time.unit == "same_day":
                return t["same_day"].format(name=name)
            return t["processing_time"].format(
                name=name, time=p.duration(proc.processing_time, lang)
            )
        if topic == "where":
            counters = [p.counter_name(c, lang) for c in self._counters_of(proc.field)]
            if proc.where.counters:
                counters = [p.counter_name(c, lang) for c in proc.where.counters]
            place = p.join(counters, lang, T[lang]["or"]) or t["field_counters"].format(
                field=self._field_name(proc.field, lang)
            )
            online = t["online"] if proc.where.online else ""
            return t["where"].format(name=name, counters=place) + online
        return t["overview"].format(
            name=name,
            n=len(proc.documents),
            fee=p.fee_summary(proc, lang),
            time=p.duration(proc.processing_time, lang),
        )


def dossier_answer(view: DossierView, lang: str) -> Answer:
    """What the kiosk says about a dossier it looked up (the screen shows the details)."""
    lang = p.lang_of(lang)
    t = T[lang]
    status = p.STATUS[lang][view.status]
    text = t["dossier"].format(
        procedure=view.procedure_name(lang), applicant=view.applicant, status=status
    )
    if lang != "ko":
        text = text.rstrip(".") + "."
    if view.status == "needs_documents" and view.missing:
        text += t["missing"].format(missing="; ".join(view.missing))
    if view.status == "ready":
        if view.pickup:
            text += t["pickup"].format(counter=p.counter_name(view.pickup.name, lang))
        if view.fee_due_vnd:
            text += t["fee_due"].format(fee=p.money(view.fee_due_vnd, lang))
    if view.status in ("received", "in_progress", "overdue") and view.appointment_on:
        text += t["appointment"].format(date=p.spoken_date(view.appointment_on, lang))
    if view.status == "overdue":
        text += t["overdue"]
    return Answer(text, normalize_for_speech(text, lang), view.procedure.get("code"))
