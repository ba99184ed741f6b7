"""The daemon's side of the face steps (kiosk.flow_faces): run the camera journey, tell
the screen how it goes, show the dossier found, forget a face.

The journey runs on the :class:`~kiosk.faces.feature.FaceFeature`'s desk (the camera on a
worker thread). What the screen needs is posted as events: :class:`FaceProgress` when the
stage, the direction or the frame's problem changes, :class:`FaceAnswer` at the end. A
match ends with the very dossier lookup the code path makes (central's ``GET
/api/v1/dossiers/{code}`` with the second factor typed), so the result screen is the code
path's. When the citizen leaves the screen while the camera looks, the capture stops at the
next frame. The found dossier's code stays in the ProcedureDesk's memory, never in an
event, the log (only its keyed hash) or the transcript.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kiosk.dossier_lookup import keyed_hash
from kiosk.events import FaceAnswer, FaceProgress, KioskEvent
from kiosk.flow_faces import CONSENT_VERSION
from kiosk.procedures.desk import ProcedureDesk
from kiosk.procedures.remote import RemoteError
from kiosk.tickets.errors import CentralRejected, TicketingError

if TYPE_CHECKING:
    from kiosk.faces.engine import FaceProblem
    from kiosk.faces.feature import FaceFeature
    from kiosk.flow import Visit

_LOGGER = logging.getLogger(__name__)

#: dossiers of one face shown at the kiosk (a citizen with more asks at a counter)
MAX_DOSSIERS = 5

Post = Callable[[KioskEvent], None]


class FaceCancelled(Exception):
    """The citizen left the capture screen: stop looking."""


class FaceRunner:
    """Carries out the face steps' effects for one daemon."""

    def __init__(
        self,
        feature: FaceFeature,
        procedures: ProcedureDesk | None,
        post: Post,
        phase: Callable[[], str],
    ) -> None:
        self.feature, self.procedures, self._post = feature, procedures, post
        self._phase = phase
        self.enrolled = 0
        self.found = 0
        """Counts for the demo and the health page (never who)."""

    @property
    def button(self) -> bool:
        """Offer "look up by face" (models loaded, camera giving frames)."""
        return self.feature.available

    async def run(self, visit: Visit) -> None:
        """The capture for ``visit.dossier.face`` (lookup or enrol); posts FaceAnswer."""
        from kiosk.faces.liveness import Turn

        face, desk = visit.dossier.face, self.feature.desk
        if desk is None or not self.feature.available:
            self._post(FaceAnswer("camera"))
            return
        turn = Turn.draw()
        progress = self._progress(turn.value)
        try:
            if face.purpose == "enrol":
                code = visit.dossier.code.upper()
                consent = f"{visit.language}:{CONSENT_VERSION}"
                done = await desk.enrol([code], face.factor, consent, turn, progress)
            else:
                done = await desk.lookup(face.factor, turn, progress)
        except FaceCancelled:
            _LOGGER.info("face %s: the citizen left the camera screen", face.purpose)
            return
        except CentralRejected as exc:
            _LOGGER.info("face %s refused by central: %s", face.purpose, exc.code)
            self._post(FaceAnswer("refused" if exc.code == "unknown-dossier" else "unavailable"))
            return
        except TicketingError as exc:
            _LOGGER.warning("face %s: central unavailable: %s", face.purpose, exc)
            self._post(FaceAnswer("unavailable"))
            return
        problem = done.problem.value if done.problem is not None else None
        if done.status == "camera":
            self.feature.camera_seen(False)
        distances = ""
        if done.match is not None and done.match.best is not None:
            distances = f" (best {done.match.best:.3f}, second {done.match.second})"
        _LOGGER.info("face %s: %s%s", face.purpose, done.status, distances)
        if done.status == "enrolled":
            self.enrolled += 1
        if done.status != "found":
            self._post(FaceAnswer(done.status, problem=problem))
            return
        await self._show(done.dossiers[:MAX_DOSSIERS], visit.language, face.factor)

    async def _show(self, codes: Sequence[str], language: str, factor: str) -> None:
        """The code path's lookup of the dossiers the face was linked to: the newest first,
        the others one touch away ("next"); one that central no longer knows is left out."""
        if self.procedures is None:
            self._post(FaceAnswer("unavailable"))
            return
        self.procedures.show_dossiers([])
        views = []
        for code in codes:
            try:
                views.append(await self.procedures.lookup(code, language, factor))
            except RemoteError as exc:
                _LOGGER.info("dossier #%s (by face): %s", keyed_hash(code), exc.code)
                if exc.code != "unknown-dossier":
                    self._post(FaceAnswer("unavailable"))
                    return
        if not views:
            self._post(FaceAnswer("not-found"))
            return
        views.sort(key=lambda view: view.received_on, reverse=True)
        self.procedures.show_dossiers(views)
        self.found += 1
        _LOGGER.info("%d dossier(s) by face: %s", len(views),
                     ", ".join(f"#{keyed_hash(v.code)} {v.status}" for v in views))
        self._post(FaceAnswer("found", views[0].status))

    def _progress(self, turn: str) -> Callable[[str, FaceProblem | None], None]:
        """Called by the capture after every frame (on its thread): post what changed;
        stop when the citizen has left the capture screen."""
        last: list[tuple[str, str | None]] = []

        def progress(stage: str, problem: FaceProblem | None) -> None:
            if self._phase() != "face_capture":
                raise FaceCancelled
            now = (stage, problem.value if problem is not None else None)
            if not last or last[-1] != now:
                last[:] = [now]
                self._post(FaceProgress(stage, now[1], turn if stage == "turn" else ""))

        return progress

    async def forget(self, visit: Visit) -> None:
        """Delete the face linked to the dossier shown (found by code or by face)."""
        from kiosk.faces.wire import FaceService

        shown = self.procedures.dossier_shown if self.procedures else None
        code = shown.code if shown is not None else visit.dossier.code
        try:
            deleted = await FaceService(self.feature.client).forget(code.upper())
        except TicketingError as exc:
            _LOGGER.warning("forget my face: central unavailable: %s", exc)
            self._post(FaceAnswer("unavailable"))
            return
        _LOGGER.info(
            "forget my face for dossier #%s: %d template(s) deleted", keyed_hash(code), deleted
        )
        self._post(FaceAnswer("forgotten" if deleted else "not-kept"))
