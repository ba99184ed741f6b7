"""The dossier look-up steps of the visitor flow (issue 8), kept out of kiosk.flow's body.

On the ``dossier_lookup`` screen the citizen types the code on a keypad (letters, digits,
dots, dashes) or shows the receipt's QR code; the daemon asks central; the answer comes
back as ``dossier_found`` / ``dossier_failed``. When central requires a second factor the
screen asks for it (digits only) and sends code and factor again. Every step is an internal
transition of the one state, so ``timeout`` from it clears everything shown.

Misses are counted on the flow itself, not in the visit: walking away and coming back does
not reset them. After :data:`LOCAL_MAX_MISSES` misses in a row, or when central answers
``429`` (``Retry-After``), the screen is locked for the longer of the two times.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from kiosk.flow_faces import FaceLook

if TYPE_CHECKING:
    from kiosk.flow import Visit

_LOGGER = logging.getLogger(__name__)

#: what a dossier code may be (central's rule, docs/wire-api.md): letters, digits, dots, dashes
DOSSIER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9.\-]{3,39}$")
DOSSIER_KEYS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
MAX_CODE = 40
#: a second factor: the phone's last 4 digits or a birth year
MAX_FACTOR = 4
#: misses in a row before the screen locks itself, and for how long
LOCAL_MAX_MISSES = 3
LOCAL_LOCKOUT_S = 120
#: what central's refusals mean on screen
MISSES = frozenset({"unknown-dossier"})


@dataclass(frozen=True)
class DossierLook:
    """The dossier screen's part of the visit.

    ``phase``: ``code`` (typing the code), ``factor`` (typing the second factor),
    ``searching``, ``result`` (the answer is shown), ``locked``, and the face phases of
    kiosk.flow_faces. ``error``: ``bad-code``,
    ``not-found``, ``unavailable``, ``not-a-dossier-code`` (a QR code that is not one).
    """

    code: str = ""
    factor: str = ""
    factor_kind: str | None = None
    phase: str = "code"
    error: str | None = None
    status: str | None = None
    locked_until: float = 0.0
    #: the result was found by face (kiosk.flow_faces): no "next time, by face?" offer
    by_face: bool = False
    face: FaceLook = FaceLook()


class DossierSteps:
    """Conditions and actions of the dossier transitions (mixed into VisitorFlow)."""

    visit: Visit
    dossier_misses: int = 0
    dossier_locked_until: float = 0.0

    def _update(self, **changes: Any) -> None:  # pragma: no cover - VisitorFlow's
        raise NotImplementedError

    def _look(self, **changes: Any) -> None:
        self._update(dossier=replace(self.visit.dossier, **changes))
        self._visit_dossier_effects().arm_timer(self._dossier_idle_s())

    def _visit_dossier_effects(self) -> Any:
        return self.effects  # type: ignore[attr-defined]

    def _dossier_idle_s(self) -> float:
        return float(self.timeouts.idle_s)  # type: ignore[attr-defined]

    def clock(self) -> float:
        """Monotonic seconds (the lockout survives a wall-clock change)."""
        return time.monotonic()

    def dossier_locked(self) -> bool:
        """The screen is locked after repeated misses (local count or central's 429)."""
        return self.clock() < self.dossier_locked_until

    def dossier_ready(self) -> bool:
        """The typed code (and factor, when asked for) can be sent."""
        look = self.visit.dossier
        if self.dossier_locked() or look.phase not in ("code", "factor"):
            return False
        if look.phase == "factor" and not look.factor.isdigit():
            return False
        return bool(DOSSIER_CODE.match(look.code))

    def on_enter_dossier_lookup(self) -> None:
        """A fresh keypad (or the lockout, while it lasts); the camera reads receipts."""
        locked = self.dossier_locked()
        self.visit = replace(
            self.visit,
            dossier=DossierLook(
                phase="locked" if locked else "code",
                locked_until=self.dossier_locked_until if locked else 0.0,
            ),
        )
        self._visit_dossier_effects().render("dossier_lookup", self.visit)
        self._visit_dossier_effects().start_scanning()

    def on_exit_dossier_lookup(self) -> None:
        """Leaving the screen forgets what was typed and shown."""
        self.visit = replace(self.visit, dossier=DossierLook())

    def _dossier_type(self, char: str | None) -> None:
        look = self.visit.dossier
        if look.phase == "searching" or (look.phase == "locked" and self.dossier_locked()):
            return
        if look.phase in ("result", "locked"):
            if char == "new":  # a new look-up: nothing of the last one stays
                self.visit = replace(self.visit, dossier=DossierLook())
                self._look()
            elif char == "next" and look.phase == "result":  # a face's other dossiers
                self._visit_dossier_effects().next_dossier()
                self._look()
            return
        field, limit = ("factor", MAX_FACTOR) if look.phase == "factor" else ("code", MAX_CODE)
        value: str = getattr(look, field)
        if char == "erase":
            value = value[:-1]
        elif isinstance(char, str) and len(char) == 1:
            upper = char.upper()
            allowed = upper.isdigit() if field == "factor" else upper in DOSSIER_KEYS
            if not allowed:
                return
            value = (value + upper)[:limit]
        self.visit = replace(self.visit, dossier=replace(look, error=None))
        self._look(**{field: value})

    def _dossier_key(self, char: str | None = None, **_: Any) -> None:
        if self.visit.dossier.phase.startswith("face_"):
            return  # the face steps have their own keys (kiosk.flow_faces)
        if char == "ok":
            self._submit_dossier() if self.dossier_ready() else self._refuse_dossier()
        else:
            self._dossier_type(char)

    def _dossier_answer(self, found: bool = False, **kwargs: Any) -> None:
        self._dossier_found(**kwargs) if found else self._dossier_failed(**kwargs)

    def _submit_dossier(self) -> None:
        look = self.visit.dossier
        self._look(phase="searching", error=None)
        _LOGGER.debug("dossier look-up sent (factor: %s)", look.phase == "factor")
        self._visit_dossier_effects().start_dossier_lookup(self.visit)

    def _refuse_dossier(self) -> None:
        look = self.visit.dossier
        if self.dossier_locked():
            self._look(phase="locked", locked_until=self.dossier_locked_until)
        elif look.phase in ("code", "factor"):
            self._look(error="bad-code")

    def _scan_dossier(self, dossier: str | None = None, **_: Any) -> None:
        look = self.visit.dossier
        if look.phase in ("searching", "locked") or look.phase.startswith("face_"):
            return
        if dossier is None or not DOSSIER_CODE.match(dossier):
            self._look(error="not-a-dossier-code")
            return
        self.visit = replace(self.visit, dossier=DossierLook(code=dossier))
        if self.dossier_ready():
            self._submit_dossier()

    def _dossier_found(self, status: str | None = None, **_: Any) -> None:
        if self.visit.dossier.phase != "searching":
            return  # the citizen left (or the answer is stale)
        self.dossier_misses = 0
        self._look(phase="result", status=status, factor="", error=None)

    def _dossier_failed(
        self,
        code: str | None = None,
        retry_after_s: int | None = None,
        factor_kind: str | None = None,
        **_: Any,
    ) -> None:
        look = self.visit.dossier
        if look.phase != "searching":
            return
        if code == "second-factor-required" and not look.factor:
            self._look(phase="factor", factor_kind=factor_kind, factor="", error=None)
            return
        wait = 0
        if code in MISSES:
            self.dossier_misses += 1
            if self.dossier_misses >= LOCAL_MAX_MISSES:
                wait = LOCAL_LOCKOUT_S
        if code in ("rate-limited", "locked-out"):
            wait = max(wait, retry_after_s or LOCAL_LOCKOUT_S)
        if wait:
            self.dossier_misses = 0
            self.dossier_locked_until = max(self.dossier_locked_until, self.clock() + wait)
            self._look(phase="locked", locked_until=self.dossier_locked_until, factor="")
            return
        error = (
            "not-found"
            if code in MISSES
            else ("bad-code" if code == "bad-request" else "unavailable")
        )
        phase = "factor" if look.factor_kind else "code"
        self._look(phase=phase, error=error, factor="")
