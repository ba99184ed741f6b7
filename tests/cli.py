"""Running our commands as a technician would, in a child process: ``python -m kiosk.cli``
with this checkout on the path and no display or sound card."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def kiosk_command(*args: str) -> list[str]:
    """The argv of ``kiosk ARGS...`` from this checkout."""
    return [sys.executable, "-m", "kiosk.cli", *args]


def headless_env() -> dict[str, str]:
    """The environment of a child kiosk: this checkout importable, SDL without devices."""
    return {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
            "PYTHONPATH": str(ROOT)}
