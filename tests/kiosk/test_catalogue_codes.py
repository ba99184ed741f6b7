"""The voice catalogue and central's sim config name the same services."""

from __future__ import annotations

from kiosk_testkit import CENTRAL_SIM, ROOT

from central.settings import load_settings
from speech.catalogue import load_catalogue


def test_voice_catalogue_knows_every_central_service_and_its_prefix() -> None:
    central = {s.code: s.prefix for s in load_settings(CENTRAL_SIM).services}
    voice = {s.code: s.prefix for s in load_catalogue(ROOT / "config" / "catalogue.toml").services}
    assert voice == central  # offline numbers made before central was reached must match
