"""A citizen looks up their dossier at the kiosk, through the real central app in-process:
typed on the keypad or shown as the receipt's QR code; every status as shown; a miss, the
lockout (the kiosk's own count and central's 429), the second factor, hostile QR codes, and
the screen cleared on the idle timeout. Nothing personal in the log or the transcript."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import qrcode

from central.settings import CentralSettings, load_settings
from drivers.camera.sim import SimCamera
from kiosk.daemon import KioskDaemon
from kiosk.events import Timeout
from kiosk.flow_dossier import LOCAL_MAX_MISSES
from kiosk.qr_scan import dossier_code_from_qr
from kiosk.screen.model import DossierPanel

from .conftest import CENTRAL_SIM, until
from .screen_models import LANGUAGES, SCREENS, model
from .test_citizens import at, on_screen, tap
from .test_layout import _screen, check

CODE = "000.00.12.H29-261120-0007"
COUNTER = {"Authorization": "Bearer sim-counter-Q1-token-0000"}
DOSSIER = {
    "code": CODE,
    "procedure": "ly-lich-tu-phap",
    "applicant_name": "Nguyễn Văn An",
    "received_on": "2026-11-20",
    "appointment_on": "2099-12-04",
    "phone": "0912 345 678",
    "birth_year": 1961,
}


@pytest.fixture
def central_settings(tmp_path: Path, request: pytest.FixtureRequest) -> CentralSettings:
    """The simulated centre; ``indirect`` parameters change its ``[dossier_lookup]``."""
    settings = load_settings(CENTRAL_SIM).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'central.sqlite3'}"}
    )
    changes: dict[str, Any] = getattr(request, "param", {})
    lookup = settings.dossier_lookup.model_copy(update=changes)
    return settings.model_copy(update={"dossier_lookup": lookup})


async def _create(http: httpx.AsyncClient, **changes: Any) -> None:
    answer = await http.post("/api/v1/dossiers", json={**DOSSIER, **changes}, headers=COUNTER)
    assert answer.status_code == 201, answer.text


async def _status(http: httpx.AsyncClient, code: str, **body: Any) -> None:
    answer = await http.post(f"/api/v1/dossiers/{code}/status", json=body, headers=COUNTER)
    assert answer.status_code == 200, answer.text


async def _open(daemon: KioskDaemon, language: str = "vi") -> None:
    await tap(daemon, "start")
    await at(daemon, "menu")
    await tap(daemon, "language", language)
    await tap(daemon, "ask_dossier")
    await at(daemon, "dossier_lookup")


async def _type(daemon: KioskDaemon, code: str) -> None:
    for char in code:
        await tap(daemon, "dossier_key", char)


async def _look_up(daemon: KioskDaemon, code: str) -> str:
    await _type(daemon, code)
    await tap(daemon, "dossier_key", "ok")
    await until(lambda: daemon.flow.visit.dossier.phase not in ("searching",))
    return daemon.flow.visit.dossier.phase


def _qr(text: str, side: int = 220) -> np.ndarray:
    image = qrcode.make(text, border=2).get_image().convert("RGB").resize((side, side))
    return np.asarray(image, dtype=np.uint8)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (CODE, CODE),
        ("hs-2026-004217", "HS-2026-004217"),
        (f"https://dichvucong.example.gov.vn/tra-cuu/{CODE}", CODE),
        ("'; DROP TABLE dossiers; --", None),
        (f"{CODE}\x00rm -rf /", None),
        ("javascript:alert(1)//" + CODE, None),
        ("../../etc/passwd", None),
        (CODE + "A" * 600, None),
        ("A" * 41, None),
        ("ABC", None),
        ("<script>alert(1)</script>", None),
    ],
)
def test_only_dossier_codes_are_taken_from_a_receipt_qr(text: str, code: str | None) -> None:
    assert dossier_code_from_qr(text) == code


async def test_found_by_typing_and_each_status_shown(
    daemon: KioskDaemon, central_http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    await _create(central_http)
    await _open(daemon, "en")
    assert await _look_up(daemon, CODE) == "result"
    shown = on_screen(daemon)
    assert "Nguyễn V. A." in shown and "Nguyễn Văn An" not in shown
    assert "Received" in shown and "20 November 2026" in shown and "4 December 2099" in shown
    statuses = [
        ({"status": "in_progress"}, ["Being processed"]),
        (
            {"status": "needs_documents", "missing": ["Bản sao CCCD"]},
            ["More documents needed", "1. Bản sao CCCD"],
        ),
        (
            {"status": "ready", "pickup_counter": "Q2", "fee_due_vnd": 200000},
            ["Ready to collect", "Collect at: Counter 2", "200,000 dong"],
        ),
        ({"status": "returned"}, ["Result handed over"]),
    ]
    for body, words in statuses:
        await _status(central_http, CODE, **body)
        await tap(daemon, "dossier_key", "new")  # a new look-up starts from an empty box
        assert daemon.flow.visit.dossier.code == ""
        assert await _look_up(daemon, CODE) == "result"
        for word in words:
            assert word in on_screen(daemon), (word, on_screen(daemon))
    log = caplog.text + json.dumps(list(daemon.transcript), ensure_ascii=False)
    assert CODE not in log and CODE.lower() not in log and "Nguyễn" not in log


async def test_overdue_in_korean(daemon: KioskDaemon, central_http: httpx.AsyncClient) -> None:
    await _create(central_http, appointment_on="2020-01-02", received_on="2019-12-20")
    await _open(daemon, "ko")
    assert await _look_up(daemon, CODE) == "result"
    shown = on_screen(daemon)
    assert "처리 기한 초과" in shown and "2020년 1월 2일" in shown and "죄송합니다" in shown


async def test_a_miss_keeps_the_code_and_misses_lock_the_screen(
    daemon: KioskDaemon, central_http: httpx.AsyncClient
) -> None:
    await _create(central_http)
    await _open(daemon)
    assert await _look_up(daemon, CODE[:-1] + "8") == "code"
    look = daemon.flow.visit.dossier
    assert look.error == "not-found" and look.code == CODE[:-1] + "8"
    assert "Không tìm thấy hồ sơ" in on_screen(daemon)
    await tap(daemon, "dossier_key", "erase")  # fix the one wrong character
    assert await _look_up(daemon, "7") == "result"  # a hit clears the count
    await tap(daemon, "dossier_key", "new")
    await _type(daemon, "HS-0000-00000")
    for i in range(LOCAL_MAX_MISSES):
        phase = await _look_up(daemon, str(i + 1))
        assert phase == ("locked" if i == LOCAL_MAX_MISSES - 1 else "code")
        if phase == "code":
            await tap(daemon, "dossier_key", "erase")
    assert daemon.flow.visit.dossier.phase == "locked"
    assert "thử quá nhiều lần" in on_screen(daemon)
    assert not daemon.screen.tap("dossier_key", "A")  # no keypad while locked
    await tap(daemon, "back")
    await tap(daemon, "ask_dossier")  # coming back does not unlock it
    assert daemon.flow.visit.dossier.phase == "locked"


@pytest.mark.parametrize("central_settings", [{"max_misses": 2, "lockout_s": 600}], indirect=True)
async def test_central_lockout_is_followed_on_screen(daemon: KioskDaemon) -> None:
    await _open(daemon, "en")
    assert await _look_up(daemon, "HS-0000-000001") == "code"
    await tap(daemon, "dossier_key", "erase")
    assert await _look_up(daemon, "2") == "code"  # central's second miss
    await tap(daemon, "dossier_key", "erase")
    assert await _look_up(daemon, "3") == "locked"  # central answers 429 with Retry-After
    assert "try again in 10 minutes" in on_screen(daemon)


@pytest.mark.parametrize("central_settings", [{"second_factor": "birth_year"}], indirect=True)
async def test_second_factor(daemon: KioskDaemon, central_http: httpx.AsyncClient) -> None:
    await _create(central_http)
    await _open(daemon, "ko")
    assert await _look_up(daemon, CODE) == "factor"
    assert "출생 연도를 입력하십시오" in on_screen(daemon)
    assert not daemon.screen.tap("dossier_key", "A")  # digits only
    assert await _look_up(daemon, "1962") == "factor"  # a wrong year is a plain miss
    assert daemon.flow.visit.dossier.error == "not-found"
    assert await _look_up(daemon, "1961") == "result"
    assert "Nguyễn V. A." in on_screen(daemon)


async def test_receipt_qr_hostile_qr_and_cleared_on_timeout(
    daemon: KioskDaemon, central_http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await _create(central_http)
    await _status(central_http, CODE, status="ready", pickup_counter="Q2")
    camera = daemon.camera
    assert isinstance(camera, SimCamera)
    await _open(daemon)
    camera.held_up = _qr("'; DROP TABLE dossiers; --")
    await until(lambda: daemon.flow.visit.dossier.error == "not-a-dossier-code")
    assert "không phải của giấy biên nhận" in on_screen(daemon)
    camera.held_up = _qr(f"https://dichvucong.example.gov.vn/tra-cuu/{CODE}")
    await until(lambda: daemon.flow.visit.dossier.phase == "result")
    camera.held_up = None
    assert "Quầy 2" in on_screen(daemon) and "Nguyễn V. A." in on_screen(daemon)
    daemon.post(Timeout(daemon._generation))  # the citizen walked away
    await at(daemon, "idle")
    assert "Nguyễn" not in on_screen(daemon)
    assert daemon.procedures is not None and daemon.procedures.dossier_shown is None
    assert daemon.flow.visit.dossier.code == ""
    log = caplog.text + json.dumps(list(daemon.transcript), ensure_ascii=False)
    assert CODE not in log and "Nguyễn" not in log


def _panels(lang: str) -> dict[str, DossierPanel]:
    """The fullest of each dossier screen (long procedure name, two missing documents)."""
    result = {
        "procedure": "Cấp giấy phép lao động cho người nước ngoài làm việc tại Việt Nam",
        "applicant": "Nguyễn V. A.", "received_on": "20/11/2026",
        "appointment_on": "04/12/2026", "code": CODE,
    }
    return {
        "keypad": DossierPanel(code=CODE),
        "miss": DossierPanel(code=CODE, error="not-found"),
        "hostile-qr": DossierPanel(error="not-a-dossier-code"),
        "factor": DossierPanel(code=CODE, phase="factor", factor_kind="phone_last4",
                               factor="12", error="not-found"),
        "searching": DossierPanel(code=CODE, phase="searching"),
        "locked": DossierPanel(phase="locked", locked_min=5),
        **{f"result-{status}": DossierPanel(phase="result", status=status, **result)
           for status in ("received", "in_progress", "returned", "overdue")},
        "result-needs_documents": DossierPanel(
            phase="result", status="needs_documents",
            missing=("Bản sao Căn cước công dân có chứng thực", "Giấy xác nhận cư trú"),
            **result),
        "result-ready": DossierPanel(phase="result", status="ready", pickup="Quầy 12",
                                     fee_due="1.500.000 đồng", **result),
    }


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_dossier_screens_fit(orientation: str, large: bool, language: str,
                             tmp_path_factory: pytest.TempPathFactory) -> None:
    screen = _screen(orientation)
    out = tmp_path_factory.mktemp("dossier-screens")
    problems = []
    for name, panel in _panels(language).items():
        screen.show(model("dossier_lookup", language, large_text=large, dossier=panel))
        screen.screenshot(out / f"{orientation}-{language}-dossier-{name}.png")
        problems += [f"{name}: {p}" for p in check(screen)]
        assert any(t.target in ("back", "dossier_key") for t in screen.targets), name
    assert not problems, "\n".join(problems)
