"""What the robot benchmarks share: a ``kiosk sim ...`` simulator in a process of its own
(as a controller or a lidar has its own microcontroller), driven by its control lines,
and the nearest-rank percentile they report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
