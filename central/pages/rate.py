"""The rating tablet ``/rate/{counter}?token=...``, facing the citizen at a counter.

It waits until the officer completes a ticket, then asks that citizen (in the ticket's
language) to rate the counter: five large faces, one tap. The rating names the ticket
and the counter. Only the last ticket completed at this counter within
``pages.rating_window_s`` can be rated, and only once: a tablet cannot be used to stuff
ratings. Stored in the same ``ratings`` table as the kiosk's, as kiosk ``tablet``.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from central.deps import JsonResponse
from central.errors import CentralError, Conflict
from central.floor import record
from central.pages.common import cat_of, display_token_ok, refuse, render, store_of
from central.pages.floor_state import pending_rating
from central.ratings import add_rating
from central.schemas import RatingRequest
from central.sse import feed_of, sse_message, stream

_LOGGER = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
TABLET = "tablet"
_RELEVANT = ("complete", "rated")


@router.get("/rate/{counter}")
async def rate_page(counter: str, request: Request) -> Response:
    """The tablet's page."""
    cat = cat_of(request)
    if not display_token_ok(request):
        return refuse(request, "error_display_token", 403)
    if counter not in cat.counters:
        return refuse(request, "error_unknown_counter", 404)
    context = {"counter": cat.counters[counter], "token": request.query_params["token"]}
    return render(request, "rate.html", context)


@router.get("/rate/{counter}/stream")
async def rate_stream(counter: str, request: Request) -> Response:
    """``ask`` events: the ticket to rate now, or null."""
    cat, store = cat_of(request), store_of(request)
    if not display_token_ok(request) or counter not in cat.counters:
        return Response(status_code=403)

    async def snapshot(events: list[dict[str, Any]]) -> bytes | None:
        if events and not any(e["kind"] in _RELEVANT and e["counter"] == counter for e in events):
            return None
        ask = await store.run(lambda conn: pending_rating(conn, cat, counter), read_only=True)
        return sse_message("ask", ask)

    return stream(request, snapshot)


@router.post("/rate/{counter}")
async def rate(counter: str, request: Request) -> Response:
    """Store the citizen's rating: ``{"ticket_id", "score", "reasons"}``."""
    cat, store = cat_of(request), store_of(request)
    if not display_token_ok(request) or counter not in cat.counters:
        return JsonResponse({"error": {"code": "forbidden", "message": "bad token"}}, 403)
    try:
        body = orjson.loads(await request.body())
        ticket_id = str(body["ticket_id"])
        req = RatingRequest(
            ticket_id=ticket_id,
            counter=counter,
            score=body["score"],
            reasons=body.get("reasons", []),
            idempotency_key=f"tablet-{ticket_id}"[:64],
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return JsonResponse({"error": {"code": "bad-request", "message": "bad rating"}}, 422)

    def work(conn: Any) -> str:
        pending = pending_rating(conn, cat, counter)
        if pending is None or pending["ticket_id"] != ticket_id:
            raise Conflict("invalid-state", "this ticket is not waiting for a rating here")
        rating_id, _ = add_rating(conn, cat, TABLET, req)
        record(conn, cat, "rated", counter=counter)
        return rating_id

    try:
        rating_id = await store.run(work)
    except CentralError as exc:
        return JsonResponse(exc.body(), exc.status)
    feed_of(request).poke()
    _LOGGER.info("tablet at %s: ticket rated %d", counter, req.score)
    return JsonResponse({"id": rating_id}, 201)
