"""Help-request endpoints: kiosks open them, counters take and close them."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from central import deps, help_requests
from central.catalogue import Catalogue, Principal
from central.counter_actions import help_action
from central.deps import JsonResponse
from central.errors import NotFound
from central.help_requests import HelpRequest, HelpRequestBody, HelpRequestList
from central.schemas import ErrorBody
from central.sse import feed_of
from central.store import Store

_LOGGER = logging.getLogger(__name__)

Cat = Annotated[Catalogue, Depends(deps.catalogue)]
Db = Annotated[Store, Depends(deps.store)]
Kiosk = Annotated[str, Depends(deps.kiosk)]
Counter = Annotated[str, Depends(deps.counter)]
Anyone = Annotated[Principal, Depends(deps.principal)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}

router = APIRouter(prefix="/api/v1", responses=_ERRORS, tags=["help requests"])


@router.post("/help-requests", response_model=HelpRequest, status_code=201)
async def create_help_request(
    req: HelpRequestBody, request: Request, cat: Cat, db: Db, kiosk_id: Kiosk
) -> JsonResponse:
    """A citizen at this kiosk asks for a staff member (201); a replay answers 200."""
    row, created = await db.run(lambda conn: help_requests.create(conn, cat, kiosk_id, req))
    feed_of(request).poke()
    return JsonResponse(help_requests.view(cat, row), status_code=201 if created else 200)


@router.get("/help-requests", response_model=HelpRequestList)
async def list_help_requests(cat: Cat, db: Db, _counter: Counter) -> JsonResponse:
    """Help requests not closed yet, oldest first (counter token)."""
    rows = await db.run(help_requests.open_requests, read_only=True)
    return JsonResponse({"help_requests": [help_requests.view(cat, r) for r in rows]})


@router.get("/help-requests/{request_id}", response_model=HelpRequest)
async def read_help_request(request_id: str, cat: Cat, db: Db, who: Anyone) -> JsonResponse:
    """The state of a help request: its own kiosk or any counter may ask."""
    row = await db.run(lambda conn: help_requests.get(conn, request_id), read_only=True)
    if who.kind == "kiosk" and row.kiosk_id != who.name:
        # another kiosk's request does not exist for this kiosk
        raise NotFound("unknown-help-request", f"no help request {request_id!r}")
    return JsonResponse(help_requests.view(cat, row))


@router.post("/help-requests/{request_id}/take", response_model=HelpRequest)
async def take_help_request(
    request_id: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """This counter's staff member goes to the kiosk: open -> taken (409 if taken by
    another counter)."""
    view = await help_action(db, cat, feed_of(request), counter, "take", request_id)
    return JsonResponse(view)


@router.post("/help-requests/{request_id}/close", response_model=HelpRequest)
async def close_help_request(
    request_id: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """The citizen was helped (or left): open/taken -> closed."""
    view = await help_action(db, cat, feed_of(request), counter, "close", request_id)
    return JsonResponse(view)
