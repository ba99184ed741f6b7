"""Kiosk-facing endpoints of wire API v1: health, services, tickets, bookings, ratings."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection

from central import deps
from central.bookings import booking_view, create_booking, redeem_booking
from central.catalogue import Catalogue, Principal
from central.deps import JsonResponse
from central.ratings import add_rating
from central.schemas import (
    Booking,
    BookingRequest,
    ErrorBody,
    Health,
    OfflineNumbers,
    RatingCreated,
    RatingRequest,
    RedeemRequest,
    ServiceList,
    Ticket,
    TicketRequest,
)
from central.store import Store
from central.tickets import get_ticket_ref, issue_ticket, offline_high_water, ticket_view

_LOGGER = logging.getLogger(__name__)

Cat = Annotated[Catalogue, Depends(deps.catalogue)]
Db = Annotated[Store, Depends(deps.store)]
Kiosk = Annotated[str, Depends(deps.kiosk)]
Anyone = Annotated[Principal, Depends(deps.principal)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}

router = APIRouter(prefix="/api/v1", responses=_ERRORS)


@router.get("/health", response_model=Health)
async def health(cat: Cat) -> JsonResponse:
    """Liveness: the server's time and local day (no token needed)."""
    now = cat.now()
    return JsonResponse(
        {
            "status": "ok",
            "time": now.astimezone(cat.zone).isoformat(),
            "local_day": cat.local_day(now),
        }
    )


@router.get("/services", response_model=ServiceList)
async def services(cat: Cat, _who: Anyone) -> JsonResponse:
    """Services with their counters, and the priority categories."""
    body = {
        "services": [
            {
                "code": s.code,
                "prefix": s.prefix,
                "names": s.names,
                "counters": cat.counter_refs(s.code),
            }
            for s in cat.settings.services
        ],
        "priority_categories": [
            {"code": p.code, "names": p.names} for p in cat.settings.priority_categories
        ],
    }
    return JsonResponse(body)


@router.post("/tickets", response_model=Ticket, status_code=201)
async def create_ticket(req: TicketRequest, request: Request) -> JsonResponse:
    """Issue a ticket (201), or replay one issued under the same idempotency key (200)."""
    # the hot path: app state and auth read directly, as each declared dependency costs
    # FastAPI more per request than the ticket's whole SQLite transaction
    kiosk_id = deps.kiosk_of(request)
    cat: Catalogue = request.app.state.catalogue
    db: Store = request.app.state.store

    def work(conn: Connection) -> tuple[dict[str, Any], bool]:
        row, created = issue_ticket(conn, cat, kiosk_id, req)
        return ticket_view(conn, cat, row), created

    view, created = await db.run(work)
    return JsonResponse(view, status_code=201 if created else 200)


@router.get("/tickets/{ticket_id}", response_model=Ticket)
async def read_ticket(ticket_id: str, cat: Cat, db: Db, _who: Anyone) -> JsonResponse:
    """A ticket with fresh people-ahead and wait (by id, by the public id of its QR code,
    or ``key:{kiosk}:{key}`` for a ticket printed offline)."""
    view = await db.run(
        lambda conn: ticket_view(conn, cat, get_ticket_ref(conn, ticket_id)), read_only=True
    )
    return JsonResponse(view)


@router.get("/offline-numbers", response_model=OfflineNumbers)
async def offline_numbers(cat: Cat, db: Db, kiosk_id: Kiosk) -> JsonResponse:
    """The calling kiosk's highest offline number per service today, so that a kiosk that
    lost its local journal never prints a number central already holds."""
    day = cat.local_day(cat.now())
    last = await db.run(lambda conn: offline_high_water(conn, cat, kiosk_id, day), read_only=True)
    return JsonResponse({"kiosk": kiosk_id, "local_day": day, "last": last})


@router.post("/bookings", response_model=Booking, status_code=201)
async def create_booking_endpoint(
    req: BookingRequest, cat: Cat, db: Db, kiosk_id: Kiosk
) -> JsonResponse:
    """Book a service for a day (201); a replay of the same key answers 200."""
    row, created = await db.run(lambda conn: create_booking(conn, cat, kiosk_id, req))
    return JsonResponse(booking_view(row), status_code=201 if created else 200)


@router.post("/bookings/{code}/redeem", response_model=Ticket)
async def redeem(code: str, req: RedeemRequest, cat: Cat, db: Db, kiosk_id: Kiosk) -> JsonResponse:
    """Turn today's booking into a ticket."""
    view = await db.run(
        lambda conn: ticket_view(conn, cat, redeem_booking(conn, cat, kiosk_id, code, req))
    )
    return JsonResponse(view)


@router.post("/ratings", response_model=RatingCreated, status_code=201)
async def rate(req: RatingRequest, cat: Cat, db: Db, kiosk_id: Kiosk) -> JsonResponse:
    """Store a satisfaction rating (201); a replay of the same key answers 200."""
    rating_id, created = await db.run(lambda conn: add_rating(conn, cat, kiosk_id, req))
    return JsonResponse({"id": rating_id}, status_code=201 if created else 200)
