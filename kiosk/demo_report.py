"""The demo's end-of-run report: the summary and transcript files, and the check that every
journaled ticket is in central under the number the citizen holds (split from kiosk.demo to
keep it small)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from kiosk.demo_counters import CounterLog
from kiosk.demo_story import story, touches_per_ticket, visits
from kiosk.embedded_central import EmbeddedCentral
from kiosk.tickets.journal import JournalRow, TicketJournal

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)


def check_central(central: EmbeddedCentral, rows: list[JournalRow], token: str) -> bool:
    """Every journaled ticket is in central once, under the number the citizen holds."""
    with httpx.Client(
        base_url=central.url, timeout=5.0, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        for row in rows:
            if row.ticket is None:
                return False
            answer = http.get(f"/api/v1/tickets/{row.ticket['id']}").json()
            if row.number not in (answer.get("number"), answer.get("offline_number")):
                _LOGGER.error("central has %s for journal row %s (%s)", answer, row.key, row.number)
                return False
    return True


def count_by(values: Any) -> dict[str, int]:
    """How many times each value occurs."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def report(demo: HeadlessDemo, central: EmbeddedCentral, out: Path, counter_log: CounterLog) -> int:
    """Write summary.json and transcript.md, print the summary; 0 when every ticket is
    in central under its number and the journal is all online or synced."""
    served = [r for r in demo.results if "number" in r]
    numbers = [r["number"] for r in served]
    journal = TicketJournal(out / "state" / "journal.sqlite3")
    try:
        rows = journal.all_rows()
    finally:
        journal.close()
    in_central = check_central(central, rows, demo.daemon.config.central.token)
    names = {s.code: s.name("vi") for s in demo.daemon.catalogue.services}
    day = visits(out / "transcript.jsonl", names)
    summary = {
        "citizens": len(demo.results),
        "tickets": len(served),
        # numbers the kiosk issued that no citizen holds (a repeated spoken request heard
        # twice would be one): must be empty
        "unclaimed_numbers": sorted({r.number or "" for r in rows} - set(numbers)),
        "walked_away": sum(1 for r in demo.results if r.get("walked_away")),
        "greeted_aloud": demo.daemon.voice_screen.greeter.spoken,
        "offline": sum(1 for r in served if r["offline"]),
        "not_printed": sum(1 for r in served if not r["printed"]),
        "unique_numbers": len(set(numbers)) == len(numbers),
        "journal_states": count_by(r.state for r in rows),
        "central_agrees": in_central,
        **touches_per_ticket(day),
        "counters": counter_log.summary(),
        "central_url": central.url,
        "results": demo.results,
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    (out / "transcript.md").write_text(story(day) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}, ensure_ascii=False))
    states = set(count_by(r.state for r in rows))
    ok = bool(summary["unique_numbers"]) and in_central and states <= {"online", "synced"}
    return 0 if ok else 1
