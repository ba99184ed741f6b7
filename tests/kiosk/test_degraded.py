"""A pulled cable or a missing file around the core job degrades the kiosk; it still
issues numbers, and the journal says what to fix."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from kiosk_testkit import KIOSK_SIM

from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch
from kiosk.wiring import open_parts
from tests.wait import wait_until


async def test_missing_base_camera_and_catalogue_still_issue_numbers(
    tmp_path: Path, asgi_transport: httpx.ASGITransport, caplog: pytest.LogCaptureFixture
) -> None:
    config = load_config(
        KIOSK_SIM,
        overrides={
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "tickets.preview_dir": None,
            "devices.base": f"serial://{tmp_path}/no-such-port?baud=115200",
            "devices.camera": f"dir://{tmp_path}/no-such-folder",
            "kiosk.catalogue": str(tmp_path / "no-catalogue.toml"),
        },
    )
    daemon = KioskDaemon(config, open_parts(config, transport=asgi_transport))
    assert daemon.robot is None and not daemon.has_base
    assert daemon.camera is None and daemon.voice is None
    problems = [r.getMessage() for r in caplog.records if "TECHNICIAN" in r.getMessage()]
    assert any("robot base unavailable" in p and "no-such-port" in p for p in problems)
    assert any("camera unavailable" in p and "not a folder" in p for p in problems)
    assert any("voice unavailable" in p and "no-catalogue.toml" in p for p in problems)
    serving = asyncio.ensure_future(daemon.run())
    try:
        daemon.post(Touch("service", "tu-phap"))
        await wait_until(lambda: daemon.flow.current_state_id == "ticket_ready", 30)
        assert daemon.issued and daemon.issued[-1].number == "A001"
        assert daemon.screen.target_centre("guide_me") is None  # the way is shown instead
    finally:
        daemon.post(Shutdown())
        await serving


async def test_first_start_without_central_still_issues_numbers(tmp_path: Path) -> None:
    """A new kiosk that has never reached central (no cached service list) offers the
    services of its own catalogue and issues offline numbers that central accepts later."""
    from kiosk.embedded_central import EmbeddedCentral, free_port

    port = free_port()
    config = load_config(
        KIOSK_SIM,
        overrides={
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "tickets.preview_dir": None,
            "devices.base": "none://",
            "central.url": f"http://127.0.0.1:{port}",
            "central.sync_interval_s": 0.2,
        },
    )
    daemon = KioskDaemon(config.model_copy(update={"speech": None}))
    serving = asyncio.ensure_future(daemon.run())
    central = EmbeddedCentral(
        Path(KIOSK_SIM).with_name("central.sim.toml"), tmp_path / "central.sqlite3", port=port
    )
    try:
        await wait_until(lambda: bool(daemon.catalogue.services), 30)
        assert not daemon.catalogue.from_central and len(daemon.catalogue.services) == 9
        daemon.post(Touch("service", "dat-dai"))
        await wait_until(lambda: bool(daemon.issued), 30)
        # a journal new today that could not ask central which offline numbers it holds
        # (the state directory may have been lost) starts past 500 rather than reuse one
        assert daemon.issued[-1].number == "K1-D501" and daemon.issued[-1].offline
        central.start()  # central comes up: the list is confirmed and the ticket synced
        await wait_until(
            lambda: daemon.catalogue.from_central and not daemon.journal.unsynced(), 30,
            lambda: f"from central {daemon.catalogue.from_central}, "
                    f"unsynced {daemon.journal.unsynced()}")
        assert daemon.journal.all_rows()[0].state == "synced"
    finally:
        daemon.post(Shutdown())
        await serving
        central.stop()
