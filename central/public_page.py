"""The public ticket page ``/t/{public_id}``: a small HTML page for the citizen's phone.

``/t/key/{kiosk}/{key}`` is the QR code printed on a ticket the kiosk issued while central
was unreachable: the kiosk knew only its own idempotency key. Once the ticket is synced
the page redirects to the ticket's own page; until then it tells the citizen that the
number is valid and kept in order, and refreshes itself.

Plain HTML and a meta refresh while the ticket can still change (no JavaScript): it must
work on any phone and over a weak connection. Once the ticket is served the page offers
the rating faces (central/phone_rating.py). Every value is escaped with ``html.escape``;
the texts are the ``ticket_page_*`` keys of central's catalogues (``central/locales``) in
vi, en and ko, and any other language falls back to Vietnamese.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from central.catalogue import Catalogue
from central.pages.i18n import LANGUAGES, translate
from central.phone_rating import rating_block, rating_state
from central.tickets import find_by_key, get_by_public_id, ticket_view

_LOGGER = logging.getLogger(__name__)

REFRESH_S = 30

TICKET_STATUSES = ("waiting", "called", "serving", "done", "no_show")
"""Statuses the page names in words; any other shows as its code."""

KEYS = (
    "ticket_page_title",
    "ticket_page_service",
    "ticket_page_counter",
    "ticket_page_ahead",
    "ticket_page_wait",
    "ticket_page_status",
    "ticket_page_minutes",
    "ticket_page_not_found",
    "ticket_page_pending",
    *(f"ticket_page_status_{status}" for status in TICKET_STATUSES),
)
"""Every catalogue key this page uses (``central/locales/*.toml``; the tests check them)."""


def _language(lang: str) -> str:
    return lang if lang in LANGUAGES else "vi"


_STYLE = (
    # Korean from central's own font (central/pages/fonts.py), fetched only for Hangul: a
    # phone without a Korean font still reads the page in Korean
    "@font-face{font-family:'Central Hangul';font-display:swap;"
    "src:url(/static/fonts/hangul.ttf) format('truetype');"
    "unicode-range:U+1100-11FF,U+3130-318F,U+AC00-D7AF}"
    "@font-face{font-family:'Central Hangul';font-weight:bold;font-display:swap;"
    "src:url(/static/fonts/hangul-bold.ttf) format('truetype');"
    "unicode-range:U+1100-11FF,U+3130-318F,U+AC00-D7AF}"
    "body{font-family:'Central Hangul',sans-serif;margin:1em;max-width:30em}"
    "button{font-family:inherit}"
    ".num{font-size:4em;font-weight:bold;margin:.2em 0}"
    "dt{color:#555;margin-top:.6em}dd{margin:0;font-size:1.3em}"
    ".rate p,.thanks{font-size:1.2em}.faces{display:flex;flex-direction:column;gap:.4em}"
    ".face{display:flex;align-items:center;gap:.8em;padding:.3em .6em;font-size:1.2em;"
    "text-align:left;background:#fff;color:#111;border:2px solid #333;border-radius:.5em}"
    ".face svg{width:2.6em;height:2.6em;flex:none}"
)
FINAL = ("done", "no_show")
"""Statuses that no longer change: their page does not refresh itself."""


def render_ticket_page(cat: Catalogue, view: dict[str, Any], rating: str = "") -> str:
    """The page for one ticket (``view`` is the wire Ticket; ``rating`` the rating form or
    thanks of central/phone_rating.py, already HTML)."""
    lang = _language(view["language"])

    def text(key: str) -> str:
        return translate(lang, f"ticket_page_{key}")

    configured = cat.services.get(view["service"])  # None: removed from the config since
    names = configured.names if configured else {}
    service = names.get(lang) or names.get("vi") or view["service"]
    if view["called_counter"]:
        counters = [c["name"] for c in view["counters"] if c["code"] == view["called_counter"]]
    elif view["assigned_counter"]:  # central named the counter at issue time
        counters = [view["assigned_counter"]["name"]]
    else:
        counters = [c["name"] for c in view["counters"]]
    minutes = (view["estimated_wait_s"] + 59) // 60
    status = view["status"]
    rows = [
        (text("service"), service),
        (text("counter"), ", ".join(counters) or view["called_counter"] or ""),
        (text("status"), text(f"status_{status}") if status in TICKET_STATUSES else status),
    ]
    if status == "waiting":
        rows.insert(2, (text("ahead"), str(view["people_ahead"])))
        rows.insert(3, (text("wait"), text("minutes").format(n=minutes)))
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        + ("" if status in FINAL else f'<meta http-equiv="refresh" content="{REFRESH_S}">')
        + f"<title>{html.escape(text('title'))} {html.escape(view['number'])}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<p>{html.escape(cat.settings.centre_name)}</p>"
        f"<div>{html.escape(text('title'))}</div>"
        f'<div class="num">{html.escape(view["number"])}</div>'
        f"<dl>{items}</dl>{rating}</body></html>"
    )


def render_not_found(lang: str = "vi") -> str:
    """A 404 page."""
    title = html.escape(translate(_language(lang), "ticket_page_not_found"))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{title}</title></head>"
        f"<body><p>{title}</p></body></html>"
    )


router = APIRouter()


@router.get("/t/{public_id}", response_class=HTMLResponse)
async def ticket_page(public_id: str, request: Request) -> HTMLResponse:
    """The public page of a ticket (no token: the unguessable public id is the key)."""
    cat: Catalogue = request.app.state.catalogue

    def work(conn: Any) -> tuple[dict[str, Any], str] | None:
        row = get_by_public_id(conn, public_id)
        if row is None:
            return None
        return ticket_view(conn, cat, row), rating_state(conn, cat, row)

    found = await request.app.state.store.run(work, read_only=True)
    if found is None:
        return HTMLResponse(render_not_found(), status_code=404)
    view, state = found
    return HTMLResponse(render_ticket_page(cat, view, rating_block(cat, view, state)))


def render_pending() -> str:
    """The page of an offline ticket central has not received yet (in vi, en and ko: the
    kiosk's language choice is not known here)."""
    notes = "".join(
        f'<p lang="{lang}">{html.escape(translate(lang, "ticket_page_pending"))}</p>'
        for lang in LANGUAGES
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="refresh" content="{REFRESH_S}">'
        f"<title>{html.escape(translate('vi', 'ticket_page_title'))}</title>"
        f"<style>{_STYLE}</style></head>"
        f"<body>{notes}</body></html>"
    )


@router.get("/t/key/{kiosk_id}/{key}", response_class=HTMLResponse)
async def offline_ticket_page(kiosk_id: str, key: str, request: Request) -> Response:
    """An offline ticket's QR code: its page once synced, a reassuring note before."""
    if not (len(kiosk_id) <= 16 and len(key) <= 64 and kiosk_id.isascii() and key.isascii()):
        return HTMLResponse(render_not_found(), status_code=404)
    row = await request.app.state.store.run(
        lambda conn: find_by_key(conn, kiosk_id, key), read_only=True
    )
    if row is None:
        return HTMLResponse(render_pending())
    return RedirectResponse(f"/t/{row.public_id}", status_code=303)
