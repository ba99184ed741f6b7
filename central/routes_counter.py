"""Counter-facing endpoints: call-next, recall, start, complete, no-show."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import Connection

from central import deps
from central.calling import call_next, recall, transition
from central.catalogue import Catalogue
from central.deps import JsonResponse
from central.errors import AuthError
from central.schemas import ErrorBody, Ticket
from central.store import Store
from central.tickets import ticket_view

_LOGGER = logging.getLogger(__name__)

Cat = Annotated[Catalogue, Depends(deps.catalogue)]
Db = Annotated[Store, Depends(deps.store)]
Counter = Annotated[str, Depends(deps.counter)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409)
}

router = APIRouter(prefix="/api/v1", responses=_ERRORS)


def _own(counter: str, code: str) -> None:
    if code != counter:
        raise AuthError(403, "forbidden", f"this token belongs to counter {counter}, not {code}")


@router.post("/counters/{code}/call-next", response_model=Ticket)
async def call_next_endpoint(code: str, cat: Cat, db: Db, counter: Counter) -> JsonResponse:
    """Call the next ticket by the priority policy; 404 no-ticket-waiting if none."""
    _own(counter, code)
    view = await db.run(lambda conn: ticket_view(conn, cat, call_next(conn, cat, code)))
    return JsonResponse(view)


@router.post("/counters/{code}/recall", response_model=Ticket)
async def recall_endpoint(code: str, cat: Cat, db: Db, counter: Counter) -> JsonResponse:
    """Call the last called ticket again."""
    _own(counter, code)
    view = await db.run(lambda conn: ticket_view(conn, cat, recall(conn, cat, code)))
    return JsonResponse(view)


async def _transition(
    cat: Catalogue, db: Store, counter: str, ticket_id: str, action: str
) -> JsonResponse:
    def work(conn: Connection) -> dict[str, Any]:
        return ticket_view(conn, cat, transition(conn, cat, counter, ticket_id, action))

    return JsonResponse(await db.run(work))


@router.post("/tickets/{ticket_id}/start", response_model=Ticket)
async def start(ticket_id: str, cat: Cat, db: Db, counter: Counter) -> JsonResponse:
    """The citizen arrived at the counter: called -> serving."""
    return await _transition(cat, db, counter, ticket_id, "start")


@router.post("/tickets/{ticket_id}/complete", response_model=Ticket)
async def complete(ticket_id: str, cat: Cat, db: Db, counter: Counter) -> JsonResponse:
    """Service finished: serving -> done (its duration feeds the wait estimate)."""
    return await _transition(cat, db, counter, ticket_id, "complete")


@router.post("/tickets/{ticket_id}/no-show", response_model=Ticket)
async def no_show(ticket_id: str, cat: Cat, db: Db, counter: Counter) -> JsonResponse:
    """The citizen did not come: called -> no_show."""
    return await _transition(cat, db, counter, ticket_id, "no-show")
