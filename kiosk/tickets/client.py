"""The kiosk's client for the central queue API (docs/wire-api.md), on httpx.

The caller passes the transport in (``httpx.ASGITransport(app)`` in tests, the default
network transport in production), so tests run the real central app in-process without
patching anything. Every call has explicit timeouts; the citizen-facing budget on top of
them is applied by the ticket desk.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from kiosk.tickets.errors import (
    CentralProtocolError,
    CentralRejected,
    CentralUnavailable,
)
from kiosk.tickets.wire import (
    ErrorBody,
    HelpRequestBody,
    OfflineNumbersBody,
    ServicesBody,
    TicketBody,
)

_LOGGER = logging.getLogger(__name__)

_Body = TypeVar("_Body", bound=BaseModel)

#: the largest body the kiosk reads from central; a ticket is well under 2 KB
MAX_BODY_BYTES = 256 * 1024


class CentralClient:
    """Talks to central for one kiosk (its own bearer token)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        connect_timeout_s: float = 0.5,
        read_timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        timeout = httpx.Timeout(read_timeout_s, connect=connect_timeout_s)
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "kiosk/0.1"},
            timeout=timeout,
            transport=transport,
            # A kiosk talks to one server: keep the connection warm for the next citizen.
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Any other endpoint (the face lookup's): the JSON body, or a CentralError."""
        return await self._request(method, path, body)

    async def health(self) -> dict[str, Any]:
        """``GET /api/v1/health``: raises CentralError unless central answers ok."""
        data = await self._request("GET", "/api/v1/health")
        if not isinstance(data, dict) or data.get("status") != "ok":
            raise CentralProtocolError(f"health answered {data!r}")
        return data

    async def services(self) -> ServicesBody:
        """The services and priority categories central offers."""
        return self._parse(ServicesBody, await self._request("GET", "/api/v1/services"))

    async def create_ticket(self, body: dict[str, Any]) -> TicketBody:
        """``POST /api/v1/tickets``; replays with the same idempotency key are safe."""
        return self._parse(TicketBody, await self._request("POST", "/api/v1/tickets", body))

    async def offline_numbers(self) -> OfflineNumbersBody:
        """``GET /api/v1/offline-numbers``: this kiosk's offline numbers central holds today."""
        return self._parse(
            OfflineNumbersBody, await self._request("GET", "/api/v1/offline-numbers")
        )

    async def get_ticket(self, ticket_id: str) -> TicketBody:
        """A ticket with fresh people-ahead and wait figures."""
        return self._parse(TicketBody, await self._request("GET", f"/api/v1/tickets/{ticket_id}"))

    async def post_rating(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /api/v1/ratings``."""
        data = await self._request("POST", "/api/v1/ratings", body)
        if not isinstance(data, dict):
            raise CentralProtocolError(f"rating answered {data!r}")
        return data

    async def redeem_booking(self, code: str, body: dict[str, Any]) -> TicketBody:
        """``POST /api/v1/bookings/{code}/redeem``: the booked citizen's ticket."""
        raw = await self._request("POST", f"/api/v1/bookings/{code}/redeem", body)
        return self._parse(TicketBody, raw)

    async def create_help_request(self, body: dict[str, Any]) -> HelpRequestBody:
        """``POST /api/v1/help-requests``: a citizen asks for staff (replays are safe)."""
        raw = await self._request("POST", "/api/v1/help-requests", body)
        return self._parse(HelpRequestBody, raw)

    async def get_help_request(self, request_id: str) -> HelpRequestBody:
        """The state of this kiosk's help request (open, taken by a counter, closed)."""
        raw = await self._request("GET", f"/api/v1/help-requests/{request_id}")
        return self._parse(HelpRequestBody, raw)

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = await self._http.request(method, path, json=body)
        except httpx.TimeoutException as exc:
            raise CentralUnavailable(f"{method} {path}: timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise CentralUnavailable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        if len(response.content) > MAX_BODY_BYTES:
            raise CentralProtocolError(f"{method} {path}: body of {len(response.content)} bytes")
        if response.status_code >= 500:
            raise CentralUnavailable(f"{method} {path}: HTTP {response.status_code}")
        try:
            data = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CentralProtocolError(
                f"{method} {path}: HTTP {response.status_code} with a body that is not JSON: "
                f"{response.content[:60]!r}"
            ) from exc
        if response.status_code >= 400:
            try:
                error = ErrorBody.model_validate(data).error
            except ValidationError as exc:
                raise CentralProtocolError(
                    f"{method} {path}: HTTP {response.status_code} without an error body"
                ) from exc
            raise CentralRejected(error.code, error.message, response.status_code)
        return data

    @staticmethod
    def _parse(model: type[_Body], data: Any) -> _Body:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CentralProtocolError(
                f"{model.__name__}: {where}: {first['msg']} ({exc.error_count()} problems)"
            ) from exc
