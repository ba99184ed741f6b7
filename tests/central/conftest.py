"""Fixtures for the central server tests: settings, a settable clock, the app on SQLite
and on a real PostgreSQL (KIOSK_TEST_POSTGRES_URL, or a throwaway cluster started here).

PostgreSQL unavailable: the postgres variants skip with the reason, but fail when CI is set.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from central_testkit import AppFactory, SettableClock, settings_dict
from fastapi import FastAPI

from central.app import create_app
from central.settings import CentralSettings


@pytest.fixture
def clock() -> SettableClock:
    """08:00 local (01:00 UTC) on 2026-11-23."""
    return SettableClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/central.db"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


# --- the app ----------------------------------------------------------------------------


@pytest.fixture
def make_app(database_url: str, clock: SettableClock) -> Iterator[AppFactory]:
    """Build the real app on the test database; settings overrides as keyword arguments."""
    apps: list[FastAPI] = []

    def build(**overrides: Any) -> FastAPI:
        settings = CentralSettings.model_validate(settings_dict(database_url, **overrides))
        app = create_app(settings, clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.store.close()


@pytest.fixture
async def client(make_app: AppFactory) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the default app (strict priority)."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(make_app()), base_url="http://central.test", timeout=10
    ) as http:
        yield http
