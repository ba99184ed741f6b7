"""Liveness: a head-turn challenge (left or right, drawn at random) checked on 5 landmarks.

Written here because no maintained library does liveness on dlib's 5-point model (the
usual blink and head-pose recipes need the 68-point model, whose training data is for
non-commercial use only). The decision is pure logic over a sequence of observations, so
it is tested on landmark sequences without a camera.

The measure: the base of the nose's horizontal offset from the midpoint of the eyes,
divided by the distance between the eyes. Looking straight at the camera it is near 0;
turning the head by an angle a moves it by about 0.35 x tan(a) (0.15 is about 23 degrees).
A flat photo turned or tilted in front of the camera shrinks both lengths alike, so its
ratio does not move: a printed or on-screen still photo never passes, however it is held.
Two frames with identical pixels (a frozen or injected picture: a real sensor always adds
noise) are refused at once.

What it does NOT stop (README and docs/privacy.md say so too): a video of the citizen
turning the right way played on a screen held to the camera (half of them, since the
direction is drawn at random), a 3D mask, or a deepfake fed into the camera's cable. A
photo shown for the straight look and an accomplice doing the turn is stopped by the
session's identity check (both frames must be the same face). The second factor and the
few candidates keep what a successful spoof reveals to one citizen's dossier status.
"""

from __future__ import annotations

import enum
import logging
import random
from dataclasses import dataclass

from kiosk.faces.engine import Point
from kiosk.faces.settings import FaceSettings

_LOGGER = logging.getLogger(__name__)

#: a ratio range smaller than this over the whole challenge: nothing moved at all
STILL_RANGE = 0.03


class Turn(enum.Enum):
    """Which way the citizen is asked to turn the head (their own left or right)."""

    LEFT = "left"
    RIGHT = "right"

    @classmethod
    def draw(cls, rng: random.Random | None = None) -> Turn:
        """A direction at random (``secrets``-grade randomness is not needed: a replay
        must match one of two; the point is that it cannot be known in advance)."""
        return (rng or random.SystemRandom()).choice([cls.LEFT, cls.RIGHT])


class Verdict(enum.Enum):
    """Where the challenge stands."""

    PENDING = "pending"
    PASSED = "passed"
    WRONG_WAY = "wrong-way"
    STILL = "still"
    NO_TURN = "no-turn"
    REPLAY = "replay"
    OTHER_FACE = "other-face"


@dataclass(frozen=True)
class Observation:
    """What one frame showed: the time, the landmarks (None: no usable face) and a
    fingerprint of its pixels."""

    t: float
    landmarks: tuple[Point, ...] | None
    fingerprint: bytes


def yaw_ratio(landmarks: tuple[Point, ...]) -> float:
    """Nose offset from the eyes' midpoint in eye distances; positive when the citizen
    turns to their own left (the nose moves to the right of an unmirrored picture)."""
    if len(landmarks) != 5:
        raise ValueError(f"5 landmarks expected, got {len(landmarks)}")
    eye_a = ((landmarks[0][0] + landmarks[1][0]) / 2, (landmarks[0][1] + landmarks[1][1]) / 2)
    eye_b = ((landmarks[2][0] + landmarks[3][0]) / 2, (landmarks[2][1] + landmarks[3][1]) / 2)
    distance = ((eye_a[0] - eye_b[0]) ** 2 + (eye_a[1] - eye_b[1]) ** 2) ** 0.5
    if distance < 1.0:
        raise ValueError("eyes less than a pixel apart")
    return float((landmarks[4][0] - (eye_a[0] + eye_b[0]) / 2) / distance)


def safe_yaw(landmarks: tuple[Point, ...] | None) -> float | None:
    """:func:`yaw_ratio`, or None for no landmarks or degenerate ones (never raises)."""
    if landmarks is None:
        return None
    try:
        return yaw_ratio(landmarks)
    except ValueError:
        return None


class Challenge:
    """One head-turn challenge: feed observations, read the verdict."""

    def __init__(self, turn: Turn, settings: FaceSettings, started_at: float) -> None:
        self.turn = turn
        self.settings = settings
        self.started_at = started_at
        self.verdict = Verdict.PENDING
        self.frontal_seen = False
        self.ratios: list[float] = []
        self._last_fingerprint: bytes | None = None

    def feed(self, obs: Observation) -> Verdict:
        """Take one frame's observation; returns the (possibly final) verdict."""
        if self.verdict is not Verdict.PENDING:
            return self.verdict
        if self._last_fingerprint is not None and obs.fingerprint == self._last_fingerprint:
            return self._end(Verdict.REPLAY)
        self._last_fingerprint = obs.fingerprint
        ratio = safe_yaw(obs.landmarks)
        if ratio is not None:
            self.ratios.append(ratio)
            signed = ratio if self.turn is Turn.LEFT else -ratio
            if abs(ratio) <= self.settings.frontal_ratio:
                self.frontal_seen = True
            elif self.frontal_seen and signed >= self.settings.turn_ratio:
                return self._end(Verdict.PASSED)
            elif self.frontal_seen and -signed >= self.settings.turn_ratio:
                return self._end(Verdict.WRONG_WAY)
        if obs.t - self.started_at > self.settings.challenge_timeout_s:
            moved = max(self.ratios) - min(self.ratios) if self.ratios else 0.0
            return self._end(Verdict.STILL if moved < STILL_RANGE else Verdict.NO_TURN)
        return self.verdict

    def _end(self, verdict: Verdict) -> Verdict:
        self.verdict = verdict
        _LOGGER.info(
            "liveness %s: %s (%d frames with a face)",
            self.turn.value,
            verdict.value,
            len(self.ratios),
        )
        return verdict
