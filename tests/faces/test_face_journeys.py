"""The citizen's journeys end to end: enrol after a code lookup, then look up by face, on
the real engine, a camera playing the shared photos and the real central app; and after
all of it, no picture anywhere on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from faces_testkit import KIOSK_TOKEN, photo, pictures_under, record_dossiers, turned

from drivers.camera.photos import PhotoCamera
from kiosk.faces.engine import FaceEngine
from kiosk.faces.liveness import Turn
from kiosk.faces.lookup import FaceDesk
from kiosk.faces.session import FaceCapture
from kiosk.faces.settings import FaceSettings
from kiosk.faces.wire import FaceService
from kiosk.tickets.client import CentralClient

pytestmark = pytest.mark.asyncio


class Ticks:
    """Time that moves a frame interval per look (the challenge runs without waiting)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += 0.15
        return self.t


def desk(engine: FaceEngine, app: Any, camera: PhotoCamera) -> FaceDesk:
    settings = FaceSettings(enabled=True, enrol_frames=2)
    tuned = FaceEngine(
        settings, detector=engine._detector, predictor=engine._predictor, encoder=engine._encoder
    )
    client = CentralClient("http://central.test", KIOSK_TOKEN, transport=httpx.ASGITransport(app))
    capture = FaceCapture(tuned, camera, clock=Ticks(), sleep=lambda _s: None)
    return FaceDesk(tuned, capture, FaceService(client))


async def test_enrol_then_find_by_face_then_forget(
    make_central: Any, engine: FaceEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # any library's temp files land here
    app = make_central()
    record_dossiers(app, "HS-2026-000001", "HS-2026-004217", birth_year=1961)
    straight = photo("obama_1.jpg")
    camera = PhotoCamera([straight, straight, turned("obama_2.jpg", Turn.LEFT)])
    kiosk = desk(engine, app, camera)

    # a photo held up for the straight look and somebody else doing the turn
    other = PhotoCamera([photo("kit_harington_1.jpg")] * 2 + [turned("obama_2.jpg", Turn.LEFT)])
    refused = await desk(engine, app, other).enrol(
        ["HS-2026-000001"], "1961", "vi:2026-11", Turn.LEFT
    )
    assert refused.status == "not-live"  # kit's straight face, obama's turn: another face

    enrolled = await kiosk.enrol(["HS-2026-004217"], "1961", "vi:2026-11", Turn.LEFT)
    assert enrolled.status == "enrolled"

    camera.show(straight, straight, turned("obama_2.jpg", Turn.RIGHT))
    found = await kiosk.lookup("1961", Turn.RIGHT)
    assert (found.status, found.dossiers) == ("found", ("HS-2026-004217",))
    assert found.match is not None and found.match.best is not None
    assert found.match.best < 0.5

    stranger = PhotoCamera(
        [photo("alex_lacamoire_1.jpg")] * 2 + [turned("obama_2.jpg", Turn.RIGHT)]
    )
    assert (await desk(engine, app, stranger).lookup("1961", Turn.RIGHT)).status == "not-live"
    alex_still = PhotoCamera([photo("alex_lacamoire_1.jpg")])
    assert (await desk(engine, app, alex_still).lookup("1961", Turn.LEFT)).status == "not-live"
    assert (await kiosk.lookup("1990", Turn.RIGHT)).status == "no-candidates"

    assert await kiosk.forget("HS-2026-004217") == 1
    camera.show(straight, straight, turned("obama_2.jpg", Turn.RIGHT))
    assert (await kiosk.lookup("1961", Turn.RIGHT)).status == "no-candidates"

    for folder in (tmp_path, scratch):
        assert pictures_under(folder) == []


async def test_two_people_in_front_of_the_camera_are_told_so(
    make_central: Any, engine: FaceEngine
) -> None:
    app = make_central()
    record_dossiers(app, "HS-7", birth_year=1961)
    kiosk = desk(
        engine, app, PhotoCamera([photo("obama_1.jpg")] * 2 + [turned("obama_2.jpg", Turn.RIGHT)])
    )
    assert (await kiosk.enrol(["HS-7"], "1961", "vi:2026-11", Turn.RIGHT)).status == "enrolled"
    crowd = desk(engine, app, PhotoCamera([photo("two_people.jpg")]))
    seen: list[Any] = []
    outcome = await crowd.lookup("1961", Turn.LEFT, lambda stage, problem: seen.append(problem))
    assert outcome.status == "no-face"
    assert outcome.problem is not None and outcome.problem.value == "face_two"
    assert seen and all(p is not None and p.value == "face_two" for p in seen)
