"""The local ticket journal: offline numbering and states survive reopening."""

from __future__ import annotations

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
