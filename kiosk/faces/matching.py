"""Matching one face against a few candidates, and making an enrolment template.

A match needs both: the best candidate within ``threshold``, and the second best at
least ``margin`` farther away. Against few candidates (the second factor's) this keeps
look-alikes from being taken for each other, which a bare threshold does not on large
galleries (DOMAIN: 0.6 returns the wrong person there).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kiosk.faces.engine import Encoding

_LOGGER = logging.getLogger(__name__)

Outcome = Literal["match", "no-match", "ambiguous", "no-candidates"]


@dataclass(frozen=True)
class Candidate:
    """A template central offered for this lookup, under its opaque id."""

    id: str
    template: Encoding


@dataclass(frozen=True)
class Match:
    """The decision and the distances behind it."""

    outcome: Outcome
    candidate_id: str | None = None
    best: float | None = None
    second: float | None = None


class InconsistentFrames(ValueError):
    """The enrolment frames do not show one and the same face."""


def distance(a: Encoding, b: Encoding) -> float:
    """Euclidean distance between two encodings (face_recognition's measure)."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def match(
    probe: Encoding, candidates: Sequence[Candidate], *, threshold: float, margin: float
) -> Match:
    """Decide which candidate, if any, ``probe`` is."""
    if not candidates:
        return Match("no-candidates")
    ranked = sorted((distance(probe, c.template), c.id) for c in candidates)
    best, best_id = ranked[0]
    second = ranked[1][0] if len(ranked) > 1 else None
    if best > threshold:
        return Match("no-match", None, best, second)
    if second is not None and second - best < margin:
        return Match("ambiguous", None, best, second)
    return Match("match", best_id, best, second)


def make_template(encodings: Sequence[Encoding], *, threshold: float) -> Encoding:
    """The mean of several frames' encodings; InconsistentFrames when one of them is
    farther than ``threshold`` from the others' mean (two people took turns)."""
    if not encodings:
        raise InconsistentFrames("no frame encoded")
    stack = np.stack([np.asarray(e, dtype=np.float64) for e in encodings])
    mean = stack.mean(axis=0)
    for i, enc in enumerate(stack):
        if distance(enc, mean) > threshold / 2 and len(stack) > 1:
            raise InconsistentFrames(f"frame {i + 1} shows another face")
    result: Encoding = mean
    return result
