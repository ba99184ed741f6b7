"""The demo's face citizens and screen tour (issue 9).

A counter records a dossier (with the citizen's birth year, as the counter terminal does
when it receives the papers). One citizen looks it up by its code, accepts "next time, by
face?", reads the consent, types the birth year, looks at the camera and turns the way the
screen asks: the sim camera shows the shared photos (../shared/faces) full frame at
1280x720, straight, then turned the asked way. A later citizen, the same person, looks up
by face: the birth year, the challenge, and the code path's result screen; then presses
"Forget my face". The tour saves the consent, challenge and result screens of every
language with ``face`` in the file names.

Central's face key for the demo is a fresh random one in the demo's output folder.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np

from drivers.camera.photos import load_photo, place
from drivers.camera.sim import SimCamera
from kiosk.embedded_central import EmbeddedCentral
from kiosk.flow_dossier import DossierLook
from kiosk.flow_faces import FaceLook

if TYPE_CHECKING:
    from kiosk.demo import Citizen, HeadlessDemo

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
FACES = next(
    (p for p in (ROOT.parent / "shared" / "faces", Path("/work/shared/faces")) if p.is_dir()),
    ROOT.parent / "shared" / "faces",
)
#: the face citizen's dossier and birth year
CODE = "000.00.12.H29-261130-0077"
YEAR = "1961"
#: the sim camera's frame for faces (a lobby camera of at least 1280x720, README)
CAMERA = "sim://?width=1280&height=720"


def available() -> bool:
    """The faces extra and the shared photos are installed (else the demo goes without)."""
    extra = all(importlib.util.find_spec(m) for m in ("dlib", "face_recognition_models"))
    return extra and (FACES / "obama_1.jpg").is_file()


def setup(central: EmbeddedCentral, out: Path) -> dict[str, Any]:
    """Turn faces on in the embedded central (a fresh key in ``out``) and return the
    kiosk config overrides (faces on, the 1280x720 sim camera)."""
    from central.face_vault import new_key

    key = out / "face.key"
    key.write_text(new_key() + "\n", encoding="ascii")
    key.chmod(0o600)
    faces = central.settings.faces.model_copy(update={"enabled": True, "key_file": str(key)})
    central.settings = central.settings.model_copy(update={"faces": faces})
    # the shared 2-core machine runs the demo's counters and voice too: more time to turn
    return {"faces.enabled": True, "devices.camera": CAMERA, "faces.challenge_timeout_s": 20}


def _frame(name: str, mirrored: bool = False) -> np.ndarray:
    return place(load_photo(FACES / name), 1280, 720, mirrored=mirrored)


async def _record(demo: HeadlessDemo) -> None:
    counter = demo.central.settings.counters[0]
    body = {
        "code": CODE,
        "procedure": "ly-lich-tu-phap",
        "applicant_name": "Trần Thị Bình",
        "received_on": "2026-11-20",
        "appointment_on": "2099-12-04",
        "birth_year": int(YEAR),
    }
    async with httpx.AsyncClient(
        base_url=demo.central.url, timeout=5.0, headers={"Authorization": f"Bearer {counter.token}"}
    ) as http:
        answer = await http.post("/api/v1/dossiers", json=body)
        if answer.status_code not in (201, 409):
            _LOGGER.error("demo: central did not record the dossier: %s", answer.text)


async def _until(demo: HeadlessDemo, test: Any, timeout_s: float = 60.0) -> bool:
    for _ in range(int(timeout_s / 0.02)):
        if test():
            return True
        await asyncio.sleep(0.02)
    return False


async def _press(demo: HeadlessDemo, target: str, value: Any, *phases: str) -> bool:
    """Tap, then wait until the screen has moved to one of ``phases`` (a tap is a mouse
    event the daemon takes when it gets to it; on a busy machine that is a while)."""
    await demo._tap(target, value)
    return await _until(demo, lambda: demo.daemon.flow.visit.dossier.phase in phases, 30)


async def _by_code(demo: HeadlessDemo) -> None:
    """Type the dossier's code and wait for central's answer (found, or an error shown)."""
    for char in CODE:
        await demo._tap("dossier_key", char)
    await demo._tap("dossier_key", "ok")

    def answered() -> bool:
        look = demo.daemon.flow.visit.dossier
        return look.phase in ("result", "locked") or bool(look.error)

    if not await _until(demo, answered):
        _LOGGER.error("demo: no answer to the dossier lookup")


async def _camera_journey(demo: HeadlessDemo, camera: SimCamera) -> str:
    """Type the birth year, look straight, turn as asked; the phase it ended in."""

    def look() -> DossierLook:
        return demo.daemon.flow.visit.dossier

    for char in YEAR:
        await demo._tap("face_key", char)
    camera.held_up = _frame("obama_1.jpg")  # standing in front of the camera, looking at it
    await _press(demo, "face_key", "ok", "face_capture", "face_done", "result", "locked")
    await _until(demo, lambda: look().face.stage == "turn" or look().phase != "face_capture")
    if look().face.turn:  # obama_2 turns to his right; mirrored, to his left
        camera.held_up = _frame("obama_2.jpg", mirrored=look().face.turn == "left")
    await _until(demo, lambda: look().phase != "face_capture")
    camera.held_up = None
    return look().phase


async def _open(demo: HeadlessDemo, language: str) -> None:
    await demo._tap("start")
    await demo._wait_state("menu")
    if language != demo.daemon.flow.visit.language:
        await demo._tap("language", language)
    await demo._tap("ask_dossier")
    await demo._wait_state("dossier_lookup")


def _shot(demo: HeadlessDemo, name: str) -> None:
    demo.daemon.screen.screenshot(demo.out / "screens" / f"{len(demo.results):02d}-{name}.png")


async def visit(demo: HeadlessDemo, citizen: Citizen) -> dict[str, Any]:
    """A face citizen's visit (``citizen.face``: enrols or finds); what to record."""
    if citizen.face == "enrols":
        return await enrols(demo, citizen.language)
    return await finds(demo, citizen.language)


async def enrols(demo: HeadlessDemo, language: str) -> dict[str, Any]:
    """Looks the dossier up by its code, then enrols the face; what to record."""
    daemon, camera = demo.daemon, demo.daemon.camera
    if daemon.faces is None or not isinstance(camera, SimCamera):
        return {"face": "skipped"}
    await _until(demo, lambda: daemon.faces is not None and daemon.faces.button, 30)
    await _record(demo)
    await _open(demo, language)
    await _by_code(demo)
    await _press(demo, "face_offer", None, "face_consent")
    _shot(demo, "face-consent")
    await _press(demo, "face_consent", "yes", "face_factor")
    phase = await _camera_journey(demo, camera)
    outcome = daemon.flow.visit.dossier.face.outcome
    _shot(demo, f"face-enrol-{outcome}")
    _LOGGER.info("demo: a citizen enrolled their face after a code lookup: %s", outcome)
    daemon.arm_timer(0.3)  # reads it and walks away
    await demo._wait_state("idle")
    return {"language": language, "face": "enrols", "face_phase": phase, "face_outcome": outcome}


async def finds(demo: HeadlessDemo, language: str) -> dict[str, Any]:
    """Looks the dossier up by face, then asks the kiosk to forget the face."""
    daemon, camera = demo.daemon, demo.daemon.camera
    if daemon.faces is None or not isinstance(camera, SimCamera):
        return {"face": "skipped"}
    await _open(demo, language)
    if daemon.screen.target_centre("face_lookup") is None:
        _LOGGER.error("demo: no face button (camera or models missing)")
        return {"face": "finds", "face_phase": "no-button"}
    await _press(demo, "face_lookup", None, "face_factor")
    phase = await _camera_journey(demo, camera)
    look = daemon.flow.visit.dossier
    shown = daemon.procedures.dossier_shown if daemon.procedures else None
    _shot(demo, "face-result")
    found = phase == "result" and look.by_face
    forgotten = None
    if found:
        await _press(demo, "forget_face", None, "face_done")
        forgotten = daemon.flow.visit.dossier.face.outcome
        _shot(demo, "face-forgotten")
    _LOGGER.info("demo: a citizen looked a dossier up by face: %s, then %s", phase, forgotten)
    daemon.arm_timer(0.3)
    await demo._wait_state("idle")
    return {
        "language": language,
        "face": "finds",
        "face_phase": phase,
        "face_by_face": look.by_face,
        "face_dossier_status": shown.status if shown else None,
        "face_forgotten": forgotten,
    }


async def tour(demo: HeadlessDemo, shot: Any, language: str) -> None:
    """Save the face screens of every language (once, from the first language's menu):
    a real enrolment and lookup by face in the first language, the language switched on
    each shown screen; the challenge's stages drawn by the real screen."""
    daemon, camera = demo.daemon, demo.daemon.camera
    languages = daemon.config.kiosk.languages
    if language != languages[0] or daemon.faces is None or not isinstance(camera, SimCamera):
        return
    if not await _until(demo, lambda: daemon.faces is not None and daemon.faces.button, 30):
        _LOGGER.error("demo: the face models did not load: no face screens")
        return

    async def switch_to(lang: str) -> None:
        if daemon.flow.visit.language != lang:
            await demo._tap("language", lang)
            await _until(demo, lambda: daemon.flow.visit.language == lang, 30)

    async def every_language(name: str) -> None:
        for lang in languages:
            await switch_to(lang)
            shot(lang, name)
        await switch_to(languages[0])

    await _record(demo)
    await demo._tap("ask_dossier")
    await demo._wait_state("dossier_lookup")
    await every_language("face-keypad")
    await _by_code(demo)
    await every_language("face-offer-on-result")
    await _press(demo, "face_offer", None, "face_consent")
    await every_language("face-consent")
    await _press(demo, "face_consent", "yes", "face_factor")
    await every_language("face-factor")
    await _camera_journey(demo, camera)
    await every_language("face-enrolled")
    stages = {
        "face-challenge-look": FaceLook(purpose="lookup", stage="look"),
        "face-challenge-turn-left": FaceLook(purpose="lookup", stage="turn", turn="left"),
        "face-challenge-turn-right-two-faces": FaceLook(
            purpose="lookup", stage="turn", turn="right", problem="face_two"
        ),
        "face-not-found": FaceLook(purpose="lookup", outcome="not-found"),
    }
    for name, face in stages.items():
        phase = "face_done" if face.outcome else "face_capture"
        for lang in languages:  # stages a tour cannot wait for, drawn by the real screen
            visit = replace(daemon.flow.visit, language=lang, dossier=DossierLook(phase=phase,
                                                                                  face=face))
            daemon.screen.show(daemon.screen_model("dossier_lookup", visit))
            shot(lang, name)
    await _press(demo, "face_use_code", None, "code")
    await _press(demo, "face_lookup", None, "face_factor")
    if await _camera_journey(demo, camera) == "result":
        await every_language("face-result-by-face")
        await _press(demo, "forget_face", None, "face_done")
        await every_language("face-forgotten")
    else:
        _LOGGER.error("demo: the tour's lookup by face did not find the dossier")
    await demo._tap("back")
    await demo._wait_state("menu")
