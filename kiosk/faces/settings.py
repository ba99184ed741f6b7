"""The ``[faces]`` table of the kiosk's config: thresholds, the second factor, liveness."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_LOGGER = logging.getLogger(__name__)


class FaceSettings(BaseModel):
    """Face-based dossier lookup (off unless ``enabled``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    enabled: bool = False
    """Offer "look up by face" and "next time, by face?" (needs the faces extra and a camera)."""
    second_factor: Literal["birth_year", "phone_last4"] = "birth_year"
    """What the citizen types before the camera looks: birth year or last 4 phone digits."""
    threshold: float = Field(default=0.5, gt=0.1, le=0.6)
    """Largest face distance that can be a match (face_recognition's default is 0.6;
    calibrate on local volunteers, see docs/privacy.md)."""
    margin: float = Field(default=0.1, ge=0.0, le=0.5)
    """How much nearer the best candidate must be than the second best."""
    detect_width: int = Field(default=480, ge=160, le=1920)
    """Frames are shrunk to this width to find the face (HOG); the face itself is encoded
    from the full frame."""
    min_face_px: int = Field(default=140, ge=40, le=1000)
    """Smallest face width in full-frame pixels; smaller asks the citizen to come closer."""
    min_brightness: int = Field(default=50, ge=0, le=200)
    """Mean grey level (0..255) of the face below which the citizen is told it is too dark."""
    enrol_frames: int = Field(default=3, ge=1, le=10)
    """Frames encoded and averaged into the template at enrolment."""
    challenge_timeout_s: float = Field(default=8.0, ge=2.0, le=30.0)
    """Time the citizen has to turn the head as asked."""
    turn_ratio: float = Field(default=0.15, ge=0.08, le=0.5)
    """Nose offset from the eyes' midpoint, in inter-eye distances, that counts as a turn
    (0.15 is about 23 degrees)."""
    frontal_ratio: float = Field(default=0.08, ge=0.02, le=0.2)
    """Largest offset that still counts as looking straight at the camera."""
    frame_interval_s: float = Field(default=0.15, ge=0.02, le=1.0)
    """Time between the frames looked at during the challenge."""

    @model_validator(mode="after")
    def _ratios(self) -> FaceSettings:
        if self.frontal_ratio >= self.turn_ratio:
            raise ValueError("frontal_ratio must be smaller than turn_ratio")
        return self
