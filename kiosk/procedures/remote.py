"""The kiosk's two calls to central for issue 8: the procedure catalogue (with its ETag)
and a dossier's status (docs/wire-api.md). Every answer is checked: garbage from the
network is an error naming what was wrong, never a crash on a public screen.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

_LOGGER = logging.getLogger(__name__)

#: a catalogue of a few thousand procedures in three languages stays well under this
MAX_CATALOGUE_BYTES = 16 * 1024 * 1024
#: what a dossier code may be before it is sent anywhere (letters, digits, dots, dashes)
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{3,39}$")


class RemoteError(Exception):
    """Central could not answer usefully. ``code`` is central's error code or one of
    ``central-unavailable`` / ``central-protocol``; ``retry_after_s`` comes with a 429 and
    ``factor_kind`` with ``second-factor-required``."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 0,
        retry_after_s: int | None = None,
        factor_kind: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.status = status
        self.retry_after_s = retry_after_s
        self.factor_kind = factor_kind


class PickupRef(BaseModel):
    """Where a ready result is collected."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    code: str
    name: str


class DossierView(BaseModel):
    """A dossier as central shows it on a public screen (name already masked)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    code: str = Field(max_length=40)
    procedure: dict[str, Any] = {}
    applicant: str = Field(max_length=120)
    status: str = Field(pattern=r"^(received|in_progress|needs_documents|ready|returned|overdue)$")
    received_on: str
    appointment_on: str | None = None
    completed_on: str | None = None
    missing: list[str] = []
    pickup: PickupRef | None = None
    fee_due_vnd: int = Field(default=0, ge=0)

    def procedure_name(self, lang: str) -> str:
        """The procedure's name in ``lang`` (or Vietnamese, or its code)."""
        names = self.procedure.get("names") or {}
        code = self.procedure.get("code") or ""
        return str(names.get(lang) or names.get("vi") or code)


@dataclass(frozen=True)
class Catalogue:
    """A downloaded catalogue document and its ETag."""

    etag: str
    document: dict[str, Any]


class ProcedureRemote:
    """Calls central with this kiosk's token (transport injectable, as the ticket client)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout_s: float = 2.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token}", "User-Agent": "kiosk/0.1"},
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 0.5)),
            transport=transport,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _get(self, path: str, headers: dict[str, str]) -> httpx.Response:
        try:
            return await self._http.get(path, headers=headers)
        except httpx.HTTPError as exc:
            raise RemoteError("central-unavailable", f"GET {path}: {type(exc).__name__}") from exc

    async def catalogue(self, etag: str | None) -> Catalogue | None:
        """The catalogue, or None when central says it has not changed since ``etag``."""
        response = await self._get("/api/v1/procedures", {"If-None-Match": etag} if etag else {})
        if response.status_code == 304:
            return None
        if len(response.content) > MAX_CATALOGUE_BYTES:
            raise RemoteError("central-protocol", f"catalogue of {len(response.content)} bytes")
        data = _json(response, "/api/v1/procedures")
        new_etag = response.headers.get("etag", "")
        if not isinstance(data, dict) or not new_etag:
            raise RemoteError("central-protocol", "catalogue without a body or an ETag")
        return Catalogue(new_etag, data)

    async def dossier(self, code: str, factor: str | None = None) -> DossierView:
        """A dossier's public view; RemoteError for every refusal (see docs/wire-api.md)."""
        if not CODE.match(code):
            raise RemoteError("bad-request", "not a dossier code", 422)
        headers = {"X-Second-Factor": factor} if factor else {}
        response = await self._get(f"/api/v1/dossiers/{code}", headers)
        data = _json(response, "/api/v1/dossiers/{code}")
        try:
            return DossierView.model_validate(data)
        except ValidationError as exc:
            raise RemoteError("central-protocol", f"dossier: {exc.errors()[0]['msg']}") from exc


def _json(response: httpx.Response, path: str) -> Any:
    if response.status_code >= 500:
        raise RemoteError("central-unavailable", f"GET {path}: HTTP {response.status_code}")
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RemoteError("central-protocol", f"GET {path}: body is not JSON") from exc
    if response.status_code >= 400:
        error = data.get("error") if isinstance(data, dict) else None
        if not isinstance(error, dict) or not isinstance(error.get("code"), str):
            raise RemoteError("central-protocol", f"GET {path}: {response.status_code} no error")
        retry = response.headers.get("retry-after", "")
        raise RemoteError(
            error["code"],
            str(error.get("message", "")),
            response.status_code,
            int(retry) if retry.isdigit() else None,
            response.headers.get("x-second-factor-kind"),
        )
    return data
