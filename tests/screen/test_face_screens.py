"""The face steps of the dossier screen (issue 9) in every language, orientation and text
size: texts fit, targets are big enough and apart, each screen offers its way on (and the
code path), and the face buttons show only where they should."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.flow_faces import DONE_OUTCOMES
from kiosk.screen.model import DossierPanel, FacePanel

from .screen_models import LANGUAGES, SCREENS, model
from .test_layout import _screen, check

CODE = "000.00.12.H29-261120-0007"
RESULT = {
    "phase": "result",
    "status": "needs_documents",
    "procedure": "Cấp giấy phép lao động cho người nước ngoài làm việc tại Việt Nam",
    "applicant": "Nguyễn V. A.",
    "received_on": "20/11/2026",
    "appointment_on": "04/12/2026",
    "code": CODE,
    "missing": ("Bản sao Căn cước công dân có chứng thực", "Giấy xác nhận cư trú"),
}
ON = FacePanel(on=True, button=True)


def panels() -> dict[str, tuple[DossierPanel, set[str]]]:
    """Each face screen, with the targets it must offer."""
    shown: dict[str, tuple[DossierPanel, set[str]]] = {
        "keypad": (DossierPanel(code=CODE, face=ON), {"face_lookup", "dossier_key"}),
        "result-by-code": (DossierPanel(**RESULT, face=ON), {"face_offer", "forget_face"}),  # type: ignore[arg-type]
        "result-by-face": (
            DossierPanel(**RESULT, face=FacePanel(on=True, by_face=True)),  # type: ignore[arg-type]
            {"forget_face"},
        ),
        "consent": (
            DossierPanel(phase="face_consent", face=FacePanel(on=True, purpose="enrol")),
            {"face_consent", "back"},
        ),
        "factor-lookup": (
            DossierPanel(
                phase="face_factor", face=FacePanel(on=True, purpose="lookup", factor="19")
            ),
            {"face_key", "face_use_code"},
        ),
        "factor-enrol-phone": (
            DossierPanel(
                phase="face_factor",
                error="face-factor-short",
                face=FacePanel(on=True, purpose="enrol", factor="09", factor_kind="phone_last4"),
            ),
            {"face_key"},
        ),
        "capture-look": (
            DossierPanel(phase="face_capture", face=FacePanel(on=True, stage="look")),
            {"back"},
        ),
    }
    for turn in ("left", "right"):
        for problem in ("face_none", "face_two", "face_small", "face_dark"):
            face = FacePanel(on=True, stage="turn", turn=turn, problem=problem)
            shown[f"capture-{turn}-{problem}"] = (
                DossierPanel(phase="face_capture", face=face),
                {"back"},
            )
    for outcome in sorted(DONE_OUTCOMES | {"no-candidates"}):
        face = FacePanel(on=True, purpose="lookup", outcome=outcome, problem="face_two")
        shown[f"done-{outcome}"] = (
            DossierPanel(phase="face_done", face=face),
            {"face_use_code", "back"},
        )
    return shown


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_face_screens_fit(
    orientation: str, large: bool, language: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    screen = _screen(orientation)
    out: Path = tmp_path_factory.mktemp("face-screens")
    problems = []
    for name, (panel, wanted) in panels().items():
        screen.show(model("dossier_lookup", language, large_text=large, dossier=panel))
        screen.screenshot(out / f"{orientation}-{language}-face-{name}.png")
        problems += [f"{name}: {p}" for p in check(screen)]
        offered = {t.target for t in screen.targets}
        assert wanted <= offered, (name, wanted - offered)
        if not name.startswith(("keypad", "result")):  # the face phases have their own keys
            assert "dossier_key" not in offered, name
    assert not problems, "\n".join(problems)


def test_face_buttons_only_where_they_work() -> None:
    screen = _screen("portrait")
    camera_gone = FacePanel(on=True, button=False)
    screen.show(model("dossier_lookup", "vi", dossier=DossierPanel(code=CODE, face=camera_gone)))
    assert screen.target_centre("face_lookup") is None  # camera unplugged: code path only
    assert screen.target_centre("dossier_key", "ok") is not None
    screen.show(model("dossier_lookup", "vi", dossier=DossierPanel(**RESULT)))  # type: ignore[arg-type]
    assert screen.target_centre("forget_face") is None  # faces off at this kiosk
    assert screen.target_centre("face_offer") is None
    screen.show(model("dossier_lookup", "vi", dossier=DossierPanel(**RESULT, face=camera_gone)))  # type: ignore[arg-type]
    assert screen.target_centre("forget_face") is not None  # forgetting needs no camera
