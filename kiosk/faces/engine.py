"""Finding, checking and encoding one citizen's face in a camera frame (dlib, HOG).

Why dlib directly and not ``face_recognition``'s functions: importing ``face_recognition``
loads all four of its models, the 68-point landmark model among them (its training data
is licensed for non-commercial use only) and the CNN detector, about 155 MB and 1.8 s
here; this module loads only the HOG detector, the 5-point landmark model and the ResNet
encoder (60 MB, 0.5 s), the very calls ``face_recognition.face_encodings(model="small")``
makes, so encodings are the same numbers (a test checks it against the library).

Speed: the face is found on a frame shrunk to ``detect_width`` (HOG costs grow with the
pixel count: about 50 ms at 480 x 270 against a second at 1080p; only when nothing is found
does it look again at twice the size, to tell "come closer" from "nobody"), then only the chosen
face's crop, at full resolution, goes to the landmark model and the encoder. No frame or
crop is kept: the arrays go out of scope when :meth:`FaceEngine.analyse` returns.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from kiosk.faces.settings import FaceSettings

_LOGGER = logging.getLogger(__name__)

Point = tuple[float, float]
Encoding = npt.NDArray[np.float64]


class FaceProblem(enum.Enum):
    """Why a frame gives no usable face; the value is the screen text's key."""

    NO_FACE = "face_none"
    TWO_FACES = "face_two"
    TOO_SMALL = "face_small"
    TOO_DARK = "face_dark"


@dataclass(frozen=True)
class Sighting:
    """The one face in a frame: its box and 5 landmarks in full-frame pixels."""

    box: tuple[int, int, int, int]
    """left, top, right, bottom."""
    landmarks: tuple[Point, ...]
    """dlib's 5 points: two corners of one eye, two of the other, the base of the nose."""
    brightness: float
    """Mean grey level of the face, 0..255."""
    encoding: Encoding | None = None
    """The 128-number face encoding, when asked for."""

    @property
    def width(self) -> int:
        """Width of the face box in pixels."""
        return self.box[2] - self.box[0]


class ModelsMissing(RuntimeError):
    """dlib or the face models are not installed (the faces extra)."""


def model_files() -> dict[str, str]:
    """The model files the engine loads, by role (ModelsMissing when not installed)."""
    try:
        import face_recognition_models as models
    except ImportError as exc:
        raise ModelsMissing(f"face models not installed ({exc}): pip install '.[faces]'") from exc
    return {
        "landmarks_5": models.pose_predictor_five_point_model_location(),
        "encoder": models.face_recognition_model_location(),
    }


class FaceEngine:
    """dlib's HOG detector, 5-point landmarks and ResNet encoder; see the module doc."""

    def __init__(
        self, settings: FaceSettings, *, detector: Any, predictor: Any, encoder: Any
    ) -> None:
        self.settings = settings
        self._detector, self._predictor, self._encoder = detector, predictor, encoder

    @classmethod
    def load(cls, settings: FaceSettings) -> FaceEngine:
        """Import dlib and load the models (about half a second; ModelsMissing if absent)."""
        files = model_files()
        try:
            import dlib
        except ImportError as exc:
            raise ModelsMissing(f"dlib not installed ({exc}): pip install '.[faces]'") from exc
        _LOGGER.info("face models loaded: %s", ", ".join(sorted(files)))
        return cls(
            settings,
            detector=dlib.get_frontal_face_detector(),
            predictor=dlib.shape_predictor(files["landmarks_5"]),
            encoder=dlib.face_recognition_model_v1(files["encoder"]),
        )

    def analyse(
        self,
        pixels: npt.NDArray[np.uint8],
        *,
        encode: bool | Callable[[tuple[Point, ...]], bool] = False,
    ) -> Sighting | FaceProblem:
        """The one usable face in an RGB frame, or what is wrong with the frame.
        ``encode`` is True, or a test on the landmarks (encode only a straight look)."""
        import dlib

        height, width = pixels.shape[:2]
        scale = min(1.0, self.settings.detect_width / width)
        small = _shrink(pixels, scale)
        grey = small @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
        found = self._detector(small, 0)
        if not found and scale < 1.0:  # a face too small to find at this size: look closer
            found = self._detector(small, 1)
        boxes = [(r.left(), r.top(), r.right(), r.bottom()) for r in found]
        full = [tuple(int(round(v / scale)) for v in b) for b in boxes]
        big = [b for b in full if b[2] - b[0] >= self.settings.min_face_px]
        if not boxes:
            if float(grey.mean()) < self.settings.min_brightness:
                return FaceProblem.TOO_DARK
            return FaceProblem.NO_FACE
        if len(big) > 1:
            return FaceProblem.TWO_FACES
        if not big:  # only faces too small: somebody too far away (or only passers-by)
            return FaceProblem.TOO_SMALL
        index = full.index(big[0])
        left, top, right, bottom = boxes[index]
        face_grey = grey[max(0, top) : max(0, bottom), max(0, left) : max(0, right)]
        brightness = float(face_grey.mean()) if face_grey.size else 0.0
        if brightness < self.settings.min_brightness:
            return FaceProblem.TOO_DARK
        box = _clip(big[0], width, height)
        # The crop around the face, with room for the encoder's 25 % padding and alignment.
        pad = (box[2] - box[0]) // 2
        cx0, cy0 = max(0, box[0] - pad), max(0, box[1] - pad)
        crop = np.ascontiguousarray(
            pixels[cy0 : min(height, box[3] + pad), cx0 : min(width, box[2] + pad)]
        )
        rect = dlib.rectangle(box[0] - cx0, box[1] - cy0, box[2] - cx0, box[3] - cy0)
        shape = self._predictor(crop, rect)
        points = tuple(
            (float(shape.part(i).x + cx0), float(shape.part(i).y + cy0))
            for i in range(shape.num_parts)
        )
        encoding: Encoding | None = None
        if encode is True or (callable(encode) and encode(points)):
            encoding = np.asarray(
                self._encoder.compute_face_descriptor(crop, shape, 1), dtype=np.float64
            )
        return Sighting(box, points, brightness, encoding)


def _shrink(pixels: npt.NDArray[np.uint8], scale: float) -> npt.NDArray[np.uint8]:
    if scale >= 1.0:
        return pixels
    height, width = pixels.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR))


def _clip(box: tuple[int, ...], width: int, height: int) -> tuple[int, int, int, int]:
    return (max(0, box[0]), max(0, box[1]), min(width, box[2]), min(height, box[3]))
