"""The demo's ``transcript.md``: the day told visit by visit, as a person would read it.

``transcript.jsonl`` has every event and transition for ``kiosk replay``; this turns it
into a story: for each visit (from the first touch or word to the return to the attract
screen), the language, what the citizen touched or said (the field by name, the priority,
a language switch), the number they left with and how. It also counts the touches each
citizen made for a number (``touches_per_ticket`` in ``summary.json``).
"""

from __future__ import annotations

import json
import logging
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.screen.texts import LANGUAGE_NAMES

_LOGGER = logging.getLogger(__name__)

#: touches that are tools, not steps towards a number
_TOOLS = ("screen", "read_aloud", "large_text")


@dataclass
class Visit:
    """One citizen's visit as the transcript shows it."""

    started: float
    language: str = "vi"
    lines: list[str] = field(default_factory=list)
    number: str | None = None
    touches: int = 0
    #: touches after the first screen, before the number (None: no number)
    touches_for_number: int | None = None
    woken_by_touch: bool = False


def _what(
    event: dict[str, Any], names: dict[str, str], before: str, after: str, transition: str | None
) -> str | None:
    kind = event.get("type")
    if kind == "Touch":
        target, value = event.get("target"), str(event.get("value") or "")
        if target == "start":
            return "woke the kiosk" + (f" in {LANGUAGE_NAMES.get(value, value)}" if value else "")
        if target == "language":
            return f"switched to {LANGUAGE_NAMES.get(value, value)}"
        if target == "service":
            return f"touched the field **{names.get(value, value)}**"
        if target == "ask_priority":
            return "said they have priority"
        if target == "priority":
            return f"chose priority **{value}**" if value else "chose no priority"
        if target in ("key", "dossier_key", "proc_key"):
            return None  # typing is summed up by what it led to
        if target == "screen":
            return None
        return f"touched {target}" + (f" ({value})" if value not in (None, "") else "")
    if kind == "VoiceIntent":
        return f"said “{event.get('transcript', '')}” ({event.get('name')})"
    if kind == "TicketReady":
        how = "offline" if event.get("offline") else "online"
        return f"got number **{event.get('number')}** ({how})"
    if kind == "TicketPrinted":
        return (
            "ticket printed"
            if event.get("printed")
            else f"ticket NOT printed ({event.get('print_error')}): number on screen and QR"
        )
    if kind == "Timeout" and after == "idle":
        return "walked away: the kiosk went back to the attract screen"
    if transition in ("arrived", "docked", "guide_me", "could_not_guide", "emergency_stop"):
        return {
            "arrived": "arrived with the robot",
            "docked": "the robot docked",
            "guide_me": "followed the robot",
            "could_not_guide": "shown the way on screen",
            "emergency_stop": "robot stopped safely",
        }[transition]
    if transition and transition not in ("ticket_printed",) and before != after:
        return f"{before} → {after}"
    return None


def visits(path: Path, names: dict[str, str]) -> list[Visit]:
    """The visits in a ``transcript.jsonl``."""
    found: list[Visit] = []
    current: Visit | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(raw)
        if "event" not in record:
            continue
        event, before, after = record["event"], record["from"], record["to"]
        if current is None and (
            before != "idle" or after != "idle" or event.get("type") in ("Touch", "VoiceIntent")
        ):
            if event.get("type") in ("Touch", "VoiceIntent", "PersonDetected") or after != "idle":
                current = Visit(started=record["t"])
                found.append(current)
        if current is None:
            continue
        if (
            event.get("type") == "Touch"
            and record.get("outcome") == "handled"
            and event.get("target") not in _TOOLS
        ):
            if event.get("target") == "start" and not current.touches:
                current.woken_by_touch = True  # the wake-up touch, not a step
            else:
                current.touches += 1
        if event.get("type") == "Touch" and event.get("target") == "language":
            current.language = str(event.get("value"))
        if event.get("type") == "Touch" and event.get("target") == "start" and event.get("value"):
            current.language = str(event["value"])
        if event.get("type") == "VoiceIntent" and event.get("language"):
            current.language = str(event["language"])
        if event.get("type") == "TicketReady" and current.number is None:
            current.number = str(event.get("number"))
            current.touches_for_number = current.touches
        words = _what(event, names, before, after, record.get("transition"))
        if words:
            current.lines.append(f"  - {record['t']:8.1f} s  {words}")
        if after == "idle" and before != "idle":
            current = None
    return found


def touches_per_ticket(found: list[Visit]) -> dict[str, Any]:
    """Median touches for a number: from the first screen after waking (the wake-up
    touch not counted), and with it; visits by voice alone count their zero."""
    ticketed = [v for v in found if v.touches_for_number is not None]
    after_wake = [v.touches_for_number or 0 for v in ticketed]
    with_wake = [(v.touches_for_number or 0) + v.woken_by_touch for v in ticketed]
    return {
        "touches_per_ticket": statistics.median(after_wake) if after_wake else None,
        "touches_per_ticket_with_wake": statistics.median(with_wake) if with_wake else None,
        "touch_counts": sorted(after_wake),
    }


def story(found: list[Visit]) -> str:
    """``transcript.md``: the day, visit by visit."""
    lines = ["# The demo's day, visit by visit", ""]
    for i, visit in enumerate(found, 1):
        language = LANGUAGE_NAMES.get(visit.language, visit.language)
        outcome = f"number {visit.number}" if visit.number else "no number"
        touches = (
            ""
            if visit.touches_for_number is None
            else f", {visit.touches_for_number} touch(es) for it after waking"
        )
        lines.append(f"## Visit {i} at {visit.started:.1f} s: {language}, {outcome}{touches}")
        lines += visit.lines or ["  - (nothing)"]
        lines.append("")
    return "\n".join(lines)
