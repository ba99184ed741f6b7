"""Cameras by URL and noticing a person in front of the kiosk from real pixels."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from kiosk_testkit import KIOSK_SIM
from PIL import Image

from central.app import create_app
from drivers.camera import CameraDeviceError, CameraError, open_camera
from drivers.camera.sim import SimCamera
from drivers.url import DeviceURLError
from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown
from kiosk.presence import PresenceDetector, PresenceSettings
from kiosk.wiring import open_parts
from tests.wait import wait_until


def test_a_person_is_greeted_once_per_visit() -> None:
    camera = SimCamera(seed=7)
    detector = PresenceDetector(PresenceSettings(frames=2))
    seen = [detector.feed(camera.read()) for _ in range(10)]
    assert not any(seen), "an empty lobby with sensor noise is nobody"
    camera.person_present = True
    seen = [detector.feed(camera.read()) for _ in range(10)]
    assert seen == [False, True] + [False] * 8  # two frames in a row, then greeted once
    camera.person_present = False
    assert not any(detector.feed(camera.read()) for _ in range(3))
    camera.person_present = True
    assert [detector.feed(camera.read()) for _ in range(2)] == [False, True]


def test_the_sim_camera_shows_what_is_held_up_while_another_thread_reads() -> None:
    """The kiosk reads one camera from two threads (the presence watcher and the QR
    scanner). A read that drew the old scene must not mark the new one as drawn: the
    demo's receipt was once never seen for 11 s under load."""
    camera = SimCamera(1280, 720, seed=3)
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            camera.read()

    watchers = [threading.Thread(target=watch) for _ in range(2)]
    for watcher in watchers:
        watcher.start()
    missed = []
    try:
        for i in range(150):
            shade = 0 if i % 2 else 250
            camera.person_present = not camera.person_present  # a watcher starts drawing
            time.sleep(0.001 * (i % 4))
            camera.held_up = np.full((220, 220, 3), shade, dtype=np.uint8)  # meanwhile
            time.sleep(0.02)
            centre = camera.read().pixels[360, 640]
            if abs(int(centre[0]) - shade) > 6:  # sensor noise is within 3
                missed.append((i, shade, centre.tolist()))
    finally:
        stop.set()
        for watcher in watchers:
            watcher.join()
    assert not missed, missed[:5]


def test_camera_urls_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(DeviceURLError, match="supported: v4l2://, video://, dir://, sim://"):
        open_camera("ip://10.0.0.9")
    with pytest.raises(CameraDeviceError, match="not a folder"):
        open_camera(f"dir://{tmp_path / 'absent'}")
    Image.new("RGB", (64, 48), (10, 200, 30)).save(tmp_path / "a.png")
    (tmp_path / "b.jpg").write_bytes(b"\xff\xd8 this is not a jpeg")
    camera = open_camera(f"dir://{tmp_path}")
    frame = camera.read()
    assert frame.size == (64, 48) and frame.pixels[0, 0].tolist() == [10, 200, 30]
    with pytest.raises(CameraError, match="b.jpg: not a readable image"):
        camera.read()
    sim = open_camera("sim://?width=160&height=120")
    assert sim.read().pixels.shape == (120, 160, 3)
    assert sim.read().pixels.dtype == np.uint8


async def test_the_daemon_greets_who_the_camera_sees(tmp_path: Path, central_settings) -> None:  # type: ignore[no-untyped-def]
    config = load_config(
        KIOSK_SIM,
        overrides={
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "devices.camera": "sim://",
            "devices.base": "none://",
            "presence.interval_s": 0.05,
        },
    )
    config = config.model_copy(update={"speech": None})
    transport = httpx.ASGITransport(app=create_app(central_settings))
    daemon = KioskDaemon(config, open_parts(config, transport=transport))
    serving = asyncio.ensure_future(daemon.run())
    try:
        camera = daemon.camera
        assert isinstance(camera, SimCamera)
        # the detector must have seen the empty lobby first
        await wait_until(lambda: camera.frames_read >= 3, 10)
        camera.person_present = True
        await wait_until(lambda: daemon.flow.visit.person_seen, 20)
        assert [r["event"]["type"] for r in daemon.transcript].count("PersonDetected") == 1
    finally:
        daemon.post(Shutdown())
        await serving
