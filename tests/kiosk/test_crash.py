"""kill -9 the kiosk at random points while it issues tickets: nothing lost, nothing doubled.

Short form (CI): 200 requests. ``KIOSK_SOAK=full``: 2,000.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kiosk_testkit import CENTRAL_SIM, ROOT

from kiosk.embedded_central import EmbeddedCentral
from kiosk.tickets.journal import TicketJournal

WORKER = Path(__file__).with_name("crash_worker.py")
TOTAL = 2000 if os.environ.get("KIOSK_SOAK") == "full" else 200


def _start(url: str, state: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), url, str(state), str(TOTAL)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.slow
def test_kill_9_during_ticket_requests_loses_and_doubles_nothing(tmp_path: Path) -> None:
    central_db = tmp_path / "central.sqlite3"
    central = EmbeddedCentral(CENTRAL_SIM, central_db)
    central.start()
    state = tmp_path / "kiosk"
    rng = random.Random(20261123)
    kills = 0
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            worker = _start(central.url, state)
            assert worker.stdout is not None
            # Kill after a random number of tickets, and a random moment into the next one:
            # before, during or after its journal write, central call, print or mark.
            kill_after = rng.randint(3, 40)
            issued = 0
            for line in worker.stdout:
                if line.startswith("issued"):
                    issued += 1
                    if issued >= kill_after:
                        time.sleep(rng.uniform(0, 0.03))
                        break
                elif line.startswith("finished"):
                    break
            if worker.poll() is None and issued >= kill_after:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
                kills += 1
                continue
            rest, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err[-2000:]
            break
        else:
            pytest.fail("the worker never finished")
    finally:
        central.stop()

    assert kills >= 3, "the test must actually kill the kiosk mid-way"
    journal = TicketJournal(state / "journal.sqlite3")
    rows = journal.all_rows()
    journal.close()
    assert len(rows) == TOTAL
    assert {r.state for r in rows} <= {"online", "synced"}, "every request reached central"
    with sqlite3.connect(central_db) as conn:
        in_central = dict(conn.execute("SELECT idempotency_key, number FROM tickets").fetchall())
    # Exactly the journaled requests, each once, under the number the journal holds.
    assert set(in_central) == {r.key for r in rows}
    assert len(in_central) == TOTAL
    assert all(in_central[r.key] == r.number for r in rows if r.state == "online")
    assert len(set(in_central.values())) == TOTAL
    printed = [r for r in rows if r.printed]
    assert printed and all(r.key in in_central for r in printed)
