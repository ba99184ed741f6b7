"""The ``[faces]`` table of central's settings: the key, retention, candidates, limits.

Apart from :mod:`central.settings` so that the face feature's knobs sit in one place;
nothing here imports ``cryptography``.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

_LOGGER = logging.getLogger(__name__)


class FaceSettings(BaseModel):
    """Face templates for dossier lookup (off unless ``enabled``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    enabled: bool = False
    """Accept face enrolments and lookups (needs a key: ``key_file`` or ``key_env``)."""
    key_file: str | None = None
    """File holding the 32-byte key, base64 (``central faces-key FILE`` writes one). Keep it
    off the database's disk backups; it is never stored in the database."""
    key_env: str = Field(default="CENTRAL_FACE_KEY", pattern=r"^[A-Z_][A-Z0-9_]{0,63}$")
    """Environment variable holding the key (base64) when ``key_file`` is not set."""
    retention_days_after_close: int = Field(default=30, ge=0, le=3650)
    """A template is deleted this many days after the last of its dossiers was closed."""
    max_age_days: int = Field(default=730, ge=1, le=3650)
    """A template is deleted this many days after enrolment whatever its dossiers say."""
    max_candidates: int = Field(default=20, ge=1, le=200)
    """Most templates one second factor may select; more and the kiosk is told to use the
    code (a face is never matched against a crowd)."""
    lookup_ttl_s: int = Field(default=120, ge=10, le=3600)
    """How long a kiosk may report the result of a lookup it started."""
    lookups_per_minute: int = Field(default=20, ge=1, le=1000)
    """Face lookups one kiosk may start per minute (more are refused with 429)."""
    same_face_distance: float = Field(default=0.5, gt=0.0, le=1.0)
    """At enrolment, a template of the same second factor this close to the new face is the
    same citizen: its dossiers join the new template (one face per citizen, so a later
    lookup is not ambiguous between two templates of one person). Keep it equal to the
    kiosks' ``[faces] threshold``."""
