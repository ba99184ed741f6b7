"""The demo's transcript.md and touches_per_ticket, from a transcript written by the real
daemon's format: one plain citizen, one with priority, one by voice, one who walks away."""

from __future__ import annotations

import json
from pathlib import Path

from kiosk.demo_story import story, touches_per_ticket, visits


def _touch(
    t: float, target: str, value: object, before: str, after: str, transition: str | None
) -> dict[str, object]:
    return {
        "t": t,
        "event": {"type": "Touch", "target": target, "value": value},
        "from": before,
        "to": after,
        "transition": transition,
        "outcome": "handled",
    }


def _ready(t: float, number: str) -> dict[str, object]:
    return {
        "t": t,
        "event": {
            "type": "TicketReady",
            "number": number,
            "offline": False,
            "printed": False,
            "print_error": None,
            "printing": True,
        },
        "from": "issue_ticket",
        "to": "ticket_ready",
        "transition": "ticket_issued",
        "outcome": "handled",
    }


DAY = [
    {"kind": "start", "services": [], "languages": ["vi", "en", "ko"]},
    _touch(1.0, "start", None, "idle", "menu", "start"),
    _touch(1.5, "service", "dat-dai", "menu", "issue_ticket", "select_service"),
    _ready(2.0, "D001"),
    _touch(3.0, "done", None, "ticket_ready", "idle", "done"),
    _touch(10.0, "start", "ko", "idle", "menu", "start"),
    _touch(10.5, "language", "en", "menu", "menu", None),
    _touch(11.0, "ask_priority", None, "menu", "choose_priority", "ask_priority"),
    _touch(11.5, "priority", "elderly", "choose_priority", "menu", "select_priority"),
    _touch(12.0, "service", "tu-phap", "menu", "issue_ticket", "select_service"),
    _ready(12.5, "A001"),
    _touch(13.0, "done", None, "ticket_ready", "idle", "done"),
    {
        "t": 20.0,
        "event": {
            "type": "VoiceIntent",
            "name": "take_ticket",
            "slots": {"service": "dat-dai"},
            "transcript": "토지",
            "language": "ko",
        },
        "from": "idle",
        "to": "issue_ticket",
        "transition": "select_service",
        "outcome": "handled",
    },
    _ready(20.5, "D002"),
    _touch(21.0, "done", None, "ticket_ready", "idle", "done"),
    _touch(30.0, "start", None, "idle", "menu", "start"),
    {
        "t": 75.0,
        "event": {"type": "Timeout", "generation": 7},
        "from": "menu",
        "to": "idle",
        "transition": "timeout",
        "outcome": "handled",
    },
]


def test_the_day_is_told_visit_by_visit(tmp_path: Path) -> None:
    path = tmp_path / "transcript.jsonl"
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in DAY) + "\n", encoding="utf-8"
    )
    found = visits(path, {"dat-dai": "Đất đai", "tu-phap": "Tư pháp"})
    assert [(v.language, v.number) for v in found] == [
        ("vi", "D001"),
        ("en", "A001"),
        ("ko", "D002"),
        ("vi", None),
    ]
    text = story(found)
    assert "touched the field **Đất đai**" in text and "switched to English" in text
    assert "chose priority **elderly**" in text and "said “토지” (take_ticket)" in text
    assert "walked away" in text and "--None-->" not in text
    # one touch after waking; four with a language switch and the priority; none by voice
    assert touches_per_ticket(found) == {
        "touches_per_ticket": 1,
        "touches_per_ticket_with_wake": 2,
        "touch_counts": [0, 1, 4],
    }
