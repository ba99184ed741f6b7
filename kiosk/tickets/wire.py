"""The kiosk's reading of the central queue API's bodies (docs/wire-api.md).

The kiosk parses what central sends with its own models instead of importing central's:
the kiosk must work against any server that speaks the API, and a body that does not
match is refused here, at the boundary, as :class:`~kiosk.tickets.errors.CentralProtocolError`.
Unknown extra fields are ignored so central can grow without breaking deployed kiosks.
Every field the kiosk renders (on screen, on paper, in the ticket's QR code) is checked
here for what the renderer needs: a ticket whose ``status_url`` is empty or not a web
address is refused as a protocol error (the citizen gets an offline number) instead of
reaching the QR encoder and failing after the number was journaled.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_LENIENT = ConfigDict(extra="ignore", frozen=True)


class CounterInfo(BaseModel):
    """A counter as central names it."""

    model_config = _LENIENT

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=80)


class ServiceInfo(BaseModel):
    """A field (lĩnh vực) a citizen can take a ticket for."""

    model_config = _LENIENT

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    prefix: str = Field(pattern=r"^[A-Z]{1,3}$")
    names: dict[str, str]
    counters: list[CounterInfo] = []

    def name(self, language: str) -> str:
        """The service's name in ``language``, falling back to Vietnamese, then the code."""
        return self.names.get(language) or self.names.get("vi") or self.code


class CategoryInfo(BaseModel):
    """A priority category (elderly, disability, ...) as central's config names it."""

    model_config = _LENIENT

    code: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    names: dict[str, str]


class ServicesBody(BaseModel):
    """``GET /api/v1/services``."""

    model_config = _LENIENT

    services: list[ServiceInfo]
    priority_categories: list[CategoryInfo] = []


class TicketBody(BaseModel):
    """A ticket as central returns it."""

    model_config = _LENIENT

    id: str = Field(min_length=1, max_length=64)
    public_id: str = Field(min_length=8, max_length=128)
    number: str = Field(pattern=r"^[A-Z0-9-]{2,16}$")
    service: str
    priority: str | None = None
    language: str = "vi"
    status: str
    counters: list[CounterInfo] = []
    people_ahead: int = Field(ge=0)
    estimated_wait_s: int = Field(ge=0)
    issued_at: datetime
    local_day: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    status_url: str = Field(min_length=10, max_length=400, pattern=r"^https?://[^\s/]+/\S*$")
    offline_number: str | None = None
    called_counter: str | None = None
    #: the counter central named at issue time (its ``counter_assignment = "at_issue"``)
    assigned_counter: CounterInfo | None = None

    def where(self) -> list[CounterInfo]:
        """The counters that may call this ticket, as the citizen is told: the one central
        assigned, else every counter of the field."""
        return [self.assigned_counter] if self.assigned_counter else self.counters


class HelpRequestBody(BaseModel):
    """A help request (``POST``/``GET /api/v1/help-requests``): has staff taken it yet?"""

    model_config = _LENIENT

    id: str = Field(min_length=1, max_length=64)
    status: Literal["open", "taken", "closed"]
    taken_by: str | None = Field(default=None, max_length=32)
    taken_by_name: str | None = Field(default=None, max_length=80)


class OfflineNumbersBody(BaseModel):
    """``GET /api/v1/offline-numbers``: service -> highest offline sequence central holds."""

    model_config = _LENIENT

    local_day: date
    last: dict[str, Annotated[int, Field(ge=0, le=9999)]] = {}


class ErrorDetail(BaseModel):
    """The ``error`` object of an error body."""

    model_config = _LENIENT

    code: str
    message: str = ""


class ErrorBody(BaseModel):
    """``{"error": {"code": ..., "message": ...}}``."""

    model_config = _LENIENT

    error: ErrorDetail
