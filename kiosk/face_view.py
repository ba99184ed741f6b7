"""What the dossier screen shows of the face steps (issue 9): the buttons it may offer and
the face phase's panel, added to the code path's :class:`DossierPanel`."""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.flow import Visit
from kiosk.screen.model import DossierPanel, FacePanel

_LOGGER = logging.getLogger(__name__)


def face_panel(
    panel: DossierPanel, visit: Visit, *, faces_on: bool, second_factor: str, button: bool
) -> DossierPanel:
    """``panel`` with its face part: nothing when faces are off at this kiosk."""
    if not faces_on:
        return panel
    look = visit.dossier
    face = look.face
    shown = FacePanel(
        on=True,
        button=button,
        by_face=look.by_face,
        purpose=face.purpose,
        factor=face.factor,
        factor_kind=second_factor,
        turn=face.turn,
        stage=face.stage,
        problem=face.problem,
        outcome=face.outcome,
    )
    if look.phase.startswith("face_"):
        return replace(panel, phase=look.phase, error=look.error, face=shown)
    return replace(panel, face=shown)
