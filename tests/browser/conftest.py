"""A real ``central serve`` on loopback and Debian's chromium, for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from central.browser import CHROMIUM, launch
from central.process import CentralProcess

DISPLAY_TOKEN = "sim-display-token-00000"
MANAGER_TOKEN = "sim-manager-token-00000"
KIOSK_TOKEN = "sim-kiosk-K1-token-00000"
COUNTER_TOKENS = {"Q1": "sim-counter-Q1-token-0000", "Q3": "sim-counter-Q3-token-0000"}


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralProcess]:
    """The simulated ward centre served by ``central serve`` on a fresh SQLite file."""
    with CentralProcess.sim(tmp_path) as process:
        yield process


@pytest.fixture
def browser() -> Iterator[Any]:
    """Headless chromium (the system's, never Playwright's download)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} needed in CI (scripts/setup.sh dev installs it)")
        pytest.skip(f"{CHROMIUM} not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
