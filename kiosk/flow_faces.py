"""The face steps of the dossier screen (issue 9), kept out of kiosk.flow's body.

Every step is an internal transition of the ``dossier_lookup`` state, as the code steps
are (kiosk.flow_dossier), so ``back`` and ``timeout`` leave from any of them and clear
everything shown. The phases, in ``visit.dossier.phase``:

- ``face_consent``: after a result found by code, "next time, by face?" was pressed: the
  consent text in plain words, accepted (or refused) by touch;
- ``face_factor``: the second factor (birth year or the phone's last 4 digits), typed
  before the camera looks, for a lookup or to tie an enrolment to;
- ``face_capture``: the camera looks, then the citizen turns as asked (the daemon posts
  ``face_progress`` with the stage, the direction and what is wrong with the frame);
- ``face_done``: how it ended when it did not end on the result screen (enrolled,
  forgotten, or a kind miss that offers the code).

A face lookup that finds the citizen ends on the very result screen of the code path
(phase ``result``, ``by_face``). No dossier code, second factor or face travels in a flow
event: the daemon keeps the found dossier, the transcript keeps the outcome only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kiosk.flow import Visit

_LOGGER = logging.getLogger(__name__)

#: the consent text's version (docs/privacy.md, "Consent texts"); central audits it
CONSENT_VERSION = "2026-11"
#: digits of a second factor (a birth year, or the phone's last 4 digits)
FACTOR_DIGITS = 4
#: outcomes of a face journey that end on the face_done screen
DONE_OUTCOMES = frozenset(
    {
        "enrolled",
        "forgotten",
        "not-kept",
        "not-found",
        "no-candidates",
        "too-many",
        "not-live",
        "no-face",
        "camera",
        "unavailable",
        "refused",
    }
)
#: outcomes that count as a miss towards the screen's lockout (a guessed factor)
FACE_MISSES = frozenset({"not-found", "no-candidates"})


@dataclass(frozen=True)
class FaceLook:
    """The face part of the dossier screen (cleared with it)."""

    purpose: str = ""
    """``lookup``, ``enrol`` or ``forget``."""
    factor: str = ""
    """The second factor typed so far (digits only)."""
    turn: str = ""
    """``left`` or ``right`` once the challenge asks for the turn."""
    stage: str = ""
    """``look`` (straight at the camera) or ``turn``."""
    problem: str | None = None
    """What is wrong with the frame: face_none, face_two, face_small, face_dark."""
    outcome: str | None = None
    """How it ended (face_done), one of :data:`DONE_OUTCOMES`."""


class FaceEffects(Protocol):
    """What the face steps ask of the daemon."""

    def start_face(self, visit: Visit) -> None:
        """Run the camera for ``visit.dossier.face`` (lookup or enrol); post FaceProgress
        while it runs and FaceAnswer at the end."""

    def forget_face(self, visit: Visit) -> None:
        """Delete the face linked to the dossier shown; post FaceAnswer."""


class FaceSteps:
    """Conditions and actions of the face transitions (mixed into VisitorFlow)."""

    visit: Visit
    features: frozenset[str]
    dossier_misses: int
    dossier_locked_until: float

    if TYPE_CHECKING:  # DossierSteps' (after this class in VisitorFlow's bases)

        def _look(self, **changes: Any) -> None: ...
        def dossier_locked(self) -> bool: ...
        def clock(self) -> float: ...

    def _face_effects(self) -> FaceEffects:
        return self.effects  # type: ignore[attr-defined,no-any-return]

    def faces_on(self) -> bool:
        """Face lookup is switched on in the kiosk's config."""
        return "faces" in self.features

    def _face(self, **changes: Any) -> None:
        look = self.visit.dossier
        self._look(face=replace(look.face, **changes))

    def _face_start(self, **_: Any) -> None:
        look = self.visit.dossier
        if look.phase not in ("code", "factor", "face_done") or self.dossier_locked():
            return
        self._look(
            phase="face_factor",
            code="",
            factor="",
            error=None,
            status=None,
            by_face=False,
            face=FaceLook(purpose="lookup"),
        )

    def _face_offer(self, **_: Any) -> None:
        look = self.visit.dossier
        if look.phase == "result" and not look.by_face and look.code:
            self._look(phase="face_consent", face=FaceLook(purpose="enrol"))

    def _face_consent(self, answer: str | None = None, **_: Any) -> None:
        look = self.visit.dossier
        if look.phase != "face_consent":
            return
        if answer == "yes":
            _LOGGER.info("face enrolment: consent given (text %s)", CONSENT_VERSION)
            self._look(phase="face_factor")
        else:
            self._look(phase="result", face=FaceLook())

    def _face_key(self, char: str | None = None, **_: Any) -> None:
        look = self.visit.dossier
        if look.phase != "face_factor":
            return
        typed = look.face.factor
        if char == "ok":
            if len(typed) == FACTOR_DIGITS:
                self._look(
                    phase="face_capture",
                    error=None,
                    face=replace(look.face, stage="look", problem=None),
                )
                self._face_effects().start_face(self.visit)
            else:
                self._look(error="face-factor-short")
            return
        if char == "erase":
            typed = typed[:-1]
        elif isinstance(char, str) and len(char) == 1 and char.isdigit():
            typed = (typed + char)[:FACTOR_DIGITS]
        self._look(error=None, face=replace(look.face, factor=typed))

    def _face_progress(
        self, stage: str = "", problem: str | None = None, turn: str = "", **_: Any
    ) -> None:
        if self.visit.dossier.phase != "face_capture":
            return  # the citizen left, or a stale report
        self._face(stage=stage, problem=problem, turn=turn)

    def _face_answer(
        self,
        outcome: str = "",
        dossier_status: str | None = None,
        problem: str | None = None,
        **_: Any,
    ) -> None:
        look = self.visit.dossier
        forgetting = look.phase == "searching" and look.face.purpose == "forget"
        if look.phase != "face_capture" and not forgetting:
            return  # stale: the citizen left or started again
        if outcome == "found" and look.face.purpose == "lookup":
            self.dossier_misses = 0
            self._look(phase="result", status=dossier_status, by_face=True, face=FaceLook())
            return
        if outcome in FACE_MISSES and look.face.purpose == "lookup":
            self.dossier_misses += 1
            from kiosk.flow_dossier import LOCAL_LOCKOUT_S, LOCAL_MAX_MISSES

            if self.dossier_misses >= LOCAL_MAX_MISSES:
                self.dossier_misses = 0
                self.dossier_locked_until = self.clock() + LOCAL_LOCKOUT_S
                self._look(phase="locked", locked_until=self.dossier_locked_until, face=FaceLook())
                return
        shown = outcome if outcome in DONE_OUTCOMES else "unavailable"
        self._look(
            phase="face_done",
            face=FaceLook(purpose=look.face.purpose, outcome=shown, problem=problem),
        )

    def _forget_face(self, **_: Any) -> None:
        look = self.visit.dossier
        if look.phase != "result":
            return
        self._look(phase="searching", face=FaceLook(purpose="forget"))
        self._face_effects().forget_face(self.visit)

    def _face_use_code(self, **_: Any) -> None:
        if self.visit.dossier.phase in ("face_factor", "face_done", "face_consent"):
            self._look(
                phase="code",
                code="",
                factor="",
                error=None,
                status=None,
                by_face=False,
                face=FaceLook(),
            )
