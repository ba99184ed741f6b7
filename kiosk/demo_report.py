"""The demo's end-of-run checks: every journaled ticket is in central under the number the
citizen holds, and small counting helpers for the summary (split from kiosk.demo to keep
it small)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from kiosk.embedded_central import EmbeddedCentral
from kiosk.tickets.journal import JournalRow

_LOGGER = logging.getLogger(__name__)


def check_central(central: EmbeddedCentral, rows: list[JournalRow], token: str) -> bool:
    """Every journaled ticket is in central once, under the number the citizen holds."""
    with httpx.Client(
        base_url=central.url, timeout=5.0, headers={"Authorization": f"Bearer {token}"}
    ) as http:
        for row in rows:
            if row.ticket is None:
                return False
            answer = http.get(f"/api/v1/tickets/{row.ticket['id']}").json()
            if row.number not in (answer.get("number"), answer.get("offline_number")):
                _LOGGER.error("central has %s for journal row %s (%s)", answer, row.key, row.number)
                return False
    return True


def count_by(values: Any) -> dict[str, int]:
    """How many times each value occurs."""
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
