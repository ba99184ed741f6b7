"""The engine on real photos: same person near, different people far, the hard cases.

Distances measured on ../shared/faces (reported in BENCHMARKS.md): same person 0.35 to
0.41, different people 0.76 or more; the threshold in config is 0.5 with a 0.1 margin.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from faces_testkit import PEOPLE, photo

from drivers.camera.photos import place
from kiosk.faces.engine import Encoding, FaceEngine, FaceProblem, Sighting
from kiosk.faces.liveness import yaw_ratio
from kiosk.faces.matching import Candidate, InconsistentFrames, distance, make_template, match
from kiosk.faces.settings import FaceSettings

THRESHOLD = FaceSettings().threshold
MARGIN = FaceSettings().margin


def test_same_person_is_within_the_threshold(encodings: dict[str, Encoding]) -> None:
    for person, names in PEOPLE.items():
        for a, b in itertools.combinations(names, 2):
            assert distance(encodings[a], encodings[b]) < THRESHOLD, person


def test_different_people_are_beyond_threshold_and_margin(
    encodings: dict[str, Encoding],
) -> None:
    owner = {name: person for person, names in PEOPLE.items() for name in names}
    for a, b in itertools.combinations(encodings, 2):
        if owner[a] != owner[b]:
            assert distance(encodings[a], encodings[b]) > THRESHOLD + MARGIN, (a, b)


def _gallery(encodings: dict[str, Encoding], people: list[str]) -> list[Candidate]:
    return [Candidate(p, encodings[PEOPLE[p][0]]) for p in people]


def test_second_photo_matches_its_person_among_candidates(
    encodings: dict[str, Encoding],
) -> None:
    gallery = _gallery(encodings, ["obama", "biden", "kit", "rose"])
    for person in ["obama", "biden", "kit", "rose"]:
        found = match(encodings[PEOPLE[person][1]], gallery, threshold=THRESHOLD, margin=MARGIN)
        assert (found.outcome, found.candidate_id) == ("match", person)
        assert found.best is not None and found.second is not None
        assert found.second - found.best >= MARGIN


def test_unenrolled_face_is_refused(encodings: dict[str, Encoding]) -> None:
    gallery = _gallery(encodings, ["obama", "biden", "kit", "rose"])
    found = match(encodings["alex_lacamoire_1.jpg"], gallery, threshold=THRESHOLD, margin=MARGIN)
    assert found.outcome == "no-match" and found.candidate_id is None


def test_a_look_alike_too_close_to_the_best_is_ambiguous(
    encodings: dict[str, Encoding],
) -> None:
    # the same person enrolled twice under two ids: best and second best are both near
    probe = encodings["obama_2.jpg"]
    gallery = [Candidate("a", encodings["obama_1.jpg"]), Candidate("b", encodings["obama_1.jpg"])]
    assert match(probe, gallery, threshold=THRESHOLD, margin=MARGIN).outcome == "ambiguous"
    assert match(probe, [], threshold=THRESHOLD, margin=MARGIN).outcome == "no-candidates"


def test_encodings_are_face_recognitions_own(engine: FaceEngine) -> None:
    """Cross-check against the library: the same calls, so nearly the same numbers (the
    detector boxes differ slightly between a shrunk and a full frame)."""
    import face_recognition

    for name in ["obama_1.jpg", "rose_leslie_2.jpg"]:
        pixels = place(photo(name), 1280, 720)
        ours = engine.analyse(pixels, encode=True)
        theirs = face_recognition.face_encodings(pixels, face_recognition.face_locations(pixels))
        assert isinstance(ours, Sighting) and ours.encoding is not None and len(theirs) == 1
        assert distance(ours.encoding, theirs[0]) < 0.08, name


def test_two_faces_ask_one_to_step_back(engine: FaceEngine) -> None:
    assert engine.analyse(place(photo("two_people.jpg"), 1280, 720)) is FaceProblem.TWO_FACES


def test_a_face_far_away_is_too_small(engine: FaceEngine) -> None:
    # biden_1 is a full-length shot: in a 1280 x 720 frame the face is ~105 pixels wide
    assert engine.analyse(place(photo("biden_1.jpg"), 1280, 720)) is FaceProblem.TOO_SMALL


def test_dark_frame_and_empty_frame(engine: FaceEngine) -> None:
    frame = place(photo("obama_1.jpg"), 1280, 720)
    dark = (frame.astype(np.float32) * 0.15).astype(np.uint8)
    assert engine.analyse(dark) is FaceProblem.TOO_DARK
    wall = np.full((720, 1280, 3), 168, dtype=np.uint8)
    assert engine.analyse(wall) is FaceProblem.NO_FACE


def test_landmarks_are_the_five_point_model_and_tell_a_turn(engine: FaceEngine) -> None:
    straight = engine.analyse(place(photo("obama_1.jpg"), 1280, 720))
    turned = engine.analyse(place(photo("obama_2.jpg"), 1280, 720))
    mirrored = engine.analyse(place(photo("obama_2.jpg"), 1280, 720, mirrored=True))
    assert isinstance(straight, Sighting) and len(straight.landmarks) == 5
    assert isinstance(turned, Sighting) and isinstance(mirrored, Sighting)
    assert abs(yaw_ratio(straight.landmarks)) < 0.05
    assert yaw_ratio(turned.landmarks) < -0.15 < 0.15 < yaw_ratio(mirrored.landmarks)


def test_enrolment_template_refuses_two_people(encodings: dict[str, Encoding]) -> None:
    same = make_template(
        [encodings["kit_harington_1.jpg"], encodings["kit_harington_2.jpg"]], threshold=THRESHOLD
    )
    assert distance(same, encodings["kit_harington_1.jpg"]) < THRESHOLD / 2
    with pytest.raises(InconsistentFrames):
        make_template(
            [encodings["kit_harington_1.jpg"], encodings["rose_leslie_1.jpg"]], threshold=THRESHOLD
        )
