"""Settings of the staff and hall pages (the ``[pages]`` table of central's config)."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

_LOGGER = logging.getLogger(__name__)

_Token = Field(min_length=16, max_length=256)


class PagesSettings(BaseModel):
    """Who may open the hall display and the reports, and how long staff stay signed in."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    display_tokens: list[str] = Field(default_factory=list)
    """Tokens of hall displays and rating tablets (``/display/?token=...``,
    ``/rate/Q1?token=...``); at least 16 characters each. Empty: no display can open."""
    manager_tokens: list[str] = Field(default_factory=list)
    """Sign-in secrets of the centre's management for ``/reports/ratings``."""
    session_minutes: int = Field(default=60, ge=5, le=24 * 60)
    """A counter or manager session ends after this many minutes without any action."""
    rating_window_s: int = Field(default=300, ge=30, le=3600)
    """How long after a completed ticket the counter's tablet still asks for its rating."""
    phone_rating_hours: int = Field(default=24, ge=0, le=24 * 31)
    """How long after its completion a ticket may be rated from its page on the citizen's
    phone (``/t/{public_id}``, the QR code on the ticket); 0: not from the phone."""
    recent_calls: int = Field(default=6, ge=1, le=20)
    """How many of the last calls the hall display lists."""
