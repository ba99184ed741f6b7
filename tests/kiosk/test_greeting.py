"""The spoken greeting: once per approach, never over a citizen using the kiosk or over
speech; and through the daemon with the simulated camera."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
from kiosk_testkit import KIOSK_SIM

from central.app import create_app
from drivers.camera.sim import SimCamera
from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch
from kiosk.greeting import GREETINGS, Greeter, GreetingSettings
from kiosk.wiring import open_parts


class Clock:
    """Seconds set by the test."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def greeter(
    busy: list[bool], said: list[tuple[str, str]], clock: Clock, **settings: Any
) -> Greeter:
    return Greeter(
        GreetingSettings(**settings),
        "vi",
        lambda t, lang: said.append((t, lang)),
        lambda: busy[0],
        clock,
    )


def test_greets_once_per_approach_in_polite_vietnamese() -> None:
    said: list[tuple[str, str]] = []
    clock = Clock()
    greet = greeter([False], said, clock, gap_s=20)
    assert greet.person_arrived("idle")
    assert said == [(GREETINGS["vi"], "vi")] and said[0][0].startswith("Kính chào quý khách")
    clock.now += 5  # stepped out of the picture and back: the same approach
    assert not greet.person_arrived("idle")
    clock.now += 30
    assert greet.person_arrived("idle") and greet.spoken == 2


def test_never_over_a_citizen_or_over_speech() -> None:
    said: list[tuple[str, str]] = []
    busy = [True]
    greet = greeter(busy, said, Clock())
    assert not greet.person_arrived("idle")  # the kiosk is speaking or listening
    for state in ("menu", "service", "issuing", "ticket", "guiding"):
        busy[0] = False
        assert not greet.person_arrived(state)
    assert said == []
    assert not greeter([False], said, Clock(), aloud=False).person_arrived("idle")
    assert said == []


async def _until(check: Any) -> bool:
    for _ in range(400):
        if check():
            return True
        await asyncio.sleep(0.02)
    return False


async def test_the_daemon_greets_aloud_who_walks_up(tmp_path: Path, central_settings: Any) -> None:
    config = load_config(
        KIOSK_SIM,
        overrides={
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "devices.camera": "sim://",
            "devices.base": "none://",
            "presence.interval_s": 0.05,
            "greeting.gap_s": 0,
        },
    )
    config = config.model_copy(update={"speech": None})
    transport = httpx.ASGITransport(app=create_app(central_settings))
    daemon = KioskDaemon(config, open_parts(config, transport=transport))
    serving = asyncio.ensure_future(daemon.run())
    try:
        camera = daemon.camera
        assert isinstance(camera, SimCamera)
        assert await _until(lambda: camera.frames_read >= 3)
        camera.person_present = True
        assert await _until(lambda: daemon.voice_screen.greeter.spoken == 1)
        daemon.post(Touch("start", "vi"))  # the citizen starts: the kiosk is in use
        assert await _until(lambda: daemon.flow.current_state_id != "idle")
        camera.person_present = False
        await asyncio.sleep(0.3)
        camera.person_present = True  # somebody else walks up behind the citizen
        await asyncio.sleep(0.5)
        assert daemon.voice_screen.greeter.spoken == 1
    finally:
        daemon.post(Shutdown())
        await serving
