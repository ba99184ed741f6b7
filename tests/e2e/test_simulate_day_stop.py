"""SIGTERM stops a running ``kiosk simulate-day`` cleanly: the real command in a child
process is sent SIGTERM once its day has started; it stops the daemon, the embedded
central, the simulators and its threads, writes the report of the part of the day that
ran (marked as stopped early) and exits with 143 (128 + SIGTERM) and one clear line."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.cli import ROOT, headless_env, kiosk_command

OPENS = "simulate-day: the centre opens"


def _tickets_in_central(out: Path) -> int:
    """Tickets the child's central has issued so far (its SQLite file, read-only)."""
    path = out / "central.sqlite3"
    if not path.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM tickets").fetchone()[0])
    except sqlite3.Error:  # the schema is not there yet
        return 0


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_sigterm_stops_the_day_and_writes_the_part_that_ran(tmp_path: Path) -> None:
    out = tmp_path / "day"
    child = subprocess.Popen(
        kiosk_command(  # 60x: a day of many minutes, surely still running when stopped
            "simulate-day", "--citizens", "200", "--speedup", "60", "--no-voice", "--out",
            str(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=headless_env(),
    )
    lines: list[str] = []
    out_lines: list[str] = []
    opened = threading.Event()

    def read_stderr() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append(line)
            if OPENS in line:
                opened.set()

    def read_stdout() -> None:
        assert child.stdout is not None
        out_lines.extend(child.stdout)

    # each pipe has one reader only: communicate() would read stderr too, racing the
    # thread for its last lines (CI lost the final "stopped early" line to it once)
    readers = [threading.Thread(target=f, daemon=True) for f in (read_stderr, read_stdout)]
    for reader in readers:
        reader.start()
    try:
        assert opened.wait(180), "".join(lines[-40:])
        # a few citizens have their numbers (central holds them): stop the day mid-way
        deadline = time.monotonic() + 180
        while _tickets_in_central(out) < 3:
            assert time.monotonic() < deadline, "".join(lines[-40:])
            assert child.poll() is None, "".join(lines[-40:])
            time.sleep(0.5)
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    for reader in readers:
        reader.join(10)
    stderr = "".join(lines)
    stdout = "".join(out_lines)
    assert child.returncode == 128 + signal.SIGTERM, stderr[-3000:]
    assert "stopped early by SIGTERM" in stderr.splitlines()[-1], stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["stopped_early"]["reason"] == "SIGTERM"
    assert summary["citizens_planned"] == 200
    assert 0 < summary["citizens"] < 200
    assert summary["ok"] is False  # a partial day gets no verdict
    # cut short is not the same as left without a number
    assert summary["left_without_number"] == 0, summary["stuck"]
    assert summary["tickets"] > 0 and summary["unique_numbers"]
    assert summary["central_agrees"]  # every ticket central confirmed is there, once
    # the stdout summary is the one written
    assert json.loads(stdout.strip().splitlines()[-1])["stopped_early"]["reason"] == "SIGTERM"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Stopped early" in page and "STOPPED EARLY" in page
    assert (out / "queue.png").stat().st_size > 1000
