"""The local ticket journal: offline numbering and states survive reopening."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.tickets.errors import JournalError
from kiosk.tickets.journal import TicketJournal

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 23, 7, 30, tzinfo=HCM)


def _begin(
    journal: TicketJournal, key: str, service: str = "tu-phap", day: str = "2026-11-23"
) -> None:
    journal.begin(key, created_at=NOW, local_day=day, service=service, language="vi", priority=None)


def test_offline_numbers_count_per_service_and_day_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = TicketJournal(path)
    journal.seed_offline("2026-11-23", {})  # central said: no offline numbers yet today
    numbers = []
    for i in range(3):
        _begin(journal, f"a{i}")
        numbers.append(journal.issue_offline(f"a{i}", kiosk_prefix="K1", service_prefix="A"))
    _begin(journal, "d0", service="dat-dai")
    numbers.append(journal.issue_offline("d0", kiosk_prefix="K1", service_prefix="D"))
    journal.close()

    journal = TicketJournal(path)  # a restart continues the sequence
    _begin(journal, "a3")
    numbers.append(journal.issue_offline("a3", kiosk_prefix="K1", service_prefix="A"))
    _begin(journal, "next-day", day="2026-11-24")
    numbers.append(journal.issue_offline("next-day", kiosk_prefix="K1", service_prefix="A"))
    assert numbers == ["K1-A001", "K1-A002", "K1-A003", "K1-D001", "K1-A004", "K1-A001"]
    assert journal.counts() == {"offline": 6}
    assert [r.key for r in journal.unsynced()] == ["a0", "a1", "a2", "d0", "a3", "next-day"]


def test_states_move_forward_only(tmp_path: Path) -> None:
    journal = TicketJournal(tmp_path / "j.sqlite3")
    journal.seed_offline("2026-11-23", {})
    _begin(journal, "k")
    assert journal.issue_offline("k", kiosk_prefix="K1", service_prefix="A") == "K1-A001"
    # A late online answer must not overwrite the number the citizen already holds.
    journal.mark_online("k", {"number": "A042", "id": "x"})
    row = journal.get("k")
    assert row is not None and row.state == "offline" and row.number == "K1-A001"
    # Issuing offline twice for the same request gives the same number, not a new one.
    assert journal.issue_offline("k", kiosk_prefix="K1", service_prefix="A") == "K1-A001"
    journal.mark_synced("k", {"number": "K1-A001", "id": "x"})
    journal.mark_printed("k", "printer-paper-out")
    row = journal.get("k")
    assert row is not None and row.state == "synced" and not row.printed
    assert row.print_error == "printer-paper-out"
    assert journal.unsynced() == []


def test_duplicate_key_and_broken_file_are_journal_errors(tmp_path: Path) -> None:
    journal = TicketJournal(tmp_path / "j.sqlite3")
    _begin(journal, "same")
    with pytest.raises(JournalError):
        _begin(journal, "same")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalError, match="garbage.sqlite3"):
        TicketJournal(garbage)


_OLD_SCHEMA = """
CREATE TABLE requests (
    key TEXT PRIMARY KEY, created_at TEXT NOT NULL, local_day TEXT NOT NULL,
    service TEXT NOT NULL, language TEXT NOT NULL, priority TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'online', 'offline', 'synced')),
    number TEXT, offline_number TEXT, ticket_json TEXT,
    printed INTEGER NOT NULL DEFAULT 0, print_error TEXT,
    sync_attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT
);
CREATE INDEX requests_state ON requests (state);
CREATE UNIQUE INDEX requests_offline_number ON requests (local_day, offline_number);
CREATE TABLE offline_counters (
    local_day TEXT NOT NULL, service TEXT NOT NULL, last_seq INTEGER NOT NULL,
    PRIMARY KEY (local_day, service)
);
INSERT INTO requests (key, created_at, local_day, service, language, state, number,
                      offline_number)
VALUES ('old', '2026-11-23T07:00:00+07:00', '2026-11-23', 'tu-phap', 'vi', 'offline',
        'K1-A001', 'K1-A001');
INSERT INTO offline_counters VALUES ('2026-11-23', 'tu-phap', 1);
"""


def test_a_journal_from_before_the_refused_state_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(_OLD_SCHEMA)
    journal = TicketJournal(path)
    [row] = journal.unsynced()
    assert (row.key, row.state, row.number) == ("old", "offline", "K1-A001")
    journal.refuse("old", "duplicate-number: number K1-A001 already exists")
    assert journal.counts() == {"refused": 1}
    _begin(journal, "next")  # the offline counter survived the upgrade
    assert journal.issue_offline("next", kiosk_prefix="K1", service_prefix="A") == "K1-A002"


def test_refused_rows_are_terminal_and_failing_rows_queue_behind_fresh_ones(
    tmp_path: Path,
) -> None:
    journal = TicketJournal(tmp_path / "j.sqlite3")
    journal.seed_offline("2026-11-23", {})
    for i in range(4):
        _begin(journal, f"r{i}")
        journal.issue_offline(f"r{i}", kiosk_prefix="K1", service_prefix="A")
    journal.refuse("r0", "duplicate-number")
    journal.note_sync_failure("r1", "garbage answer")
    assert [r.key for r in journal.unsynced()] == ["r2", "r3", "r1"]
    assert [r.key for r in journal.unsynced(limit=1)] == ["r2"]
    [refused] = journal.refused()
    assert (refused.key, refused.last_error) == ("r0", "duplicate-number")
    journal.mark_synced("r0", {"number": "K1-A001"})  # terminal: a late success changes nothing
    assert journal.counts() == {"refused": 1, "offline": 3}


def test_a_journal_new_today_continues_after_centrals_offline_numbers(tmp_path: Path) -> None:
    # the state directory was lost at noon: central holds K1-A001..K1-A007 of this morning
    seeded = TicketJournal(tmp_path / "seeded.sqlite3")
    seeded.seed_offline("2026-11-23", {"tu-phap": 7})
    seeded.seed_offline("2026-11-23", {"tu-phap": 3})  # never lowered
    _begin(seeded, "a")
    assert seeded.issue_offline("a", kiosk_prefix="K1", service_prefix="A") == "K1-A008"
    _begin(seeded, "d", service="dat-dai")
    assert seeded.issue_offline("d", kiosk_prefix="K1", service_prefix="D") == "K1-D001"
    assert seeded.is_seeded("2026-11-23") and not seeded.is_seeded("2026-11-24")
    # central could not be asked: a journal new today jumps past 500 instead of reusing
    blind = TicketJournal(tmp_path / "blind.sqlite3")
    _begin(blind, "a")
    assert blind.issue_offline("a", kiosk_prefix="K1", service_prefix="A") == "K1-A501"
    _begin(blind, "b")
    assert blind.issue_offline("b", kiosk_prefix="K1", service_prefix="A") == "K1-A502"
    # a journal that has lived since yesterday knows today's numbers are its own
    _begin(blind, "tomorrow", day="2026-11-24")
    assert blind.issue_offline("tomorrow", kiosk_prefix="K1", service_prefix="A") == "K1-A001"
