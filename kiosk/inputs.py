"""What each input means to the visitor flow: touches, devices, central and timers.

The screen names its targets ("service", "key", "submit_code", ...); this module is the one
table from those names (and from the other typed events) to the flow's declared events, so
the daemon stays a loop and the mapping can be read and tested on its own.
"""

from __future__ import annotations

from typing import Any

from kiosk.events import (
    Docked,
    EmergencyStop,
    GuideFinished,
    IssueFailed,
    KioskEvent,
    QRScanned,
    RedeemFailed,
    TicketReady,
    Timeout,
    Touch,
    VoiceIntent,
)
from kiosk.flow import IssuedNumber

# Touch targets that map one-to-one onto flow events.
TOUCH_EVENTS = {
    "start": "start",
    "take_ticket": "take_ticket",
    "back": "back",
    "done": "done",
    "guide_me": "guide_me",
    "staff_reset": "reset",
}


# Screen targets that become flow events; the value travels as the named argument.
SCREEN_EVENTS = {
    "page_next": ("page_next", None),
    "page_prev": ("page_prev", None),
    "book": ("book", None),
    "rate": ("rate", None),
    "call_staff": ("call_staff", None),
    "ask_procedure": ("ask_procedure", None),
    "ask_dossier": ("ask_dossier", None),
    "key": ("type_key", "char"),
    "submit_code": ("submit_code", None),
    "reason": ("toggle_reason", "reason"),
    "submit_rating": ("submit_rating", None),
}
REDEEM_MESSAGES = ("unknown-booking", "booking-used", "booking-wrong-day", "central-unavailable")


def flow_event(event: KioskEvent, *, generation: int) -> tuple[str | None, dict[str, Any]]:
    """The flow event (name and arguments) that ``event`` means, or (None, {}).

    ``generation`` is the current timer's: an older Timeout is stale and means nothing.
    Spoken intents depend on the screen and are translated by the daemon.
    """
    if isinstance(event, Touch):
        if event.target == "service":
            return "select_service", {"service": event.value}
        if event.target == "priority":
            return "select_priority", {"priority": None if event.value == "none" else event.value}
        if event.target == "score":
            score = int(event.value) if event.value and event.value.isdigit() else None
            return "choose_score", {"score": score}
        if event.target in SCREEN_EVENTS:
            name, argument = SCREEN_EVENTS[event.target]
            return name, ({argument: event.value} if argument else {})
        return TOUCH_EVENTS.get(event.target), {}
    if isinstance(event, TicketReady):
        ticket = IssuedNumber(event.number, event.offline, event.printed, event.print_error)
        return "ticket_issued", {"ticket": ticket}
    if isinstance(event, IssueFailed):
        return "issue_failed", {"message": "issue_failed"}
    if isinstance(event, QRScanned):
        return "scan_code", {"code": event.code}
    if isinstance(event, RedeemFailed):
        known = event.code if event.code in REDEEM_MESSAGES else "redeem-failed"
        return "redeem_failed", {"message": known}
    if isinstance(event, Timeout):
        return ("timeout", {}) if event.generation == generation else (None, {})
    if isinstance(event, GuideFinished):
        return ("arrived" if event.result == "arrived" else "could_not_guide"), {}
    if isinstance(event, Docked):
        return "docked", {}
    if isinstance(event, EmergencyStop):
        return "emergency_stop", {}
    return None, {}


def voice_flow_event(
    event: VoiceIntent, state: str, *, has_base: bool
) -> tuple[str | None, dict[str, Any]]:
    """The flow event a spoken intent means in ``state`` (every one has a button too)."""
    slots = event.slots
    if event.name == "take_ticket":
        if "service" in slots and state in ("idle", "menu", "choose_service"):
            return "select_service", {"service": slots["service"]}
        return ("start" if state == "idle" else "take_ticket"), {}
    if event.name == "no" and state == "choose_priority":
        return "select_priority", {"priority": None}
    if event.name in ("yes", "no") and state == "ticket_ready":
        return ("guide_me" if event.name == "yes" and has_base else "done"), {}
    return {"help": ("call_staff", {}), "back": ("back", {})}.get(event.name, (None, {}))
