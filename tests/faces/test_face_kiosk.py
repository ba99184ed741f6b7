"""Dossier lookup by face through the whole kiosk daemon and the real central app: a
citizen enrols after a code lookup, finds their dossier by face on the code path's result
screen, and has their face forgotten; a wrong second factor, an unenrolled face, two faces
in view, the camera unplugged; and no picture on disk or in the temp folder afterwards.

The camera plays the shared photos (1280x720, fresh noise on every frame); a citizen turns
their head when the screen asks, as a person would: the photo of them turned is shown once
the challenge screen names the direction.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from faces_testkit import auth, photo, pictures_under, turned, write_key

from central.app import create_app
from central.settings import load_settings
from drivers.camera.photos import PhotoCamera
from drivers.printer.sim import SimPrinter
from kiosk.config import load_config
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown
from kiosk.faces.engine import Encoding
from kiosk.faces.liveness import Turn
from kiosk.wiring import open_parts
from tests.wait import wait_until

pytestmark = pytest.mark.asyncio

ROOT = Path(__file__).resolve().parents[2]
COUNTER_TOKEN = "sim-counter-Q1-token-0000"  # config/central.sim.toml
CODE = "000.00.12.H29-261120-0042"
YEAR = "1961"


class Lobby:
    """The daemon, its camera, and central's counter side."""

    def __init__(self, daemon: KioskDaemon, camera: PhotoCamera, http: httpx.AsyncClient):
        self.daemon, self.camera, self.http = daemon, camera, http

    @property
    def look(self) -> Any:
        return self.daemon.flow.visit.dossier

    def screen(self) -> str:
        return " | ".join(d.text for d in self.daemon.screen.texts)

    async def tap(self, target: str, value: Any = None) -> None:
        handled = len(self.daemon.transcript)
        assert self.daemon.screen.tap(target, value), (target, value, self.look.phase)
        await wait_until(lambda: len(self.daemon.transcript) > handled)

    async def open(self, language: str = "en") -> None:
        if self.daemon.flow.current_state_id != "idle":
            self.daemon.arm_timer(0.05)  # the last citizen walked away
        await wait_until(lambda: self.daemon.flow.current_state_id == "idle")
        await self.tap("start")
        await self.tap("language", language)
        await self.tap("ask_dossier")
        await wait_until(lambda: self.daemon.flow.current_state_id == "dossier_lookup")

    async def by_code(self, code: str = CODE) -> None:
        for char in code:
            await self.tap("dossier_key", char)
        await self.tap("dossier_key", "ok")
        await wait_until(lambda: self.look.phase == "result", describe=lambda: self.look)

    async def factor(self, digits: str) -> None:
        for char in digits:
            await self.tap("face_key", char)
        self.camera.show(photo("obama_1.jpg"))  # looking straight at the camera
        await self.tap("face_key", "ok")

    async def turn_when_asked(self, name: str = "obama_2.jpg") -> str:
        """Look straight until the screen says which way, then turn that way."""
        await wait_until(
            lambda: self.look.face.stage == "turn" or self.look.phase != "face_capture",
            timeout_s=60,
            describe=lambda: self.look,
        )
        way = self.look.face.turn
        if way:
            self.camera.show(turned(name, Turn(way)))
        await wait_until(lambda: self.look.phase != "face_capture", timeout_s=60)
        return str(self.look.phase)

    async def record(self, code: str = CODE, **fields: Any) -> None:
        body = {
            "code": code,
            "procedure": "ly-lich-tu-phap",
            "applicant_name": "Nguyễn Văn An",
            "received_on": "2026-11-20",
            "birth_year": int(YEAR),
            **fields,
        }
        answer = await self.http.post("/api/v1/dossiers", json=body, headers=auth(COUNTER_TOKEN))
        assert answer.status_code == 201, answer.text


@pytest.fixture
async def lobby(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Lobby]:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # any library's temp files land here
    base = load_settings(ROOT / "config" / "central.sim.toml")
    faces = base.faces.model_copy(update={"enabled": True, "key_file": str(write_key(tmp_path))})
    settings = base.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'central.sqlite3'}", "faces": faces}
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app)
    config = load_config(
        ROOT / "config" / "kiosk.sim.toml",
        overrides={
            "central.url": "http://central",
            "kiosk.state_dir": str(tmp_path / "kiosk"),
            "tickets.preview_dir": None,
            "devices.base": "none://",
            "faces.enabled": True,
            "faces.enrol_frames": 2,
            "faces.challenge_timeout_s": 30,
        },
    )
    parts = open_parts(config, transport=transport, printer=SimPrinter())
    camera = PhotoCamera([photo("obama_1.jpg")])
    parts.camera = camera
    daemon = KioskDaemon(config, parts)
    serving = asyncio.ensure_future(daemon.run())
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as http:
        here = Lobby(daemon, camera, http)
        await wait_until(lambda: daemon.faces is not None and daemon.faces.button, timeout_s=30)
        yield here
    daemon.post(Shutdown())
    await asyncio.wait_for(serving, 10)
    app.state.store.close()
    for folder in (tmp_path, scratch):  # no picture anywhere: state, central, temp
        assert pictures_under(folder) == []


async def test_enrol_after_a_code_lookup_then_by_face_then_forget(
    lobby: Lobby, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await lobby.record()
    await lobby.open("en")
    await lobby.by_code()
    assert "Next time, look up by face?" in lobby.screen()
    await lobby.tap("face_offer")
    assert lobby.look.phase == "face_consent"
    assert "no photo is kept" in lobby.screen() and "Forget my face" in lobby.screen()
    await lobby.tap("face_consent", "yes")
    await lobby.factor(YEAR)
    assert await lobby.turn_when_asked() == "face_done"
    assert lobby.look.face.outcome == "enrolled", lobby.look
    assert "Next time, choose" in lobby.screen()

    await lobby.open("vi")  # another day: by face
    await lobby.tap("face_lookup")
    await lobby.factor(YEAR)
    assert await lobby.turn_when_asked() == "result"
    assert lobby.look.by_face and lobby.look.status == "received"
    shown = lobby.screen()
    assert "Đã tiếp nhận" in shown and CODE in shown  # the code path's result screen
    assert "Lần sau tra cứu bằng khuôn mặt?" not in shown  # already by face
    await lobby.tap("forget_face")
    await wait_until(lambda: lobby.look.phase == "face_done")
    assert lobby.look.face.outcome == "forgotten"
    faces = lobby.daemon.health_snapshot()["faces"]  # counts only, for the technician
    assert faces == {"button": True, "problem": None, "enrolled": 1, "found": 1}

    await lobby.open("en")  # forgotten at once: the face finds nothing now
    await lobby.tap("face_lookup")
    await lobby.factor(YEAR)
    await wait_until(lambda: lobby.look.phase == "face_done")
    assert lobby.look.face.outcome == "no-candidates"
    assert "could not find you by face" in lobby.screen()
    await lobby.tap("face_use_code")  # the code path is offered
    assert lobby.look.phase == "code"

    log = caplog.text + json.dumps(list(lobby.daemon.transcript), ensure_ascii=False)
    assert CODE not in log and "Nguyễn" not in log
    assert all(
        r["event"].get("value") in (None, "*", "ok", "erase")
        for r in lobby.daemon.transcript
        if r["event"].get("target") == "face_key"
    )


async def test_a_face_with_two_dossiers_shows_both_newest_first(lobby: Lobby) -> None:
    """A citizen enrols their face with two dossiers on two visits; central merges them into
    one face, and the lookup by face shows the newest with the other one touch away."""
    older, newer = CODE, "000.00.12.H29-261125-0107"
    await lobby.record(older, received_on="2026-11-20")
    await lobby.record(newer, received_on="2026-11-25", procedure="khai-sinh")
    for code in (older, newer):
        await lobby.open("en")
        await lobby.by_code(code)
        await lobby.tap("face_offer")
        await lobby.tap("face_consent", "yes")
        await lobby.factor(YEAR)
        assert await lobby.turn_when_asked() == "face_done"
        assert lobby.look.face.outcome == "enrolled", lobby.look

    await lobby.open("vi")
    await lobby.tap("face_lookup")
    await lobby.factor(YEAR)
    assert await lobby.turn_when_asked() == "result"
    first = lobby.screen()
    assert newer in first and older not in first, first  # the newest first
    assert "Xem hồ sơ tiếp theo (còn 1)" in first
    assert all(t.fits for t in lobby.daemon.screen.texts)
    await lobby.tap("dossier_key", "next")
    await wait_until(lambda: older in lobby.screen(), describe=lobby.screen)
    assert newer not in lobby.screen() and lobby.look.phase == "result"
    await lobby.tap("dossier_key", "next")  # round again
    await wait_until(lambda: newer in lobby.screen(), describe=lobby.screen)
    await lobby.tap("forget_face")  # one face: forgetting it from either dossier forgets it
    await wait_until(lambda: lobby.look.phase == "face_done")
    assert lobby.look.face.outcome == "forgotten"

    await lobby.open("en")  # a code lookup shows one dossier and no "other dossiers"
    await lobby.by_code(older)
    assert older in lobby.screen() and "next dossier" not in lobby.screen()


async def test_wrong_second_factor_and_an_unenrolled_face(
    lobby: Lobby, encodings: dict[str, Encoding]
) -> None:
    await lobby.record()
    await lobby.open("en")
    await lobby.by_code()
    await lobby.tap("face_offer")
    await lobby.tap("face_consent", "yes")
    await lobby.factor("1962")  # not this dossier's birth year: no face is kept
    assert await lobby.turn_when_asked() == "face_done"
    assert lobby.look.face.outcome == "refused"

    # a counter enrols another citizen with the same birth year
    await lobby.record("HS-2026-000777")
    body = {
        "dossiers": ["HS-2026-000777"],
        "factor": {"kind": "birth_year", "value": YEAR},
        "encoding": [float(x) for x in encodings["kit_harington_1.jpg"]],
        "consent": "vi:2026-11",
    }
    made = await lobby.http.post("/api/v1/faces", json=body, headers=auth(COUNTER_TOKEN))
    assert made.status_code == 201, made.text
    await lobby.open("en")
    await lobby.tap("face_lookup")
    await lobby.factor(YEAR)  # a live citizen who never enrolled
    assert await lobby.turn_when_asked() == "face_done"
    assert lobby.look.face.outcome == "not-found"
    await lobby.open("en")
    await lobby.tap("face_lookup")
    await lobby.factor("1990")  # nobody with this factor: the camera is not even used
    await wait_until(lambda: lobby.look.phase == "face_done")
    assert lobby.look.face.outcome == "no-candidates"


async def test_two_faces_are_told_to_step_back_and_leaving_stops_the_camera(
    lobby: Lobby, encodings: dict[str, Encoding]
) -> None:
    await lobby.record("HS-2026-000888")
    body = {
        "dossiers": ["HS-2026-000888"],
        "factor": {"kind": "birth_year", "value": YEAR},
        "encoding": [float(x) for x in encodings["obama_1.jpg"]],
        "consent": "vi:2026-11",
    }
    made = await lobby.http.post("/api/v1/faces", json=body, headers=auth(COUNTER_TOKEN))
    assert made.status_code == 201, made.text
    await lobby.open("en")
    await lobby.tap("face_lookup")
    for char in YEAR:
        await lobby.tap("face_key", char)
    lobby.camera.show(photo("two_people.jpg"))
    await lobby.tap("face_key", "ok")
    await wait_until(lambda: lobby.look.face.problem == "face_two", timeout_s=30)
    assert "Please ask the other person to step back" in lobby.screen()
    await lobby.tap("back")  # the citizen gives up: the capture stops at the next frame
    await wait_until(
        lambda: not any(
            getattr(t.get_coro(), "__qualname__", "") == "FaceRunner.run"
            for t in lobby.daemon._tasks
        ),
        timeout_s=30,
    )
    assert lobby.daemon.flow.current_state_id == "menu"


async def test_an_unplugged_camera_hides_the_face_button(lobby: Lobby) -> None:
    await lobby.open("en")
    assert lobby.daemon.screen.target_centre("face_lookup") is not None
    lobby.camera.connected = False
    await wait_until(lambda: not lobby.daemon.faces.button, timeout_s=10)  # type: ignore[union-attr]
    await lobby.tap("dossier_key", "A")  # the screen is drawn again
    assert lobby.daemon.screen.target_centre("face_lookup") is None
    assert lobby.daemon.health_snapshot()["faces"]["button"] is False
    assert lobby.daemon.screen.target_centre("dossier_key", "ok") is not None  # code path stays
    lobby.camera.connected = True
    await wait_until(lambda: lobby.daemon.faces.button, timeout_s=10)  # type: ignore[union-attr]
    await lobby.tap("dossier_key", "erase")
    assert lobby.daemon.screen.target_centre("face_lookup") is not None
