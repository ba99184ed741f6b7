"""The two citizen journeys: look up my dossiers by face, and enrol my face.

Each is one coroutine the daemon (or a test, or the benchmark) awaits. The camera work
runs on a worker thread; the few candidates come from central and are matched here.
Lookup: the second factor first (no candidates: the camera is not even used), then the
capture with its liveness challenge, then the match, then central's answer. Every end is
reported to central, which writes the audit log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.faces.engine import FaceEngine, FaceProblem
from kiosk.faces.liveness import Turn
from kiosk.faces.matching import InconsistentFrames, Match, make_template, match
from kiosk.faces.session import FaceCapture, Progress
from kiosk.faces.wire import FaceService

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """How a journey ended; ``status`` is the result screen's key."""

    status: str
    """``found``, ``not-found``, ``no-candidates``, ``too-many``, ``not-live``, ``no-face``,
    ``camera``, ``enrolled``."""
    dossiers: tuple[str, ...] = ()
    problem: FaceProblem | None = None
    match: Match | None = None


class FaceDesk:
    """Runs lookups and enrolments with one engine, camera and central connection."""

    def __init__(self, engine: FaceEngine, capture: FaceCapture, service: FaceService) -> None:
        self.engine, self.capture, self.service = engine, capture, service
        self.settings = engine.settings

    async def lookup(
        self, factor_value: str, turn: Turn | None = None, progress: Progress | None = None
    ) -> Outcome:
        """Find the citizen's dossiers by face among those sharing the second factor."""
        offer = await self.service.candidates((self.settings.second_factor, factor_value))
        if offer.lookup is None or not offer.candidates:
            return Outcome("too-many" if offer.outcome == "too-many" else "no-candidates")
        shot = await asyncio.to_thread(self.capture.run, turn or Turn.draw(), 1, progress)
        if not shot.ok:
            await self.service.report(offer.lookup, "not-live")
            return Outcome(_failure(shot.camera_failed, shot.encodings), problem=shot.problem)
        lookup_id = offer.lookup
        decided = match(
            shot.encodings[0],
            offer.candidates,
            threshold=self.settings.threshold,
            margin=self.settings.margin,
        )
        del shot, offer  # the face and the candidates' templates go now
        dossiers = await self.service.report(lookup_id, decided.outcome, decided)
        found = decided.outcome == "match" and bool(dossiers)
        return Outcome("found" if found else "not-found", tuple(dossiers), match=decided)

    async def enrol(
        self,
        dossiers: list[str],
        factor_value: str,
        consent: str,
        turn: Turn | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        """Encode several frames and send the template for ``dossiers`` to central."""
        shot = await asyncio.to_thread(
            self.capture.run, turn or Turn.draw(), self.settings.enrol_frames, progress
        )
        if not shot.ok:
            return Outcome(_failure(shot.camera_failed, shot.encodings), problem=shot.problem)
        try:
            template = make_template(shot.encodings, threshold=self.settings.threshold)
        except InconsistentFrames as exc:
            _LOGGER.warning("enrolment refused: %s", exc)
            return Outcome("not-live")
        del shot
        await self.service.enrol(
            dossiers, (self.settings.second_factor, factor_value), template, consent
        )
        return Outcome("enrolled", tuple(dossiers))

    async def forget(self, dossier: str) -> int:
        """ "Forget my face": delete the template linked to ``dossier`` on central."""
        return await self.service.forget(dossier)


def _failure(camera_failed: bool, encodings: Sequence[object]) -> str:
    if camera_failed:
        return "camera"
    return "not-live" if encodings else "no-face"
