"""The short form of the soak (``kiosk simulate-day --soak-hours 2``), as CI runs it: the
command runs the daemon and central for two simulated hours with the day's faults, says
how it measured memory, finds no state held past its timeout and leaves nobody without a
number. Memory growth itself is not asserted (two hours are all warm-up, and the figure
belongs to BENCHMARKS.md, measured by the 24-hour run)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli import ROOT, headless_env, kiosk_command


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_short_soak_reports_its_measure_and_no_stale_state(tmp_path: Path) -> None:
    out = tmp_path / "soak"
    done = subprocess.run(
        kiosk_command("simulate-day", "--soak-hours", "2", "--speedup", "720", "--out", str(out)),
        capture_output=True,
        text=True,
        timeout=550,
        cwd=ROOT,
        env=headless_env(),
    )
    assert (out / "soak.json").exists(), done.stderr[-3000:]
    result = json.loads((out / "soak.json").read_text(encoding="utf-8"))
    assert json.loads(done.stdout.strip().splitlines()[-1]) == result
    assert result["stopped_early"] is None
    assert result["left_without_number"] == 0
    assert result["tickets"] > 0
    assert result["faults_injected"] == result["faults_recovered"]
    assert result["stale"] == [], result["stale"]
    memory = result["memory"]
    assert "RSS" in memory["method"] and "warm-up" in memory["method"]
    assert memory["samples"] > 0
    # the run's own records are counted, and sampled sparsely
    records = result["driver_records"]
    assert records["citizen_entries"] == result["citizens"]
    assert records["samples"] <= records["memory_samples"]
