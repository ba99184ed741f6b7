"""Taking a face from the camera for a lookup or an enrolment: look, then turn as asked.

Blocking (the daemon runs it on a worker thread). Phase one collects ``frames_needed``
encodings of the citizen looking straight at the camera; phase two runs the liveness
:class:`~kiosk.faces.liveness.Challenge` and encodes the turned face once, which must be
the same face as the straight one. Frames live only inside the loop body.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from drivers.camera import Camera, CameraError
from kiosk.faces.engine import Encoding, FaceEngine, FaceProblem, Point, Sighting
from kiosk.faces.liveness import Challenge, Observation, Turn, Verdict, safe_yaw
from kiosk.faces.matching import distance

_LOGGER = logging.getLogger(__name__)

#: what the screen is told while the capture runs: stage ("look" or "turn") and the
#: problem of the last frame, if any
Progress = Callable[[str, FaceProblem | None], None]


@dataclass
class Capture:
    """What the camera gave: the straight encodings and the liveness verdict."""

    turn: Turn
    verdict: Verdict = Verdict.PENDING
    encodings: list[Encoding] = field(default_factory=list)
    problem: FaceProblem | None = None
    """The last problem seen (shown to the citizen when the capture fails)."""
    camera_failed: bool = False

    @property
    def ok(self) -> bool:
        """Live, and at least one straight encoding."""
        return self.verdict is Verdict.PASSED and bool(self.encodings)


def fingerprint(pixels: np.ndarray) -> bytes:
    """A short digest of a frame's pixels (every 4th row and column): equal only for
    identical pictures, since a real sensor's noise changes every frame."""
    return hashlib.blake2b(
        np.ascontiguousarray(pixels[::4, ::4]).tobytes(), digest_size=16
    ).digest()


class FaceCapture:
    """Runs one capture on ``camera`` with ``engine``."""

    def __init__(
        self,
        engine: FaceEngine,
        camera: Camera,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.engine, self.camera = engine, camera
        self.settings = engine.settings
        self._clock, self._sleep = clock, sleep

    def run(self, turn: Turn, frames_needed: int, progress: Progress | None = None) -> Capture:
        """Look (``frames_needed`` straight encodings) then turn; never raises on camera
        faults (``camera_failed`` is set)."""
        result = Capture(turn)
        notify = progress or (lambda _stage, _problem: None)
        deadline = self._clock() + self.settings.challenge_timeout_s
        last_print: bytes | None = None
        challenge: Challenge | None = None
        while result.verdict is Verdict.PENDING:
            try:
                frame = self.camera.read(1.0)
            except CameraError as exc:
                _LOGGER.warning("face capture: %s", exc)
                result.camera_failed, result.verdict = True, Verdict.NO_TURN
                break
            now, pixels = self._clock(), frame.pixels
            digest = fingerprint(pixels)
            if digest == last_print:
                result.verdict = Verdict.REPLAY
                break
            last_print = digest
            looking = challenge is None
            seen = self.engine.analyse(pixels, encode=self._wants(looking))
            del frame, pixels  # nothing of the picture outlives this frame
            if isinstance(seen, FaceProblem):
                result.problem = seen
                seen_points: tuple[Point, ...] | None = None
            else:
                result.problem = None
                seen_points = seen.landmarks
            if challenge is None:
                self._look(seen, result)
                if len(result.encodings) >= frames_needed:
                    challenge = Challenge(turn, self.settings, now)
                    challenge.frontal_seen = True
                elif now > deadline:
                    result.verdict = Verdict.STILL if not result.encodings else Verdict.NO_TURN
                    break
            else:
                verdict = challenge.feed(Observation(now, seen_points, digest))
                if verdict is Verdict.PASSED:
                    result.verdict = self._same_face(seen, result)
                else:
                    result.verdict = verdict
            notify("look" if challenge is None else "turn", result.problem)
            if result.verdict is Verdict.PENDING:
                self._sleep(self.settings.frame_interval_s)
        return result

    def _wants(self, looking: bool) -> Callable[[tuple[Point, ...]], bool]:
        frontal, turn = self.settings.frontal_ratio, self.settings.turn_ratio

        def straight(points: tuple[Point, ...]) -> bool:
            yaw = safe_yaw(points)
            return yaw is not None and abs(yaw) <= frontal

        def turned(points: tuple[Point, ...]) -> bool:
            yaw = safe_yaw(points)
            return yaw is not None and abs(yaw) >= turn

        return straight if looking else turned

    def _look(self, seen: Sighting | FaceProblem, result: Capture) -> None:
        if isinstance(seen, Sighting) and seen.encoding is not None:
            result.encodings.append(seen.encoding)

    def _same_face(self, seen: Sighting | FaceProblem, result: Capture) -> Verdict:
        """The turned face must be the straight one (a photo for the look and a live
        accomplice for the turn are refused)."""
        if not isinstance(seen, Sighting) or seen.encoding is None:
            return Verdict.NO_TURN
        gap = min(distance(seen.encoding, e) for e in result.encodings)
        if gap > self.settings.threshold:
            _LOGGER.warning("liveness: the turned face is not the straight one")
            return Verdict.OTHER_FACE
        return Verdict.PASSED
