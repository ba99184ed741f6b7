"""Debian's chromium driven by Playwright, for the browser tests and the screenshots of
central's pages. Playwright's own browser download cannot work on a centre's machine
(nor on ours), so it always launches ``/usr/bin/chromium`` with flags that keep it from
calling home. Imported only by tests and tools: the server does not need Playwright."""

from __future__ import annotations

import logging
import os
from typing import Any

_LOGGER = logging.getLogger(__name__)

CHROMIUM = os.environ.get("CENTRAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # a hall display plays its announcements without anyone touching it
    "--autoplay-policy=no-user-gesture-required",
]


def launch(playwright: Any) -> Any:
    """A headless chromium browser from the system package."""
    if not os.path.exists(CHROMIUM):
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
