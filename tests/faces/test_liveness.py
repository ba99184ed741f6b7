"""Liveness decisions on landmark sequences, and the capture on a camera playing photos.

The sequences are written as a citizen moves: settle facing the kiosk, then turn; a photo
held up and waved about; a picture replayed frame for frame.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from faces_testkit import photo

from drivers.camera.photos import PhotoCamera
from kiosk.faces.engine import FaceEngine, Point
from kiosk.faces.liveness import Challenge, Observation, Turn, Verdict, yaw_ratio
from kiosk.faces.session import FaceCapture
from kiosk.faces.settings import FaceSettings

SETTINGS = FaceSettings(enabled=True)


def face(
    yaw: float, *, x: float = 600, y: float = 300, eyes: float = 60, squeeze: float = 1.0
) -> tuple[Point, ...]:
    """Five landmarks of a face whose nose sits ``yaw`` eye distances off the eyes' middle;
    ``squeeze`` shrinks everything horizontally (a flat photo turned away)."""
    half = eyes / 2
    pts = [
        (x + half + 12, y),
        (x + half - 12, y),
        (x - half - 12, y),
        (x - half + 12, y),
        (x + yaw * eyes, y + 45),
    ]
    return tuple((x + (px - x) * squeeze, py) for px, py in pts)


def run(
    turn: Turn,
    faces: list[tuple[Point, ...] | None],
    *,
    step: float = 0.15,
    same_frame_at: int | None = None,
) -> Verdict:
    challenge = Challenge(turn, SETTINGS, 0.0)
    verdict = Verdict.PENDING
    for i, points in enumerate(faces):
        print_ = b"same" if same_frame_at is not None and i >= same_frame_at else bytes([i])
        verdict = challenge.feed(Observation(i * step, points, print_))
        if verdict is not Verdict.PENDING:
            break
    return verdict


def test_yaw_ratio_sign_is_the_citizens_own_left() -> None:
    assert yaw_ratio(face(0.0)) == 0.0
    assert yaw_ratio(face(0.3)) == pytest.approx(0.3)
    with pytest.raises(ValueError):
        yaw_ratio(face(0.0)[:4])


def test_turning_as_asked_passes() -> None:
    settle = [face(0.01), face(-0.02), face(0.0)]
    assert run(Turn.LEFT, settle + [face(0.06), face(0.12), face(0.2)]) is Verdict.PASSED
    assert run(Turn.RIGHT, settle + [face(-0.08), face(-0.22)]) is Verdict.PASSED


def test_turning_the_other_way_fails() -> None:
    assert run(Turn.LEFT, [face(0.0), face(-0.1), face(-0.25)]) is Verdict.WRONG_WAY


def test_a_turn_counts_only_after_looking_straight() -> None:
    # a head already turned (or a photo of a turned head) then nothing: no pass
    already = [face(0.3)] * 3 + [face(0.36), face(0.24)] * 30
    assert run(Turn.LEFT, already) is Verdict.NO_TURN


def test_a_still_photo_times_out_as_still() -> None:
    jitter = [face(0.01 * random.Random(i).uniform(-1, 1)) for i in range(80)]
    assert run(Turn.LEFT, jitter) is Verdict.STILL


def test_a_flat_photo_turned_or_tilted_never_passes() -> None:
    # turning a printed face shrinks it horizontally: the ratio does not move
    squeezes = [1.0, 0.95, 0.85, 0.7, 0.6, 0.7, 0.85, 1.0] * 10
    waved = [face(0.02, x=500 + 10 * i, squeeze=s) for i, s in enumerate(squeezes)]
    assert run(Turn.LEFT, waved) is Verdict.STILL
    assert run(Turn.RIGHT, waved) is Verdict.STILL


def test_identical_frames_are_a_replay() -> None:
    moving = [face(0.0), face(0.05), face(0.1), face(0.2)]
    assert run(Turn.LEFT, moving, same_frame_at=1) is Verdict.REPLAY


def test_no_face_at_all_times_out() -> None:
    assert run(Turn.RIGHT, [None] * 80) is Verdict.STILL


def test_degenerate_landmarks_count_as_no_face() -> None:
    collapsed = ((600.0, 300.0),) * 5  # eyes on one pixel: no measure, no crash
    assert run(Turn.LEFT, [collapsed] * 80) is Verdict.STILL


def test_the_challenge_is_drawn_at_random() -> None:
    drawn = {Turn.draw(random.Random(seed)) for seed in range(20)}
    assert drawn == {Turn.LEFT, Turn.RIGHT}


# -- the capture, on a camera that plays the shared photos ------------------------------


class TickClock:
    """Time that moves one frame interval per look (no real waiting)."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += SETTINGS.frame_interval_s
        return self.t


def capture(
    engine: FaceEngine,
    camera: PhotoCamera,
    turn: Turn,
    frames: int = 2,
    settings: FaceSettings = SETTINGS,
) -> Verdict:
    tuned = FaceEngine(
        settings, detector=engine._detector, predictor=engine._predictor, encoder=engine._encoder
    )
    shot = FaceCapture(tuned, camera, clock=TickClock(), sleep=lambda _s: None).run(turn, frames)
    assert shot.verdict is not Verdict.PASSED or len(shot.encodings) == frames
    return shot.verdict


def test_capture_passes_a_turn_as_asked(engine: FaceEngine) -> None:
    straight, turned = photo("obama_1.jpg"), photo("obama_2.jpg")  # obama_2: his right
    assert capture(engine, PhotoCamera([straight, straight, turned]), Turn.RIGHT) is Verdict.PASSED
    his_left = np.ascontiguousarray(turned[:, ::-1])  # the mirror image turns the other way
    assert capture(engine, PhotoCamera([straight, straight, his_left]), Turn.LEFT) is Verdict.PASSED
    assert (
        capture(engine, PhotoCamera([straight, straight, his_left]), Turn.RIGHT)
        is Verdict.WRONG_WAY
    )


def test_capture_refuses_a_photo_held_still(engine: FaceEngine) -> None:
    verdict = capture(engine, PhotoCamera([photo("obama_1.jpg")]), Turn.LEFT)
    assert verdict in (Verdict.STILL, Verdict.NO_TURN)


def test_capture_refuses_frozen_frames(engine: FaceEngine) -> None:
    frozen = PhotoCamera([photo("obama_1.jpg")], noise=0)
    assert capture(engine, frozen, Turn.LEFT) is Verdict.REPLAY


def test_capture_refuses_another_face_doing_the_turn(engine: FaceEngine) -> None:
    # with a threshold below obama_1-obama_2's 0.35 the turned face counts as another's
    strict = SETTINGS.model_copy(update={"threshold": 0.3})
    camera = PhotoCamera([photo("obama_1.jpg"), photo("obama_1.jpg"), photo("obama_2.jpg")])
    assert capture(engine, camera, Turn.RIGHT, settings=strict) is Verdict.OTHER_FACE


def test_capture_survives_a_pulled_camera(engine: FaceEngine) -> None:
    camera = PhotoCamera([photo("obama_1.jpg")])
    camera.connected = False
    tuned = FaceCapture(engine, camera, clock=TickClock(), sleep=lambda _s: None)
    shot = tuned.run(Turn.LEFT, 1)
    assert shot.camera_failed and not shot.ok
