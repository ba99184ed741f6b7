"""What each input means to the visitor flow: touches, voice, devices, central, timers, tasks.

The screen names its targets ("service", "key", "submit_code", ...); this module is the one
place that turns them (and every other typed event) into the flow's declared events, so the
daemon stays a loop and the meaning of an input can be read and tested on its own. The
daemon calls :func:`apply_event` for every event it takes off its queue; ``kiosk replay``
calls the same function on a fresh flow, so a recorded day means the same thing twice.

A few inputs change how the kiosk speaks or shows, not where the visit is (language,
large text, read aloud, "slower", "repeat"): they act on the flow's visit or on the
:class:`InputTools` and are not flow events. Everything else goes through the tables
below; tests/kiosk/test_inputs.py checks every name in them is an event of the flow.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from statemachine.exceptions import TransitionNotAllowed

from kiosk.events import (
    Docked,
    DossierAnswer,
    EmergencyStop,
    FaceAnswer,
    FaceProgress,
    GuideFinished,
    IssueFailed,
    KioskEvent,
    PersonDetected,
    QRScanned,
    RatingTicket,
    RedeemFailed,
    TaskFailed,
    TicketPrinted,
    TicketReady,
    Timeout,
    Touch,
    VoiceIntent,
)
from kiosk.flow import IssuedNumber, VisitorFlow
from navigation.guide import GuideResult

Outcome = Literal["handled", "ignored"]
FlowEvent = tuple[str | None, dict[str, Any]]

#: touch targets that become flow events: (flow event, the argument the touch's value
#: travels as, or None when the value means nothing to the flow)
TOUCH_EVENTS: dict[str, tuple[str, str | None]] = {
    "start": ("start", None),
    "take_ticket": ("take_ticket", None),
    "back": ("back", None),
    "done": ("done", None),
    "guide_me": ("guide_me", None),
    "staff_reset": ("reset", None),
    "service": ("select_service", "service"),
    "priority": ("select_priority", "priority"),  # None: the "no priority" button
    "ask_priority": ("ask_priority", None),  # "I have priority" on the field screens
    "page_next": ("page_next", None),
    "page_prev": ("page_prev", None),
    "book": ("book", None),
    "key": ("type_key", "char"),
    "submit_code": ("submit_code", None),
    "rate": ("rate", None),
    "score": ("choose_score", "score"),  # an int on the configured scale
    "reason": ("toggle_reason", "reason"),
    "submit_rating": ("submit_rating", None),
    "call_staff": ("call_staff", None),
    "ask_procedure": ("ask_procedure", None),
    "ask_dossier": ("ask_dossier", None),
    "proc_field": ("pick_field", "field"),
    "proc_pick": ("pick_procedure", "code"),
    "proc_key": ("search_key", "letter"),
    "print_checklist": ("print_checklist", None),
    "dossier_key": ("dossier_key", "char"),  # a letter, digit, "." or "-", "erase", "ok"
    # dossier lookup by face (kiosk.flow_faces)
    "face_lookup": ("face_start", None),
    "face_offer": ("face_offer", None),  # "next time, by face?" on a result found by code
    "face_consent": ("face_consent", "answer"),  # "yes" or "no"
    "face_key": ("face_key", "char"),  # a digit, "erase", "ok"
    "forget_face": ("forget_face", None),
    "face_use_code": ("face_use_code", None),
}

#: spoken intents that mean the same on every screen (each has a button too)
VOICE_EVENTS: dict[str, str] = {
    "help": "call_staff", "call_staff": "call_staff", "back": "back", "redeem_booking": "book",
    "lookup_dossier": "ask_dossier",
}
#: spoken intents answered aloud without moving the flow
VOICE_ANSWERS = ("where_is", "queue_status")
#: spoken intents that need the menu first when said on the attract screen
VOICE_FROM_MENU = ("call_staff", "redeem_booking", "ask_procedure", "lookup_dossier")

#: a task that died unexpectedly: the flow event that leaves the state waiting for it.
#: Issuing and redeeming go back to a screen that says so; a guide trip shows the way on
#: screen; a trip home that died stops the robot until staff reset it (safe_stop).
TASK_FAILURES: dict[str, FlowEvent] = {
    "issue": ("issue_failed", {"message": "issue_failed"}),
    "redeem": ("redeem_failed", {"message": "redeem-failed"}),
    "guide": ("could_not_guide", {}),
    "return": ("emergency_stop", {}),
    "dossier": ("dossier_answer", {"found": False, "code": "central-unavailable"}),
    "face": ("face_answer", {"outcome": "unavailable"}),
}

REDEEM_MESSAGES = ("unknown-booking", "booking-used", "booking-wrong-day", "central-unavailable")


class InputTools(Protocol):
    """What a few inputs do besides the flow (the daemon speaks; a replay does nothing)."""

    def read_aloud(self) -> None:
        """Say what the screen shows, in the visit's language."""

    def speak_slower(self) -> None:
        """Speak more slowly from now on."""

    def greet(self) -> None:
        """Somebody walked up to the idle kiosk: greet them aloud (kiosk.greeting)."""

    def answer(self, event: VoiceIntent) -> None:
        """Answer a spoken question aloud that moves no screen (where_is, queue_status)."""


def flow_event(event: KioskEvent, *, generation: int) -> FlowEvent:
    """The flow event (name and arguments) that ``event`` means, or (None, {}).

    ``generation`` is the current timer's: an older Timeout is stale and means nothing.
    Spoken intents depend on the screen: see :func:`voice_flow_event`.
    """
    if isinstance(event, Touch):
        if event.target not in TOUCH_EVENTS:
            return None, {}
        name, argument = TOUCH_EVENTS[event.target]
        return name, ({argument: event.value} if argument else {})
    if isinstance(event, TicketReady):
        ticket = IssuedNumber(
            event.number, event.offline, event.printed, event.print_error, printing=event.printing
        )
        return "ticket_issued", {"ticket": ticket}
    if isinstance(event, TicketPrinted):
        return "ticket_printed", {
            "number": event.number,
            "printed": event.printed,
            "print_error": event.print_error,
        }
    if isinstance(event, IssueFailed):
        return "issue_failed", {"message": "issue_failed"}
    if isinstance(event, QRScanned):
        return "scan_code", {"code": event.code, "dossier": event.dossier,
                             "ticket": event.ticket}
    if isinstance(event, RatingTicket):
        return "rating_ticket", {"ref": event.ref, "number": event.number,
                                 "counter": event.counter, "error": event.error}
    if isinstance(event, DossierAnswer):
        return "dossier_answer", {
            "found": event.found, "status": event.status, "code": event.code,
            "retry_after_s": event.retry_after_s, "factor_kind": event.factor_kind}
    if isinstance(event, FaceProgress):
        return "face_progress", {"stage": event.stage, "problem": event.problem,
                                 "turn": event.turn}
    if isinstance(event, FaceAnswer):
        return "face_answer", {"outcome": event.outcome, "dossier_status": event.dossier_status,
                               "problem": event.problem}
    if isinstance(event, RedeemFailed):
        known = event.code if event.code in REDEEM_MESSAGES else "redeem-failed"
        return "redeem_failed", {"message": known}
    if isinstance(event, Timeout):
        return ("timeout", {}) if event.generation == generation else (None, {})
    if isinstance(event, GuideFinished):
        return ("arrived" if event.result is GuideResult.ARRIVED else "could_not_guide"), {}
    if isinstance(event, Docked):
        return "docked", {}
    if isinstance(event, EmergencyStop):
        return "emergency_stop", {}
    if isinstance(event, TaskFailed):
        return TASK_FAILURES.get(event.task, (None, {}))
    return None, {}


def voice_flow_event(event: VoiceIntent, state: str, *, has_base: bool) -> FlowEvent:
    """The flow event a spoken intent means in ``state`` (every one has a button too)."""
    slots = event.slots
    if event.name == "take_ticket":
        if "service" in slots and state in ("idle", "menu", "choose_service"):
            return "select_service", {"service": slots["service"]}
        return ("start" if state == "idle" else "take_ticket"), {}
    if event.name == "no" and state == "choose_priority":
        return "select_priority", {"priority": None}
    if event.name == "declare_priority":
        if state == "choose_priority" and "category" in slots:
            return "select_priority", {"priority": slots["category"]}
        if state in ("idle", "menu"):  # the category is kept; which field comes next
            return ("start" if state == "idle" else "take_ticket"), {}
        return None, {}
    if event.name == "ask_procedure":  # the answer's procedure on screen (or the choices)
        code = slots.get("procedure")
        if state == "menu":
            return "ask_procedure", ({"code": code} if code else {})
        if state == "procedure_info":
            return ("pick_procedure", {"code": code}) if code else (None, {})
        return None, {}
    if event.name in ("yes", "no") and state == "ticket_ready":
        return ("guide_me" if event.name == "yes" and has_base else "done"), {}
    name = VOICE_EVENTS.get(event.name)
    return (name, {}) if name else (None, {})


def apply_event(
    flow: VisitorFlow, event: KioskEvent, *, generation: int, has_base: bool, tools: InputTools
) -> tuple[str | None, Outcome]:
    """Carry ``event`` out on ``flow``; returns the flow event sent (or None) and whether
    the flow took it ("ignored": no transition from this state, or a stale timer)."""
    if isinstance(event, Touch):
        if event.target == "language":
            ok = isinstance(event.value, str) and flow.set_language(event.value)
            return None, "handled" if ok else "ignored"
        if event.target == "large_text":
            flow.toggle_large_text()
            return None, "handled"
        if event.target == "read_aloud":
            tools.read_aloud()
            return None, "handled"
        if event.target == "start" and isinstance(event.value, str):
            flow.set_language(event.value)  # a big language button on the attract screen
    if isinstance(event, PersonDetected):
        if not flow.person_detected():
            return None, "ignored"
        tools.greet()
        return None, "handled"
    if isinstance(event, Touch) and event.target == "voice_choice" and isinstance(event.value, str):
        # a choice of the question back, touched: what saying it would have done
        event = VoiceIntent(event.value, {}, "", flow.visit.language)
    if isinstance(event, VoiceIntent):
        if event.language and event.language != flow.visit.language:
            flow.set_language(event.language)  # answer in the language it was asked in
        if event.name == "change_language" and event.slots.get("language"):
            ok = flow.set_language(event.slots["language"])
            return None, "handled" if ok else "ignored"
        if event.name in ("repeat", "slower"):
            if event.name == "slower":
                tools.speak_slower()
            tools.read_aloud()
            return None, "handled"
        if event.name in VOICE_ANSWERS:
            tools.answer(event)
            return None, "handled"
        if event.name == "declare_priority" and event.slots.get("category"):
            flow.set_priority(event.slots["category"])
        if event.name in VOICE_FROM_MENU and flow.current_state_id == "idle":
            flow.send("start")
        name, kwargs = voice_flow_event(event, flow.current_state_id, has_base=has_base)
    else:
        name, kwargs = flow_event(event, generation=generation)
    if name is None:
        return None, "ignored"
    try:
        flow.send(name, **kwargs)
    except TransitionNotAllowed:
        return name, "ignored"
    return name, "handled"
