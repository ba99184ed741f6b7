"""The demo's dossier citizen and screen tour (issue 8).

A counter officer records a dossier through central's counter endpoint (as a counter
terminal does when it receives the papers) and marks it ready to collect; later the
citizen shows the receipt's QR code to the kiosk's camera, reads the status, and walks
away: the idle timeout clears the screen. The tour saves every dossier screen in every
language with ``dossier`` in the file names: it looks each status up once (central's
per-kiosk rate limit is real) and switches the language on the shown screen, as a
citizen may.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import qrcode

from drivers.camera.sim import SimCamera
from kiosk.flow_dossier import DossierLook

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)

#: the demo citizen's receipt (a real-looking code: office.level.unit.agency-date-number)
RECEIPT = "000.00.12.H29-261130-0042"
#: the tour's dossiers, one per status: (code, status change or None, extra fields)
SAMPLES: tuple[tuple[str, dict[str, Any] | None, dict[str, Any]], ...] = (
    ("HS-2026-000101", None, {}),
    ("HS-2026-000102", {"status": "in_progress"}, {}),
    (
        "HS-2026-000103",
        {
            "status": "needs_documents",
            "missing": ["Bản sao Căn cước công dân có chứng thực", "Giấy xác nhận cư trú"],
        },
        {},
    ),
    ("HS-2026-000104", {"status": "ready", "pickup_counter": "Q2", "fee_due_vnd": 200000}, {}),
    ("HS-2026-000105", {"status": "returned"}, {}),
    ("HS-2026-000106", {"status": "in_progress"}, {"appointment_on": "2026-01-05"}),
)


async def _record(
    demo: HeadlessDemo, code: str, change: dict[str, Any] | None, **extra: Any
) -> None:
    """What the counter terminal sends: the dossier received, then its status changed."""
    counter = demo.central.settings.counters[0]
    body = {
        "code": code,
        "procedure": "ly-lich-tu-phap",
        "applicant_name": "Nguyễn Văn An",
        "received_on": "2025-12-20",
        "appointment_on": "2099-12-04",
        **extra,
    }
    async with httpx.AsyncClient(
        base_url=demo.central.url, timeout=5.0, headers={"Authorization": f"Bearer {counter.token}"}
    ) as http:
        answer = await http.post("/api/v1/dossiers", json=body)
        if answer.status_code not in (201, 409):  # 409: already there (a second tour)
            _LOGGER.error("demo: central did not record the dossier: %s", answer.text)
        if change is not None:
            await http.post(f"/api/v1/dossiers/{code}/status", json=change)


async def _phase(demo: HeadlessDemo, *phases: str, timeout_s: float = 10.0) -> str:
    for _ in range(int(timeout_s / 0.01)):
        if demo.daemon.flow.visit.dossier.phase in phases:
            break
        await asyncio.sleep(0.01)
    return demo.daemon.flow.visit.dossier.phase


async def look_up_by_qr(demo: HeadlessDemo, language: str) -> dict[str, Any]:
    """A citizen shows their receipt's QR code; returns what to record about the visit."""
    daemon, camera = demo.daemon, demo.daemon.camera
    if not isinstance(camera, SimCamera) or not demo.central.running:
        return {"dossier": "skipped"}
    await _record(demo, RECEIPT, {"status": "ready", "pickup_counter": "Q2", "fee_due_vnd": 50000})
    await demo._tap("start")
    await demo._wait_state("menu")
    if language != daemon.flow.visit.language:
        await demo._tap("language", language)
    await demo._tap("ask_dossier")
    await demo._wait_state("dossier_lookup")
    qr = qrcode.make(f"https://dichvucong.example.gov.vn/tra-cuu/{RECEIPT}", border=2)
    camera.held_up = np.asarray(qr.get_image().convert("RGB").resize((220, 220)))
    phase = await _phase(demo, "result", "locked")
    camera.held_up = None
    shown = daemon.procedures.dossier_shown if daemon.procedures else None
    daemon.screen.screenshot(demo.out / "screens" / f"{len(demo.results):02d}-dossier-qr.png")
    daemon.arm_timer(0.3)  # the citizen reads it and walks away: the idle timeout
    await demo._wait_state("idle")
    cleared = daemon.flow.visit.dossier == DossierLook() and (
        daemon.procedures is None or daemon.procedures.dossier_shown is None
    )
    _LOGGER.info("demo: a citizen looked a dossier up by its receipt QR: %s", phase)
    return {
        "language": language,
        "dossier_phase": phase,
        "dossier_status": shown.status if shown else None,
        "cleared_on_timeout": cleared,
    }


async def tour(demo: HeadlessDemo, shot: Any, language: str) -> None:
    """Save the dossier screens of every language (once, from the first language's menu),
    back at the menu in ``language`` afterwards."""
    daemon = demo.daemon
    languages = daemon.config.kiosk.languages
    if language != languages[0] or not daemon.screen.target_centre("ask_dossier"):
        return

    async def every_language(name: str) -> None:
        for lang in languages:
            if daemon.flow.visit.language != lang:
                await demo._tap("language", lang)
            shot(lang, name)

    async def look_up(code: str) -> str:
        for char in code:
            await demo._tap("dossier_key", char)
        await demo._tap("dossier_key", "ok")  # handled: the keypad phase is over
        return await _phase(demo, "result", "code", "factor", "locked")

    for code, change, extra in SAMPLES:
        await _record(demo, code, change, **extra)
    await demo._tap("ask_dossier")
    await demo._wait_state("dossier_lookup")
    await every_language("dossier-keypad")
    await look_up("HS-2026-999999")
    await every_language("dossier-not-found")
    for name, look in (
        (
            "second-factor",
            DossierLook(code=SAMPLES[0][0], phase="factor", factor_kind="birth_year", factor="19"),
        ),
        ("searching", DossierLook(code=SAMPLES[0][0], phase="searching")),
        ("locked", DossierLook(phase="locked", locked_until=daemon.flow.clock() + 300)),
    ):
        for lang in languages:  # states a tour cannot wait for, drawn by the real screen
            visit = replace(daemon.flow.visit, language=lang, dossier=look)
            daemon.screen.show(daemon.screen_model("dossier_lookup", visit))
            shot(lang, f"dossier-{name}")
    await demo._tap("back")
    await demo._tap("ask_dossier")
    for code, _change, _extra in SAMPLES:
        if await look_up(code) != "result":
            _LOGGER.error("demo: dossier %s not shown", code)
            continue
        shown = daemon.procedures.dossier_shown if daemon.procedures else None
        await every_language(f"dossier-{shown.status if shown else 'unknown'}")
        await demo._tap("dossier_key", "new")
    await demo._tap("back")
    await demo._wait_state("menu")
    if daemon.flow.visit.language != language:
        await demo._tap("language", language)
