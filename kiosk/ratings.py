"""A citizen's rating as central takes it: the kiosk's scale spread over central's 1..5.

A kiosk may show 3, 4 or 5 faces (``features.rating_levels``); central stores 1..5 so
that every kiosk's ratings can be compared. The lowest face is 1, the highest 5, and the
ones between are spread evenly and rounded.
"""

from __future__ import annotations

import uuid
from typing import Any

#: central's scale (docs/wire-api.md, POST /api/v1/ratings)
CENTRAL_LEVELS = 5


def central_score(score: int, levels: int) -> int:
    """``score`` on a ``levels``-face scale, as central's 1..5."""
    if levels <= 1:
        return CENTRAL_LEVELS
    return round(1 + (score - 1) * (CENTRAL_LEVELS - 1) / (levels - 1))


def rating_body(score: int, reasons: tuple[str, ...], levels: int) -> dict[str, Any]:
    """The body of ``POST /api/v1/ratings`` for one citizen's rating."""
    return {
        "ticket_id": None,
        "counter": None,
        "score": central_score(score, levels),
        "reasons": list(reasons),
        "idempotency_key": uuid.uuid4().hex,
    }
