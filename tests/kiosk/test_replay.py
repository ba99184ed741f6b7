"""`kiosk replay`: a recorded day drives a fresh flow to the same states, and a day that
the flow would no longer take is reported line by line (the whole recorded demo day is
replayed in tests/e2e/test_demo.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from kiosk.replay import replay

START = {
    "kind": "start",
    "languages": ["vi", "en", "ko"],
    "features": ["booking", "rating"],
    "rating_levels": 5,
    "has_base": False,
    "timeouts": [45, 20, 8],
    "services": ["dat-dai", "tu-phap"],
    "priorities": ["elderly"],
}


def _line(event: dict[str, Any], before: str, after: str, timer: int = 0) -> str:
    return json.dumps(
        {
            "t": 0.0,
            "event": event,
            "from": before,
            "to": after,
            "transition": None,
            "outcome": "handled",
            "timer": timer,
        }
    )


A_VISIT = [
    json.dumps(START),
    _line({"type": "Touch", "target": "start", "value": "en"}, "idle", "menu"),
    _line({"type": "Touch", "target": "take_ticket", "value": None}, "menu", "choose_service"),
    _line(
        {"type": "Touch", "target": "service", "value": "tu-phap"},
        "choose_service",
        "issue_ticket",
    ),
    _line(
        {
            "type": "TicketReady",
            "number": "A001",
            "offline": False,
            "printed": True,
            "print_error": None,
        },
        "issue_ticket",
        "ticket_ready",
    ),
    _line({"type": "Timeout", "generation": 3}, "ticket_ready", "ticket_ready", timer=4),
    _line({"type": "Timeout", "generation": 4}, "ticket_ready", "idle", timer=4),
    json.dumps({"kind": "services", "services": ["dat-dai"], "priorities": []}),
    _line({"type": "Touch", "target": "service", "value": "tu-phap"}, "idle", "idle"),
    _line({"type": "Touch", "target": "service", "value": "dat-dai"}, "idle", "issue_ticket"),
]


def test_a_recorded_visit_replays_to_the_same_states() -> None:
    report = replay(A_VISIT)
    assert report.mismatches == [] and report.ok
    assert report.runs == 1 and report.events == len(A_VISIT) - 2


def test_a_day_the_flow_would_not_take_is_reported_by_line(tmp_path: Path) -> None:
    day = list(A_VISIT)
    # the recorded day says a stale service was taken: this flow refuses it
    day[9] = _line(
        {"type": "Touch", "target": "service", "value": "tu-phap"}, "idle", "issue_ticket"
    )
    day.insert(3, '{"event": {"type": "Teleport"}}')
    path = tmp_path / "transcript.jsonl"
    path.write_text("\n".join(day) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "replay", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert not report["same_states"]
    assert report["mismatches"][0].startswith("line 4: not a transcript line")
    assert any(m.startswith("line 11:") and "the replay to idle" in m for m in report["mismatches"])


def test_no_transcript_is_a_clear_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "replay", str(tmp_path / "missing.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "missing.jsonl" in done.stderr
