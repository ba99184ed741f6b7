"""What the robot benchmarks share: a ``kiosk sim ...`` simulator in a process of its own
(as a controller or a lidar has its own microcontroller), driven by its control lines,
the nearest-rank percentile they report, and ``kiosk rt-tune`` running beside them as
on a robot."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of sorted ``values`` (nearest rank)."""
    index = min(len(values) - 1, max(0, round(q * len(values)) - 1))
    return values[index]


class Child:
    """A ``kiosk sim ...`` process; ``path`` is the pty it printed on its first line."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.cli", "sim", *args],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.path = self.proc.stdout.readline().strip()

    def ask(self, line: str) -> Any:
        """Send one control line, return its answer (JSON decoded, or "ok")."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        return answer if answer == "ok" else json.loads(answer)

    def close(self) -> None:
        """Stop the simulator."""
        self.proc.terminate()
        self.proc.wait(timeout=10)


@contextlib.contextmanager
def rt_tuned(enabled: bool) -> Iterator[dict[str, object]]:
    """``kiosk rt-tune`` running for the block, as ``kiosk-rt.service`` runs it on a robot
    (the kernel's tty threads at SCHED_FIFO 55, new ones raised as they start); yields
    what it said, completed at the end with its count of threads raised on the way."""
    report: dict[str, object] = {"running": False}
    if not enabled:
        yield report
        return
    tuner = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "rt-tune"], cwd=ROOT, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert tuner.stderr is not None
    lines = [tuner.stderr.readline().strip() for _ in range(3)]
    report.update(running=tuner.poll() is None, said=lines)
    try:
        yield report
    finally:
        tuner.send_signal(signal.SIGTERM)
        rest = tuner.communicate(timeout=30)[1].strip().splitlines()
        report["said"] = lines + rest
        report["exit"] = tuner.returncode
