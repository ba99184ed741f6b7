"""The hall display ``/display/?token=...``: numbers being called, the last calls, the
waiting counts per field, and every call and recall announced (chime, then speech made
on central). Updates arrive as server-sent events (``/display/stream``)."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from central.announce import Announcer, SpeechError, chime_wav
from central.catalogue import Catalogue, to_micros
from central.floor import events_after
from central.pages.common import cat_of, display_token_ok, refuse, render, store_of
from central.pages.floor_state import counter_name, display_state
from central.sse import feed_of, sse_message, stream
from central.store import Store

_LOGGER = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
_CHIME = chime_wav()
ANNOUNCED = ("call", "recall")
MISSED_WINDOW_S = 120
"""A page that was disconnected still announces the calls of the last two minutes."""
_NUMBER = re.compile(r"[A-Z0-9]{1,4}(-[A-Z0-9]{1,8})?")


def _announcer(request: Request) -> Announcer:
    announcer: Announcer | None = getattr(request.app.state, "announcer", None)
    if announcer is None:
        announcer = request.app.state.announcer = Announcer()
    return announcer


@router.get("/display/")
async def display_page(request: Request) -> Response:
    """The full-screen hall display."""
    if not display_token_ok(request):
        return refuse(request, "error_display_token", 403)
    context = {
        "token": request.query_params["token"],
        "timezone": cat_of(request).settings.timezone,
    }
    return render(request, "display.html", context)


@router.get("/display/stream")
async def display_stream(request: Request) -> Response:
    """Server-sent ``state`` events: the whole display plus the calls to announce."""
    if not display_token_ok(request):
        return refuse(request, "error_display_token", 403)
    cat, store = cat_of(request), store_of(request)
    recent = cat.settings.pages.recent_calls
    missed = _missed_since(request)
    feed = feed_of(request)

    async def snapshot(events: list[dict[str, Any]]) -> bytes | None:
        nonlocal missed
        if missed is not None:  # a page coming back: announce what it missed, if recent
            after, missed = missed, None
            since = to_micros(cat.now()) - MISSED_WINDOW_S * 1_000_000
            events = [
                e
                for e in await store.run(lambda conn: events_after(conn, after), read_only=True)
                if e["created_us"] >= since
            ]
        state = dict(await _board(request).get(store, cat, recent, feed.last_id))
        state["announce"] = [
            {
                "id": e["id"],
                "number": e["number"],
                "counter": e["counter"],
                "counter_name": counter_name(cat, e["counter"]),
                "language": e["language"],
                "kind": e["kind"],
            }
            for e in events
            if e["kind"] in ANNOUNCED
        ]
        state["last_id"] = feed.last_id
        return sse_message("state", state, state["last_id"])

    # idle pages get a fresh state instead of a bare ping: the waiting counts also change
    # when kiosks issue tickets, which are not floor events
    return stream(request, snapshot, refresh_when_idle=True)


class Board:
    """The display state at one point of the floor log, computed once for every open
    display (twenty displays cost one set of queries per change, not twenty)."""

    MAX_AGE_S = 2.0

    def __init__(self) -> None:
        self._at = -1
        self._made = 0.0
        self._state: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    async def get(self, store: Store, cat: Catalogue, recent: int, last_id: int) -> dict[str, Any]:
        """The state as of ``last_id`` (recomputed when older than ``MAX_AGE_S``)."""
        async with self._lock:
            fresh = time.monotonic() - self._made < self.MAX_AGE_S
            if self._at != last_id or not fresh:
                self._state = await store.run(
                    lambda conn: display_state(conn, cat, recent), read_only=True
                )
                self._at, self._made = last_id, time.monotonic()
            return self._state


def _board(request: Request) -> Board:
    board: Board | None = getattr(request.app.state, "display_board", None)
    if board is None:
        board = request.app.state.display_board = Board()
    return board


def _missed_since(request: Request) -> int | None:
    """The last event a reconnecting page saw (``Last-Event-ID``, or ``?after=``)."""
    given = request.headers.get("last-event-id") or request.query_params.get("after") or ""
    return int(given) if given.isdigit() and len(given) < 19 else None


@router.get("/display/chime.wav")
async def chime() -> Response:
    """The chime played before each announcement."""
    return Response(_CHIME, media_type="audio/wav", headers={"Cache-Control": "max-age=86400"})


@router.get("/display/speech.wav")
async def speech(request: Request) -> Response:
    """The spoken call of ``number`` to ``counter`` (plus ``language`` if not Vietnamese)."""
    if not display_token_ok(request):
        return refuse(request, "error_display_token", 403)
    cat = cat_of(request)
    number = request.query_params.get("number", "")
    counter = request.query_params.get("counter", "")
    language = request.query_params.get("language", "vi")
    if counter not in cat.counters or not _NUMBER.fullmatch(number):
        return Response(status_code=404)
    try:
        audio = await _announcer(request).call_wav(number, counter_name(cat, counter), language)
    except SpeechError as exc:
        _LOGGER.error("cannot speak the call of %s: %s", number, exc)
        return Response(status_code=503)
    return Response(audio, media_type="audio/wav", headers={"Cache-Control": "max-age=3600"})
