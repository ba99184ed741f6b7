"""A whole kiosk daemon on the sim config, talking to the real central app in-process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.wiring import open_parts

ROOT = Path(__file__).resolve().parents[2]

KioskFactory = Callable[..., KioskDaemon]


@pytest.fixture
def make_kiosk(tmp_path: Path, asgi_transport: httpx.ASGITransport) -> KioskFactory:
    """Build a daemon from ``config/kiosk.sim.toml`` with ``overrides`` (dotted keys)."""

    def build(**overrides: Any) -> KioskDaemon:
        config = load_config(
            ROOT / "config" / "kiosk.sim.toml",
            overrides={
                "kiosk.state_dir": str(tmp_path / "kiosk"),
                "tickets.preview_dir": None,
                **overrides,
            },
        )
        return KioskDaemon(config, open_parts(config, transport=asgi_transport))

    return build
