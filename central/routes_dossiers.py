"""Dossier status on the wire: kiosks look up (``GET /api/v1/dossiers/{code}``), counters
create dossiers and change their status (reference adapter only).

Dossier codes are often sequential by date, so they can be guessed. Each kiosk gets a rate
(``rate_per_minute``) and is locked out for ``lockout_s`` after ``max_misses`` misses in a
row (an unknown code or a wrong second factor: both answer the same ``404`` so a guesser
cannot tell them apart). A centre may require a second factor (last 4 digits of the phone
or the birth year) in the ``X-Second-Factor`` header. The log never holds a code, only a
keyed hash of it, and the outcome.

The guard's counters live in this process: a centre running several server processes gets
one budget per process (documented in docs/wire-api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
import secrets
from collections import deque
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Path, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from central import deps, face_retention, faces
from central.catalogue import Catalogue, to_micros
from central.deps import JsonResponse
from central.dossiers import (
    CODE_PATTERN,
    STATUSES,
    Dossier,
    DossierAdapter,
    create_dossier,
    is_date,
    load_adapter,
    public_view,
    set_status,
)
from central.errors import BadInput, NotFound
from central.routes_procedures import current
from central.schemas import ErrorBody
from central.settings import DossierLookupSettings
from central.store import Store

_LOGGER = logging.getLogger(__name__)

Kiosk = Annotated[str, Depends(deps.kiosk)]
Counter = Annotated[str, Depends(deps.counter)]
_BODY = ConfigDict(extra="forbid")
_DATE = r"^\d{4}-\d{2}-\d{2}$"
#: a dossier code as centres print it; anything else is ``422 bad-request``
Code = Annotated[str, Path(pattern=CODE_PATTERN, min_length=4, max_length=40)]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody} for code in codes}


def _real_date(value: str | None) -> str | None:
    if value is not None and not is_date(value):
        raise ValueError(f"{value!r} is not a date")
    return value


class DossierCreate(BaseModel):
    """``POST /api/v1/dossiers`` (counter token): a dossier received at a counter."""

    model_config = _BODY
    code: str = Field(pattern=CODE_PATTERN)
    procedure: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]{1,47}$")
    procedure_name: dict[str, str] | None = None
    applicant_name: str = Field(min_length=1, max_length=120)
    received_on: str = Field(pattern=_DATE)
    appointment_on: str | None = Field(default=None, pattern=_DATE)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 .-]{4,20}$")
    birth_year: int | None = Field(default=None, ge=1900, le=2100)

    _dates = field_validator("received_on", "appointment_on")(_real_date)


class DossierStatusChange(BaseModel):
    """``POST /api/v1/dossiers/{code}/status`` (counter token)."""

    model_config = _BODY
    status: str
    missing: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default=[], max_length=20
    )
    pickup_counter: str | None = Field(default=None, max_length=16)
    fee_due_vnd: int = Field(default=0, ge=0, le=1_000_000_000)
    appointment_on: str | None = Field(default=None, pattern=_DATE)
    completed_on: str | None = Field(default=None, pattern=_DATE)

    _dates = field_validator("appointment_on", "completed_on")(_real_date)

    @field_validator("status")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        return value


@dataclass
class _KioskState:
    recent: deque[float] = field(default_factory=deque)
    misses: int = 0
    locked_until: float = 0.0


class LookupGuard:
    """Per-kiosk rate limit and lockout after repeated misses (times in seconds)."""

    def __init__(self, cfg: DossierLookupSettings) -> None:
        self.cfg = cfg
        self._kiosks: dict[str, _KioskState] = {}

    def refuse(self, kiosk: str, now: float) -> tuple[str, int] | None:
        """``(error code, retry-after s)`` when this kiosk must wait, else None (counted)."""
        state = self._kiosks.setdefault(kiosk, _KioskState())
        if state.locked_until > now:
            return "locked-out", max(1, math.ceil(state.locked_until - now))
        while state.recent and state.recent[0] <= now - 60:
            state.recent.popleft()
        if len(state.recent) >= self.cfg.rate_per_minute:
            return "rate-limited", max(1, math.ceil(state.recent[0] + 60 - now))
        state.recent.append(now)
        return None

    def record(self, kiosk: str, hit: bool, now: float) -> None:
        """Count a hit (resets the misses) or a miss (may lock the kiosk out)."""
        state = self._kiosks.setdefault(kiosk, _KioskState())
        state.misses = 0 if hit else state.misses + 1
        if state.misses >= self.cfg.max_misses:
            state.locked_until = now + self.cfg.lockout_s
            state.misses = 0
            _LOGGER.warning(
                "dossier lookup: kiosk %s locked out for %d s", kiosk, self.cfg.lockout_s
            )


def factor_matches(dossier: Dossier, kind: str, given: str) -> bool:
    """The second factor given at the kiosk against the dossier's, in constant time."""
    expected = dossier.phone_last4 if kind == "phone_last4" else str(dossier.birth_year or "")
    digits = re.sub(r"\D", "", given)
    return (
        expected is not None
        and expected != ""
        and hmac.compare_digest(expected.encode(), digits.encode())
    )


#: statuses that close a dossier (kiosk-side "forget" aside, face templates expire after)
CLOSED = ("returned",)

router = APIRouter(prefix="/api/v1", tags=["dossiers"])


def _refused(code: str, message: str, status: int, headers: dict[str, str]) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


@router.get("/dossiers/{code}", responses=_errors(401, 403, 404, 422, 428, 429))
async def lookup(code: Code, request: Request, kiosk_id: Kiosk) -> JsonResponse:
    """A dossier's status for a public screen (kiosk token); see the module docstring."""
    app = request.app
    cat: Catalogue = app.state.catalogue
    cfg = cat.settings.dossier_lookup
    guard: LookupGuard = app.state.dossier_guard
    now = cat.now()
    seconds = now.timestamp()
    hashed = app.state.dossier_hash(code)
    refusal = guard.refuse(kiosk_id, seconds)
    if refusal is not None:
        reason, retry = refusal
        _LOGGER.info("dossier lookup kiosk=%s code#=%s outcome=%s", kiosk_id, hashed, reason)
        return _refused(reason, "too many look-ups: try later", 429, {"Retry-After": str(retry)})
    given = request.headers.get("x-second-factor")
    if cfg.second_factor != "none" and not given:
        _LOGGER.info("dossier lookup kiosk=%s code#=%s outcome=factor-needed", kiosk_id, hashed)
        return _refused(
            "second-factor-required",
            f"this centre also asks for the {cfg.second_factor.replace('_', ' ')}",
            428,
            {"X-Second-Factor-Kind": cfg.second_factor},
        )
    adapter: DossierAdapter = app.state.dossier_adapter
    dossier = await adapter.find(code)
    if dossier is not None and cfg.second_factor != "none":
        if not factor_matches(dossier, cfg.second_factor, given or ""):
            dossier = None
    guard.record(kiosk_id, dossier is not None, seconds)
    outcome = "found" if dossier is not None else "miss"
    _LOGGER.info("dossier lookup kiosk=%s code#=%s outcome=%s", kiosk_id, hashed, outcome)
    if dossier is None:
        raise NotFound("unknown-dossier", "no dossier with this code (and second factor)")
    return JsonResponse(await _view(request, dossier))


async def _view(request: Request, dossier: Dossier) -> dict[str, Any]:
    cat: Catalogue = request.app.state.catalogue
    stored = await current(request)
    proc = stored.procedures.get(dossier.procedure or "")
    counter = cat.counters.get(dossier.pickup_counter or "")
    return public_view(
        dossier,
        cat.local_day(cat.now()),
        proc["name"] if proc else None,
        counter.name if counter else None,
    )


@router.post("/dossiers", status_code=201, responses=_errors(401, 403, 409, 422))
async def create(req: DossierCreate, request: Request, _counter: Counter) -> JsonResponse:
    """A counter records a dossier it received (reference adapter)."""
    cat: Catalogue = request.app.state.catalogue
    db: Store = request.app.state.store
    now_us = to_micros(cat.now())
    dossier = await db.run(lambda conn: create_dossier(conn, req.model_dump(), now_us))
    return JsonResponse(await _view(request, dossier), status_code=201)


@router.post("/dossiers/{code}/status", responses=_errors(401, 403, 404, 422))
async def change_status(
    code: str, req: DossierStatusChange, request: Request, _counter: Counter
) -> JsonResponse:
    """A counter moves a dossier on (needs documents, ready at a counter, returned...)."""
    cat: Catalogue = request.app.state.catalogue
    db: Store = request.app.state.store
    if req.pickup_counter is not None and req.pickup_counter not in cat.counters:
        raise BadInput("unknown-counter", f"unknown counter {req.pickup_counter!r}")
    now_us = to_micros(cat.now())
    dossier = await db.run(lambda conn: set_status(conn, code, req.model_dump(), now_us))
    face_store: faces.Faces | None = request.app.state.faces
    if dossier.status in CLOSED and face_store is not None:
        # the citizen has the result: their face template starts its retention countdown
        await db.run(
            lambda conn: face_retention.dossier_closed(
                conn,
                face_store,
                actor=f"counter:{_counter}",
                dossier=dossier.code,
                closed_us=now_us,
            )
        )
    return JsonResponse(await _view(request, dossier))


def install(app: FastAPI) -> None:
    """Add the routes, the adapter named in the settings, the guard and the log hash."""
    cat: Catalogue = app.state.catalogue
    cfg = cat.settings.dossier_lookup
    key = (cfg.log_key or secrets.token_hex(16)).encode()

    def keyed_hash(code: str) -> str:
        return hmac.new(key, code.upper().encode(), hashlib.sha256).hexdigest()[:12]

    app.state.dossier_adapter = load_adapter(cat.settings, app.state.store)
    app.state.dossier_guard = LookupGuard(cfg)
    app.state.dossier_hash = keyed_hash
    app.include_router(router)
