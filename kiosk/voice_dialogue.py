"""What the kiosk says back when it is not sure: a confirmation before an irreversible
action, a short question with at most three choices, and the voice context of a visit.

The confirmation names what will happen ("Quý khách lấy số lĩnh vực Tư pháp, đúng
không?"); the citizen's "yes" carries it out, "no" sends them to the screen. A pending
confirmation lives until it is answered, the visit ends or ``context_s`` (the flow's idle
timeout) passes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from speech.catalogue import Catalogue
    from speech.intents import Intent

_LOGGER = logging.getLogger(__name__)

#: how each intent is named in a question back ("... or ...?")
INTENT_NAMES: dict[str, dict[str, str]] = {
    "vi": {
        "take_ticket": "lấy số",
        "ask_procedure": "hỏi thủ tục",
        "lookup_dossier": "tra hồ sơ",
        "where_is": "hỏi đường",
        "queue_status": "hỏi thời gian chờ",
        "declare_priority": "số ưu tiên",
        "redeem_booking": "lịch hẹn",
        "call_staff": "gọi nhân viên",
        "change_language": "đổi ngôn ngữ",
        "back": "quay lại",
    },
    "en": {
        "take_ticket": "a ticket",
        "ask_procedure": "a procedure",
        "lookup_dossier": "a dossier",
        "where_is": "directions",
        "queue_status": "the waiting time",
        "declare_priority": "priority",
        "redeem_booking": "a booking",
        "call_staff": "a staff member",
        "change_language": "another language",
        "back": "go back",
    },
    "ko": {
        "take_ticket": "번호표",
        "ask_procedure": "절차 문의",
        "lookup_dossier": "서류 조회",
        "where_is": "길 안내",
        "queue_status": "대기 시간",
        "declare_priority": "우선 번호",
        "redeem_booking": "예약",
        "call_staff": "직원 호출",
        "change_language": "언어 변경",
        "back": "뒤로",
    },
}
_QUESTION = {
    "vi": ("Quý khách muốn {choices}?", " hay ", "Xin mời quý khách chọn trên màn hình."),
    "en": ("Would you like {choices}?", " or ", "Please choose on the screen."),
    "ko": ("{choices} 중 무엇을 원하십니까?", ", ", "화면에서 선택해 주십시오."),
}
_CONFIRM = {
    "vi": {
        "take_ticket": "Quý khách lấy số lĩnh vực {service}, đúng không?",
        "declare_priority": "Quý khách lấy số ưu tiên, diện {category}, đúng không?",
        "call_staff": "Quý khách cần gọi nhân viên, đúng không?",
    },
    "en": {
        "take_ticket": "A ticket for {service}, is that right?",
        "declare_priority": "A priority ticket, {category}, is that right?",
        "call_staff": "Shall I call a staff member?",
    },
    "ko": {
        "take_ticket": "{service} 번호표를 드릴까요?",
        "declare_priority": "우선 번호표({category})를 드릴까요?",
        "call_staff": "직원을 불러 드릴까요?",
    },
}


def clarifying_question(intent: Intent, language: str) -> str:
    """A short question offering ``intent.choices`` (at most three), or "use the screen"."""
    return question_for(intent.choices, language)


def question_for(choices: tuple[str, ...], language: str) -> str:
    """The question back offering ``choices`` (intent names, at most three are named)."""
    template, joiner, fallback = _QUESTION.get(language, _QUESTION["vi"])
    offered = [label for _, label in choice_labels(choices, language)]
    if not offered:
        return fallback
    return template.format(choices=joiner.join(offered))


def choice_labels(choices: tuple[str, ...], language: str) -> list[tuple[str, str]]:
    """(intent, how it is named) for the first three ``choices`` that have a name."""
    names = INTENT_NAMES.get(language, INTENT_NAMES["vi"])
    return [(c, names[c]) for c in choices if c in names][:3]


def confirmation(
    intent: Intent, language: str, catalogue: Catalogue, category_name: Callable[[str], str]
) -> str:
    """The question that confirms an irreversible ``intent`` before it is carried out."""
    templates = _CONFIRM.get(language, _CONFIRM["vi"])
    service = intent.slots.get("service", "")
    if service:
        try:
            service = catalogue.service(service).name(language)
        except KeyError:
            pass
    category = category_name(intent.slots.get("category", ""))
    template = templates.get(intent.name, templates["call_staff"])
    return template.format(service=service, category=category)


@dataclass
class Pending:
    """An intent waiting for the citizen's yes or no."""

    intent: Intent
    language: str
    until: float


class VoiceContext:
    """What the voice dialogue remembers during one visit."""

    def __init__(self, context_s: float = 60.0) -> None:
        """``context_s``: how long a pending confirmation waits (the idle timeout)."""
        self.context_s = context_s
        self._pending: Pending | None = None
        self.last: Intent | None = None

    def ask(self, intent: Intent, language: str) -> None:
        """Remember ``intent`` until the citizen confirms it."""
        self._pending = Pending(intent, language, time.monotonic() + self.context_s)

    def pending(self) -> Pending | None:
        """The confirmation still waiting for an answer, if any."""
        if self._pending is not None and time.monotonic() > self._pending.until:
            _LOGGER.info("voice: confirmation of %s expired", self._pending.intent.name)
            self._pending = None
        return self._pending

    def answered(self) -> Pending | None:
        """Take the pending confirmation (the citizen said yes or no)."""
        pending, self._pending = self.pending(), None
        return pending

    def forget(self) -> None:
        """The visit ended: nothing carries over to the next citizen."""
        self._pending = None
        self.last = None
