"""The public ticket page ``/t/{public_id}``: a small HTML page for the citizen's phone.

``/t/key/{kiosk}/{key}`` is the QR code printed on a ticket the kiosk issued while central
was unreachable: the kiosk knew only its own idempotency key. Once the ticket is synced
the page redirects to the ticket's own page; until then it tells the citizen that the
number is valid and kept in order, and refreshes itself.

Plain HTML and a meta refresh (no JavaScript): it must work on any phone and over a
weak connection. Every value is escaped with ``html.escape``; strings exist in vi, en
and ko, and anything else falls back to Vietnamese.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from central.catalogue import Catalogue
from central.tickets import find_by_key, get_by_public_id, ticket_view

_LOGGER = logging.getLogger(__name__)

REFRESH_S = 30

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Phiếu số",
        "service": "Lĩnh vực",
        "counter": "Quầy",
        "ahead": "Số người phía trước",
        "wait": "Thời gian chờ dự kiến",
        "status": "Trạng thái",
        "minutes": "phút",
        "waiting": "Đang chờ",
        "called": "Mời đến quầy",
        "serving": "Đang phục vụ",
        "done": "Đã xong",
        "no_show": "Vắng mặt",
        "not_found": "Không tìm thấy phiếu",
        "pending": "Số này được cấp khi hệ thống mất kết nối. Số vẫn hợp lệ và được phục vụ "
        "theo thứ tự; trang này sẽ hiện lượt của quý khách khi kết nối trở lại.",
    },
    "en": {
        "title": "Ticket",
        "service": "Service",
        "counter": "Counter",
        "ahead": "People ahead",
        "wait": "Estimated wait",
        "status": "Status",
        "minutes": "min",
        "waiting": "Waiting",
        "called": "Please go to the counter",
        "serving": "Being served",
        "done": "Done",
        "no_show": "Missed",
        "not_found": "Ticket not found",
        "pending": "This number was issued while the system was offline. It is valid and "
        "served in order; this page shows your turn as soon as the kiosk reconnects.",
    },
    "ko": {
        "title": "번호표",
        "service": "업무",
        "counter": "창구",
        "ahead": "앞의 대기 인원",
        "wait": "예상 대기 시간",
        "status": "상태",
        "minutes": "분",
        "waiting": "대기 중",
        "called": "창구로 오십시오",
        "serving": "처리 중",
        "done": "완료",
        "no_show": "부재",
        "not_found": "번호표를 찾을 수 없습니다",
        "pending": "이 번호는 시스템 연결이 끊긴 동안 발급되었습니다. 번호는 유효하며 순서대로 "
        "처리됩니다. 키오스크가 다시 연결되면 이 페이지에 순서가 표시됩니다.",
    },
}

_STYLE = (
    "body{font-family:sans-serif;margin:1em;max-width:30em}"
    ".num{font-size:4em;font-weight:bold;margin:.2em 0}"
    "dt{color:#555;margin-top:.6em}dd{margin:0;font-size:1.3em}"
)


def render_ticket_page(cat: Catalogue, view: dict[str, Any]) -> str:
    """The page for one ticket (``view`` is the wire Ticket)."""
    lang = view["language"] if view["language"] in STRINGS else "vi"
    text = STRINGS[lang]
    configured = cat.services.get(view["service"])  # None: removed from the config since
    names = configured.names if configured else {}
    service = names.get(lang) or names.get("vi") or view["service"]
    if view["called_counter"]:
        counters = [c["name"] for c in view["counters"] if c["code"] == view["called_counter"]]
    else:
        counters = [c["name"] for c in view["counters"]]
    minutes = (view["estimated_wait_s"] + 59) // 60
    rows = [
        (text["service"], service),
        (text["counter"], ", ".join(counters) or view["called_counter"] or ""),
        (text["status"], text.get(view["status"], view["status"])),
    ]
    if view["status"] == "waiting":
        rows.insert(2, (text["ahead"], str(view["people_ahead"])))
        rows.insert(3, (text["wait"], f"{minutes} {text['minutes']}"))
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="refresh" content="{REFRESH_S}">'
        f"<title>{html.escape(text['title'])} {html.escape(view['number'])}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<p>{html.escape(cat.settings.centre_name)}</p>"
        f"<div>{html.escape(text['title'])}</div>"
        f'<div class="num">{html.escape(view["number"])}</div>'
        f"<dl>{items}</dl></body></html>"
    )


def render_not_found(lang: str = "vi") -> str:
    """A 404 page."""
    text = STRINGS.get(lang, STRINGS["vi"])
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{html.escape(text['not_found'])}</title></head>"
        f"<body><p>{html.escape(text['not_found'])}</p></body></html>"
    )


router = APIRouter()


@router.get("/t/{public_id}", response_class=HTMLResponse)
async def ticket_page(public_id: str, request: Request) -> HTMLResponse:
    """The public page of a ticket (no token: the unguessable public id is the key)."""
    cat: Catalogue = request.app.state.catalogue

    def work(conn: Any) -> dict[str, Any] | None:
        row = get_by_public_id(conn, public_id)
        return None if row is None else ticket_view(conn, cat, row)

    view = await request.app.state.store.run(work, read_only=True)
    if view is None:
        return HTMLResponse(render_not_found(), status_code=404)
    return HTMLResponse(render_ticket_page(cat, view))


def render_pending() -> str:
    """The page of an offline ticket central has not received yet (in vi, en and ko: the
    kiosk's language choice is not known here)."""
    notes = "".join(
        f'<p lang="{lang}">{html.escape(text["pending"])}</p>' for lang, text in STRINGS.items()
    )
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta http-equiv="refresh" content="{REFRESH_S}">'
        f"<title>{html.escape(STRINGS['vi']['title'])}</title><style>{_STYLE}</style></head>"
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
