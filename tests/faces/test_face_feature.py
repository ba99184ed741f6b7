"""The face button is offered only when the feature can work."""

from __future__ import annotations

import httpx
import pytest
from faces_testkit import KIOSK_TOKEN, photo

from drivers.camera.photos import PhotoCamera
from kiosk.faces.engine import FaceEngine, ModelsMissing
from kiosk.faces.feature import FaceFeature
from kiosk.faces.settings import FaceSettings
from kiosk.tickets.client import CentralClient

pytestmark = pytest.mark.asyncio

ON = FaceSettings(enabled=True)


def _client() -> CentralClient:
    return CentralClient(
        "http://central.invalid",
        KIOSK_TOKEN,
        transport=httpx.MockTransport(lambda r: httpx.Response(503)),
    )


async def test_loaded_behind_the_first_screen_and_hidden_without_camera(
    engine: FaceEngine,
) -> None:
    camera = PhotoCamera([photo("obama_1.jpg")])
    feature = FaceFeature(ON, camera, _client(), loader=lambda _s: engine)
    assert not feature.available  # nothing loaded yet: no button
    await feature.start()
    assert feature.available and feature.desk is not None
    feature.camera_seen(False)  # unplugged: the button goes, the code path stays
    assert not feature.available
    feature.camera_seen(True)
    assert feature.available


async def test_off_no_camera_or_no_models_means_no_button() -> None:
    off = FaceFeature(FaceSettings(), PhotoCamera([photo("obama_1.jpg")]), _client())
    await off.start()
    assert not off.available and off.problem == "off"
    blind = FaceFeature(ON, None, _client())
    await blind.start()
    assert not blind.available and blind.problem == "no camera"

    def missing(_settings: FaceSettings) -> FaceEngine:
        raise ModelsMissing("face models not installed")

    broken = FaceFeature(ON, PhotoCamera([photo("obama_1.jpg")]), _client(), loader=missing)
    await broken.start()
    assert not broken.available and broken.problem == "face models not installed"
