"""Counter-facing endpoints: open, close, call-next, recall, start, complete, no-show,
transfer."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from central import deps
from central.assignment import set_open
from central.catalogue import Catalogue
from central.counter_actions import ticket_action
from central.deps import JsonResponse
from central.errors import AuthError
from central.schemas import ErrorBody, Ticket
from central.sse import feed_of
from central.store import Store

_LOGGER = logging.getLogger(__name__)

Cat = Annotated[Catalogue, Depends(deps.catalogue)]
Db = Annotated[Store, Depends(deps.store)]
Counter = Annotated[str, Depends(deps.counter)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409)
}

router = APIRouter(prefix="/api/v1", responses=_ERRORS)


class TransferRequest(BaseModel):
    """Body of ``POST /api/v1/tickets/{id}/transfer``."""

    model_config = ConfigDict(extra="forbid")

    service: str = Field(min_length=1, max_length=32)
    """The service (field) whose queue the ticket joins."""


def _own(counter: str, code: str) -> None:
    if code != counter:
        raise AuthError(403, "forbidden", f"this token belongs to counter {counter}, not {code}")


class CounterOpen(BaseModel):
    """Body answering ``POST /api/v1/counters/{code}/open`` and ``.../close``."""

    counter: str
    open: bool
    changed: bool
    """False when the counter already was open (closed)."""


async def _set_open(request: Request, cat: Catalogue, db: Store, code: str, is_open: bool) -> Any:
    changed = await db.run(lambda conn: set_open(conn, cat, code, is_open))
    feed_of(request).poke()
    return JsonResponse({"counter": code, "open": is_open, "changed": changed})


@router.post("/counters/{code}/open", response_model=CounterOpen)
async def open_endpoint(
    code: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """The counter is staffed: under ``counter_assignment = "at_issue"`` new tickets of its
    fields may be assigned to it (calling a ticket opens it too)."""
    _own(counter, code)
    response: JsonResponse = await _set_open(request, cat, db, code, True)
    return response


@router.post("/counters/{code}/close", response_model=CounterOpen)
async def close_endpoint(
    code: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """The counter stops for the day (or a break): its waiting assigned tickets go to the
    open counters of their fields, or to the whole field when none is open."""
    _own(counter, code)
    response: JsonResponse = await _set_open(request, cat, db, code, False)
    return response


@router.post("/counters/{code}/call-next", response_model=Ticket)
async def call_next_endpoint(
    code: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """Call the next ticket by the priority policy; 404 no-ticket-waiting if none."""
    _own(counter, code)
    return JsonResponse(await ticket_action(db, cat, feed_of(request), code, "call-next"))


@router.post("/counters/{code}/recall", response_model=Ticket)
async def recall_endpoint(
    code: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """Call the last called ticket again (the hall display announces it again)."""
    _own(counter, code)
    return JsonResponse(await ticket_action(db, cat, feed_of(request), code, "recall"))


@router.post("/tickets/{ticket_id}/start", response_model=Ticket)
async def start(
    ticket_id: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """The citizen arrived at the counter: called -> serving."""
    feed = feed_of(request)
    return JsonResponse(await ticket_action(db, cat, feed, counter, "start", ticket_id=ticket_id))


@router.post("/tickets/{ticket_id}/complete", response_model=Ticket)
async def complete(
    ticket_id: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """Service finished: serving -> done (its duration feeds the wait estimate)."""
    feed = feed_of(request)
    view = await ticket_action(db, cat, feed, counter, "complete", ticket_id=ticket_id)
    return JsonResponse(view)


@router.post("/tickets/{ticket_id}/no-show", response_model=Ticket)
async def no_show(
    ticket_id: str, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """The citizen did not come: called -> no_show."""
    feed = feed_of(request)
    view = await ticket_action(db, cat, feed, counter, "no-show", ticket_id=ticket_id)
    return JsonResponse(view)


@router.post(
    "/tickets/{ticket_id}/transfer", response_model=Ticket, responses={422: {"model": ErrorBody}}
)
async def transfer_endpoint(
    ticket_id: str, req: TransferRequest, request: Request, cat: Cat, db: Db, counter: Counter
) -> JsonResponse:
    """Send a ticket called or served here to another service's queue (same number, same
    place in line): called/serving -> waiting."""
    feed = feed_of(request)
    view = await ticket_action(
        db, cat, feed, counter, "transfer", ticket_id=ticket_id, service=req.service
    )
    return JsonResponse(view)
