"""The kiosk's side of central's face endpoints (docs/wire-api.md, "Faces").

Answers are checked against the wire shapes before use; templates central sends live in
memory for the one lookup and are never logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from kiosk.faces.engine import Encoding
from kiosk.faces.matching import Candidate, Match
from kiosk.tickets.client import CentralClient
from kiosk.tickets.errors import CentralProtocolError

_LOGGER = logging.getLogger(__name__)

_Body = TypeVar("_Body", bound=BaseModel)


class _Candidate(BaseModel):
    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    encoding: list[float] = Field(min_length=128, max_length=128)


class _Candidates(BaseModel):
    lookup: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    outcome: Literal["candidates", "no-candidates", "too-many"]
    candidates: list[_Candidate] = Field(max_length=200)


class _Result(BaseModel):
    outcome: str
    dossiers: list[str] = Field(max_length=50)


class Enrolled(BaseModel):
    """Central's answer to an enrolment."""

    id: str
    expires_at: str


@dataclass(frozen=True)
class Offer:
    """The candidates central offered for one second factor."""

    lookup: str | None
    outcome: Literal["candidates", "no-candidates", "too-many"]
    candidates: list[Candidate]


class FaceService:
    """Central's face endpoints through the kiosk's :class:`CentralClient`."""

    def __init__(self, client: CentralClient) -> None:
        self._client = client

    async def enrol(
        self, dossiers: list[str], factor: tuple[str, str], template: Encoding, consent: str
    ) -> Enrolled:
        """Send the template for ``dossiers``; its id and expiry."""
        body = {
            "dossiers": dossiers,
            "factor": {"kind": factor[0], "value": factor[1]},
            "encoding": [float(x) for x in template],
            "consent": consent,
        }
        return _parse(Enrolled, await self._client.call("POST", "/api/v1/faces", body))

    async def candidates(self, factor: tuple[str, str]) -> Offer:
        """The few templates the second factor selects."""
        body = {"factor": {"kind": factor[0], "value": factor[1]}}
        raw = _parse(_Candidates, await self._client.call("POST", "/api/v1/faces/candidates", body))
        found = [Candidate(c.id, np.asarray(c.encoding, dtype=np.float64)) for c in raw.candidates]
        return Offer(lookup=raw.lookup, outcome=raw.outcome, candidates=found)

    async def report(self, lookup: str, outcome: str, match: Match | None = None) -> list[str]:
        """Tell central how the lookup ended; the dossier codes on a match."""
        body: dict[str, Any] = {"outcome": outcome}
        if match is not None:
            body["candidate"] = match.candidate_id
            body["distance"] = round(match.best, 4) if match.best is not None else None
        raw = await self._client.call("POST", f"/api/v1/faces/lookups/{lookup}/result", body)
        return _parse(_Result, raw).dossiers

    async def forget(self, dossier: str) -> int:
        """Delete the face linked to ``dossier``; how many templates went."""
        raw = await self._client.call("POST", "/api/v1/faces/forget", {"dossier": dossier})
        if not isinstance(raw, dict) or not isinstance(raw.get("deleted"), int):
            raise CentralProtocolError(f"forget answered {raw!r}")
        return int(raw["deleted"])


def _parse(model: type[_Body], data: Any) -> _Body:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CentralProtocolError(f"faces: {where}: {first['msg']}") from None
