"""Helpers shared by the central tests: test settings, a settable clock, request helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

AppFactory = Callable[..., FastAPI]

KIOSK_TOKEN = "test-kiosk-K1-token-000"
KIOSK2_TOKEN = "test-kiosk-K2-token-000"
COUNTER_TOKENS = {
    "Q1": "test-counter-Q1-token",
    "Q2": "test-counter-Q2-token",
    "Q3": "test-counter-Q3-token",
}


def settings_dict(database_url: str, **overrides: Any) -> dict[str, Any]:
    """A small centre: tu-phap (A, counters Q1+Q2) and dat-dai (D, counter Q3)."""
    data: dict[str, Any] = {
        "database_url": database_url,
        "public_base_url": "http://central.test",
        "centre_name": "Trung tâm <Thử> & nghiệm",
        "services": [
            {
                "code": "tu-phap",
                "prefix": "A",
                "default_service_time_s": 300,
                "names": {"vi": "Tư pháp", "en": "Justice", "ko": "사법"},
            },
            {
                "code": "dat-dai",
                "prefix": "D",
                "default_service_time_s": 600,
                "names": {"vi": "Đất đai", "en": "Land"},
            },
        ],
        "counters": [
            {
                "code": "Q1",
                "name": "Quầy 1",
                "services": ["tu-phap"],
                "token": COUNTER_TOKENS["Q1"],
            },
            {
                "code": "Q2",
                "name": "Quầy 2",
                "services": ["tu-phap"],
                "token": COUNTER_TOKENS["Q2"],
            },
            {
                "code": "Q3",
                "name": "Quầy 3",
                "services": ["dat-dai"],
                "token": COUNTER_TOKENS["Q3"],
            },
        ],
        "kiosks": [
            {"id": "K1", "token": KIOSK_TOKEN, "offline_prefix": "K1"},
            {"id": "K2", "token": KIOSK2_TOKEN, "offline_prefix": "K2"},
        ],
        "priority_categories": [
            {"code": "elderly", "names": {"vi": "Người cao tuổi", "en": "Elderly"}},
            {"code": "pregnant", "names": {"vi": "Phụ nữ mang thai"}},
        ],
        "priority": {"policy": "strict", "every_n": 2},
    }
    data.update(overrides)
    return data


class SettableClock:
    """A clock the test moves by hand (a real object passed in, not a patch)."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``."""
        self.moment += timedelta(**delta)


def kiosk_headers(token: str = KIOSK_TOKEN) -> dict[str, str]:
    """Authorization for a kiosk."""
    return {"Authorization": f"Bearer {token}"}


def counter_headers(code: str) -> dict[str, str]:
    """Authorization for a counter terminal."""
    return {"Authorization": f"Bearer {COUNTER_TOKENS[code]}"}


_KEYS = iter(range(10**9))


async def issue(
    http: httpx.AsyncClient,
    service: str = "tu-phap",
    *,
    key: str | None = None,
    expect: int = 201,
    **fields: Any,
) -> dict[str, Any]:
    """POST a ticket and check the status code; returns the body."""
    body = {"idempotency_key": key or f"key-{next(_KEYS):08d}", "service": service, **fields}
    response = await http.post("/api/v1/tickets", json=body, headers=kiosk_headers())
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result
