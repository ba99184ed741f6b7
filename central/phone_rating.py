"""Rating the service from the ticket's own page ``/t/{public_id}`` on the citizen's phone.

Once the ticket is served (``done``, at a counter), its page offers the five faces as a
plain form (no script: any phone, a weak connection). ``POST /t/{public_id}/rating`` with
``score=1..5`` stores the rating through :func:`central.ratings.add_rating`, the same code
as a kiosk's and a tablet's, so it names the ticket and the counter that served it, and a
ticket is rated once whichever way it is rated first. Its guards:

* the public id in the QR code is the page's secret (16 random bytes): whoever holds the
  paper ticket may rate it, nobody can guess another citizen's;
* only a served ticket, within ``pages.phone_rating_hours`` of its completion (0: not
  from the phone at all), and only once: a second post (a double tap, another score, a
  ticket rated at the kiosk already) answers ``409`` with the page, which says thanks.

The answer is a redirect back to the page, which then thanks the citizen; a refused post
answers ``409`` with the page as it stands. The rating is also a ``rated`` floor event,
so the counter's tablet stops asking that citizen.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection, select

from central.catalogue import Catalogue, to_micros
from central.db import ratings
from central.errors import CentralError, Conflict
from central.floor import record
from central.pages.common import TEMPLATES, read_form
from central.pages.i18n import translate
from central.ratings import add_rating
from central.schemas import RatingRequest
from central.sse import feed_of
from central.tickets import get_by_public_id

_LOGGER = logging.getLogger(__name__)

PHONE = "phone"
"""The ``kiosk_id`` under which phone ratings are stored (the tablet's is ``tablet``)."""

router = APIRouter(include_in_schema=False)


def rating_state(conn: Connection, cat: Catalogue, row: Any) -> str:
    """What the page offers: ``rate`` (the faces), ``rated`` (thanks) or ``""`` (nothing:
    not served, served too long ago, or rating from the phone is off)."""
    if row.status != "done" or not row.called_counter:
        return ""
    if conn.execute(select(ratings.c.id).where(ratings.c.ticket_id == row.id)).first():
        return "rated"
    hours = cat.settings.pages.phone_rating_hours
    since = to_micros(cat.now()) - hours * 3_600_000_000
    return "rate" if hours and (row.completed_us or 0) >= since else ""


def rating_block(cat: Catalogue, view: dict[str, Any], state: str) -> str:
    """The page's rating part in the ticket's language (HTML, escaped by Jinja2)."""
    lang = view["language"]
    if state == "rated":
        thanks = TEMPLATES.env.from_string('<p class="thanks" role="status">{{ t }}</p>')
        return thanks.render(t=translate(lang, "rate_thanks"))
    if state != "rate":
        return ""
    counter = cat.counters.get(view["called_counter"] or "")
    question = translate(
        lang,
        "rate_question",
        counter=counter.name if counter else view["called_counter"],
        number=view["number"],
    )
    labels = [translate(lang, f"rate_{score}") for score in range(1, 6)]
    return TEMPLATES.get_template("ticket_rate.html").render(
        public_id=view["public_id"], question=question, labels=labels
    )


def _rate(conn: Connection, cat: Catalogue, public_id: str, score: int) -> Any:
    row = get_by_public_id(conn, public_id)
    if row is None:
        return None
    state = rating_state(conn, cat, row)
    if state == "rated":
        raise Conflict("already-rated", f"ticket {row.number} has been rated already")
    if state != "rate":
        raise Conflict("not-served", f"ticket {row.number} cannot be rated from the phone now")
    req = RatingRequest(ticket_id=row.id, score=score, idempotency_key=f"phone-{row.id}"[:64])
    add_rating(conn, cat, PHONE, req)
    record(conn, cat, "rated", counter=row.called_counter)
    return row


@router.post("/t/{public_id}/rating", response_class=HTMLResponse)
async def rate_from_phone(public_id: str, request: Request) -> Response:
    """The citizen chose a face on the ticket's page: ``score=1..5`` (form-encoded)."""
    from central.public_page import ticket_page  # the page this form belongs to

    cat: Catalogue = request.app.state.catalogue
    score = (await read_form(request)).get("score", "")
    if score not in ("1", "2", "3", "4", "5"):
        return HTMLResponse("score must be 1 to 5", status_code=422)
    try:
        row = await request.app.state.store.run(
            lambda conn: _rate(conn, cat, public_id, int(score))
        )
    except CentralError as exc:
        _LOGGER.info("phone rating refused: %s", exc)
        page = await ticket_page(public_id, request)
        page.status_code = exc.status
        return page
    if row is None:
        return await ticket_page(public_id, request)  # its 404
    feed_of(request).poke()
    _LOGGER.info("phone: ticket %s rated %s (counter %s)", row.number, score, row.called_counter)
    return RedirectResponse(f"/t/{public_id}", status_code=303)
