"""Face endpoints of wire API v1 (docs/wire-api.md, "Faces").

Enrolment (kiosk after a code lookup, or counter), candidates by second factor and the
lookup's result (kiosk), "forget my face" (kiosk by dossier code, counter by dossier code
or template id), a dossier's closure (counter). Every call lands in the audit log; no
template, second factor or dossier code is ever logged. 404 ``faces-disabled`` when the
centre has not turned faces on.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from central import deps, face_retention, faces
from central.catalogue import Catalogue, Principal, to_micros
from central.deps import JsonResponse
from central.errors import NotFound
from central.schemas import ErrorBody
from central.store import Store

_LOGGER = logging.getLogger(__name__)

Cat = Annotated[Catalogue, Depends(deps.catalogue)]
Db = Annotated[Store, Depends(deps.store)]
Kiosk = Annotated[str, Depends(deps.kiosk)]
Counter = Annotated[str, Depends(deps.counter)]
Anyone = Annotated[Principal, Depends(deps.principal)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422, 429)
}
_STRICT = ConfigDict(extra="forbid")
_CODE = r"^[A-Za-z0-9][A-Za-z0-9.\-]{3,39}$"  # dossier codes as centres print them
DossierCode = Annotated[str, Field(pattern=_CODE)]

router = APIRouter(prefix="/api/v1/faces", responses=_ERRORS, tags=["faces"])


class Factor(BaseModel):
    """The second factor the citizen typed."""

    model_config = _STRICT
    kind: Literal["birth_year", "phone_last4"]
    value: str = Field(min_length=1, max_length=8)


class EnrolRequest(BaseModel):
    """A template for the citizen's dossiers, with the consent it was given under."""

    model_config = _STRICT
    dossiers: list[DossierCode] = Field(min_length=1, max_length=20)
    factor: Factor
    encoding: list[float] = Field(min_length=128, max_length=128)
    consent: str = Field(pattern=r"^[a-z]{2}:[A-Za-z0-9.-]{1,16}$")
    """``language:text-version`` of the consent screen the citizen accepted."""


class CandidatesRequest(BaseModel):
    """The second factor that selects the few candidates."""

    model_config = _STRICT
    factor: Factor


class ResultRequest(BaseModel):
    """The kiosk's decision on a lookup."""

    model_config = _STRICT
    outcome: Literal["match", "no-match", "ambiguous", "not-live", "cancelled"]
    candidate: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    distance: float | None = Field(default=None, ge=0, le=4)


class ForgetRequest(BaseModel):
    """Forget the face linked to this dossier."""

    model_config = _STRICT
    dossier: DossierCode


def _faces(request: Request) -> faces.Faces:
    found: faces.Faces | None = request.app.state.faces
    if found is None:
        raise NotFound("faces-disabled", "face lookup is not enabled at this centre")
    return found


Faces = Annotated[faces.Faces, Depends(_faces)]


def _actor(who: Principal) -> str:
    return f"{who.kind}:{who.name}"


async def _check_dossiers(
    request: Request, body: EnrolRequest, who: Principal, now: int, db: Store
) -> None:
    """Every dossier must exist and carry the second factor given: a face is tied only to
    dossiers the citizen proved are theirs. A miss answers like a dossier lookup's (404
    ``unknown-dossier``, whichever of code or factor was wrong), counts towards the calling
    kiosk's lockout, and is audited."""
    from central.routes_dossiers import LookupGuard, factor_matches

    guard: LookupGuard = request.app.state.dossier_guard
    seconds = cat_seconds(request)
    if who.kind == "kiosk":
        refusal = guard.refuse(who.name, seconds)
        if refusal is not None:
            await db.run(lambda conn: faces.audit(conn, now, _actor(who), "enrol", refusal[0]))
            raise faces.RateLimited(refusal[0], "too many look-ups: try later")
    adapter = request.app.state.dossier_adapter
    for code in body.dossiers:
        dossier = await adapter.find(code.upper())
        if dossier is None or not factor_matches(dossier, body.factor.kind, body.factor.value):
            if who.kind == "kiosk":
                guard.record(who.name, False, seconds)
            await db.run(
                lambda conn: faces.audit(
                    conn, now, _actor(who), "enrol", "refused", None, "dossier or second factor"
                )
            )
            raise NotFound("unknown-dossier", "no dossier with this code (and second factor)")
    if who.kind == "kiosk":
        guard.record(who.name, True, seconds)


def cat_seconds(request: Request) -> float:
    """Central's clock in seconds (the dossier guard's unit)."""
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue.now().timestamp()


@router.post("", status_code=201)
async def enrol(
    body: EnrolRequest, request: Request, fc: Faces, cat: Cat, db: Db, who: Anyone
) -> JsonResponse:
    """Store the citizen's face template, linked to their dossiers (which must exist and
    carry the second factor given)."""
    now = to_micros(cat.now())
    faces.pack(body.encoding)  # bad input is named before any dossier is looked at
    faces.check_factor(body.factor.kind, body.factor.value)
    await _check_dossiers(request, body, who, now, db)

    def work(conn: Connection) -> dict[str, Any]:
        faces.purge_expired(conn, now)
        made = faces.enrol(
            conn,
            fc,
            actor=_actor(who),
            dossiers=body.dossiers,
            factor=(body.factor.kind, body.factor.value),
            encoding=body.encoding,
            consent=body.consent,
            now_us=now,
        )
        return {"id": made["id"], "expires_at": cat.to_local_iso(made["expires_us"])}

    return JsonResponse(await db.run(work), status_code=201)


@router.post("/candidates")
async def candidates(
    body: CandidatesRequest, fc: Faces, cat: Cat, db: Db, kiosk: Kiosk
) -> JsonResponse:
    """The templates the second factor selects (at most ``max_candidates``)."""
    now = to_micros(cat.now())

    def work(conn: Connection) -> dict[str, Any]:
        faces.purge_expired(conn, now)
        return faces.candidates(
            conn, fc, kiosk=kiosk, factor=(body.factor.kind, body.factor.value), now_us=now
        )

    return _answer(await db.run(work))


@router.post("/lookups/{lookup_id}/result")
async def result(
    lookup_id: str, body: ResultRequest, fc: Faces, cat: Cat, db: Db, kiosk: Kiosk
) -> JsonResponse:
    """Close the lookup; on a match, the codes of the citizen's dossiers."""
    now = to_micros(cat.now())
    return _answer(
        await db.run(
            lambda conn: faces.resolve(
                conn,
                fc,
                kiosk=kiosk,
                lookup_id=lookup_id,
                outcome=body.outcome,
                candidate=body.candidate,
                distance=body.distance,
                now_us=now,
            )
        )
    )


def _answer(answer: dict[str, Any]) -> JsonResponse:
    error = faces.refusal(answer)
    if error is not None:
        raise error
    return JsonResponse(answer)


@router.post("/forget")
async def forget(body: ForgetRequest, fc: Faces, cat: Cat, db: Db, who: Anyone) -> JsonResponse:
    """Delete the face template(s) linked to a dossier, at once."""
    now = to_micros(cat.now())
    deleted = await db.run(
        lambda conn: faces.forget_dossier(
            conn, fc, actor=_actor(who), dossier=body.dossier, now_us=now
        )
    )
    return JsonResponse({"deleted": deleted})


@router.delete("/{template_id}")
async def forget_one(
    template_id: str, fc: Faces, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """Delete one template by id (counters only)."""
    now = to_micros(cat.now())
    await db.run(
        lambda conn: faces.forget_template(
            conn, actor=f"counter:{counter}", template_id=template_id, now_us=now
        )
    )
    return JsonResponse({"deleted": 1})


@router.post("/dossiers/{code}/closed")
async def closed(
    code: Annotated[str, Path(pattern=_CODE)], fc: Faces, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """The dossier was closed: its templates expire after the retention time."""
    now = to_micros(cat.now())
    count = await db.run(
        lambda conn: face_retention.dossier_closed(
            conn, fc, actor=f"counter:{counter}", dossier=code, closed_us=now
        )
    )
    return JsonResponse({"templates": count})
