"""Request and response bodies of wire API v1 (docs/wire-api.md) as pydantic models.

Requests are validated by FastAPI with these models; responses are built as plain dicts
and serialised with orjson on the hot path, so the response models here mainly publish
the schema at /openapi.json.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

_LOGGER = logging.getLogger(__name__)

_STRICT = ConfigDict(extra="forbid")
IdempotencyKey = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
Language = Field(default="vi", min_length=2, max_length=8, pattern=r"^[A-Za-z-]+$")
#: service and priority codes as the settings allow them (``central/settings.py``); the
#: published schema narrows them further to the configured codes (central/openapi_doc.py)
CODE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"


class OfflineIssue(BaseModel):
    """A number the kiosk printed while central was unreachable."""

    model_config = _STRICT

    number: str = Field(min_length=3, max_length=24, pattern=r"^[A-Z0-9]+-[A-Z]+[0-9]+$")
    issued_at: AwareDatetime
    """RFC 3339 date-time with its offset (a bare number is not a time)."""

    @field_validator("issued_at", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> object:
        if not isinstance(value, str | datetime):
            raise ValueError("must be an RFC 3339 date-time string")
        return value


class TicketRequest(BaseModel):
    """Body of ``POST /api/v1/tickets``."""

    model_config = _STRICT

    idempotency_key: str = IdempotencyKey
    service: str = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    language: str = Language
    priority: str | None = Field(default=None, max_length=32, pattern=CODE_PATTERN)
    """A priority category's code, or null (an empty string is not a category)."""
    offline: OfflineIssue | None = None


class CounterRef(BaseModel):
    """A counter as shown to citizens."""

    code: str
    name: str


class Ticket(BaseModel):
    """A queue ticket as the kiosk and the public page see it."""

    id: str
    public_id: str
    number: str
    service: str
    priority: str | None
    language: str
    status: Literal["waiting", "called", "serving", "done", "no_show"]
    counters: list[CounterRef]
    called_counter: str | None
    assigned_counter: CounterRef | None
    """The counter central named at issue time (``counter_assignment = "at_issue"``): only
    it calls the ticket while it is open; null: any counter of ``counters`` calls it."""
    people_ahead: int
    estimated_wait_s: int
    issued_at: datetime
    local_day: date
    status_url: str
    offline_number: str | None


class Service(BaseModel):
    """A service (field) and its counters."""

    code: str
    prefix: str
    names: dict[str, str]
    counters: list[CounterRef]


class Category(BaseModel):
    """A priority category."""

    code: str
    names: dict[str, str]


class ServiceList(BaseModel):
    """Body of ``GET /api/v1/services``."""

    services: list[Service]
    priority_categories: list[Category]


class Health(BaseModel):
    """Body of ``GET /api/v1/health``."""

    status: str
    time: datetime
    local_day: date


class OfflineNumbers(BaseModel):
    """Body of ``GET /api/v1/offline-numbers``: the kiosk's offline numbers central holds."""

    kiosk: str
    local_day: date
    last: dict[str, int]
    """Service code -> highest sequence of the kiosk's offline numbers today."""


class BookingRequest(BaseModel):
    """Body of ``POST /api/v1/bookings``."""

    model_config = _STRICT

    service: str = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    date: date
    language: str = Language
    idempotency_key: str = IdempotencyKey


class Booking(BaseModel):
    """A booking for a later day (or later today)."""

    code: str
    service: str
    date: date
    status: Literal["booked", "used"]


class RedeemRequest(BaseModel):
    """Body of ``POST /api/v1/bookings/{code}/redeem``."""

    model_config = _STRICT

    idempotency_key: str = IdempotencyKey
    language: str = Language


class RatingRequest(BaseModel):
    """Body of ``POST /api/v1/ratings``."""

    model_config = _STRICT

    ticket_id: str | None = Field(default=None, min_length=1, max_length=36)
    counter: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,16}$")
    score: int = Field(ge=1, le=5)
    reasons: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=16
    )
    """Short reason codes chosen on the rating screen, e.g. ``slow``, ``friendly``."""
    idempotency_key: str = IdempotencyKey


class RatingCreated(BaseModel):
    """Body answering a rating."""

    id: str


class ErrorDetail(BaseModel):
    """The ``error`` member of every error body."""

    code: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail
