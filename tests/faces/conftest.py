"""Fixtures of the face tests: the real engine (models loaded once), the encodings of the
test photos, the real central app with faces on (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from faces_testkit import PEOPLE, central_dict, photo, write_key
from fastapi import FastAPI

from central.app import create_app
from central.settings import CentralSettings
from kiosk.faces.engine import Encoding, FaceEngine, Sighting
from kiosk.faces.settings import FaceSettings


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    """dlib's models, loaded once for the session."""
    return FaceEngine.load(FaceSettings(enabled=True))


@pytest.fixture(scope="session")
def encodings(engine: FaceEngine) -> dict[str, Encoding]:
    """Every single-face test photo's encoding, by file name (at its own resolution)."""
    out: dict[str, Encoding] = {}
    for names in PEOPLE.values():
        for name in names:
            seen = engine.analyse(photo(name), encode=True)
            assert isinstance(seen, Sighting) and seen.encoding is not None, name
            out[name] = seen.encoding
    return out


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``."""
        self.moment += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    """08:00 local on 2026-11-23."""
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/central.db"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


@pytest.fixture
def make_central(database_url: str, clock: Clock, tmp_path: Path) -> Iterator[Any]:
    """Build the real central app with faces on; overrides of ``[faces]`` as keywords."""
    apps: list[FastAPI] = []

    def build(**faces: Any) -> FastAPI:
        key = faces.pop("key_file", write_key(tmp_path))
        settings = CentralSettings.model_validate(central_dict(database_url, key, **faces))
        app = create_app(settings, clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.store.close()


@pytest.fixture
async def central(make_central: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the central app with faces on."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(make_central()), base_url="http://central.test", timeout=10
    ) as http:
        yield http
