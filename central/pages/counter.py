"""The counter page ``/counter/``: an officer signs in for a counter (PIN or token),
which opens the counter (signing out closes it: central/assignment.py), sees the waiting
line of the counter's services (the tickets it may call), calls, recalls, starts, completes,
marks no-shows, transfers, and takes and closes help requests.

Plain forms posted back to the server (each answered with a redirect), so every action
works without JavaScript and is reachable by keyboard; ``counter.js`` adds the single-key
shortcuts and refreshes the panel when the floor changes (``/counter/stream``).
"""

from __future__ import annotations

import hmac
import logging
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from central import help_requests
from central.assignment import set_open
from central.counter_actions import help_action, ticket_action
from central.errors import CentralError
from central.pages import sessions
from central.pages.common import cat_of, read_form, render, store_of
from central.pages.floor_state import counter_state
from central.pages.i18n import LANGUAGES, catalogue, page_language, translate
from central.sse import feed_of, sse_message, stream

_LOGGER = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


def guard_of(request: Request) -> sessions.SignInGuard:
    """The app's sign-in guard (wrong secrets counted per counter, and for managers)."""
    guard: sessions.SignInGuard | None = getattr(request.app.state, "sign_in_guard", None)
    if guard is None:
        guard = request.app.state.sign_in_guard = sessions.SignInGuard()
    return guard


_ACTIONS = ("call-next", "recall", "start", "complete", "no-show", "transfer")


async def current(request: Request) -> sessions.Session | None:
    """The officer's live session, or None."""
    secret = request.cookies.get(sessions.COOKIE, "")
    if not secret:
        return None
    cat = cat_of(request)
    return await store_of(request).run(
        lambda conn: sessions.find_session(conn, cat, secret, "counter")
    )


def _back(message: str = "", error: bool = False) -> RedirectResponse:
    query = f"?{'error' if error else 'ok'}={quote(message)}" if message else ""
    return RedirectResponse(f"/counter/{query}", status_code=303)


async def _panel_context(request: Request, session: sessions.Session) -> dict[str, Any]:
    cat = cat_of(request)
    assert session.counter is not None
    code = session.counter

    def work(conn: Any) -> dict[str, Any]:
        state = counter_state(conn, cat, code)
        state["help"] = [help_requests.view(cat, r) for r in help_requests.open_requests(conn)]
        return state

    state = await store_of(request).run(work, read_only=True)
    counter = cat.counters[code]
    others = [s for s in cat.settings.services]
    return {
        **state,
        "counter": counter,
        "session": session,
        "services": others,
        "lang": session.language if "lang" not in request.query_params else None,
    }


@router.get("/counter/")
async def counter_page(request: Request) -> Response:
    """The sign-in form, or the signed-in counter's page."""
    session = await current(request)
    if session is None:
        counters = cat_of(request).settings.counters
        return render(request, "counter_signin.html", {"counters": counters})
    context = await _panel_context(request, session)
    lang = context["lang"] or page_language(request)
    context["message"], context["error"] = _message(request, lang)
    return render(request, "counter.html", context)


def _message(request: Request, lang: str) -> tuple[str, bool]:
    """The outcome of the last action (from the redirect's query), in words."""
    known = catalogue("vi")
    ok, error = request.query_params.get("ok", ""), request.query_params.get("error", "")
    if error:
        key = f"error_{error}"
        return translate(lang, key if key in known else "error_generic"), True
    action, _, number = ok.partition(":")
    key = f"ok_{action}"
    return (translate(lang, key, number=number[:24]) if key in known else ""), False


@router.get("/counter/panel")
async def counter_panel(request: Request) -> Response:
    """The live part of the page (refreshed by counter.js when the floor changes)."""
    session = await current(request)
    if session is None:
        return Response(status_code=401)
    return render(request, "counter_panel.html", await _panel_context(request, session))


@router.get("/counter/stream")
async def counter_stream(request: Request) -> Response:
    """A ``changed`` server-sent event whenever something happened on the floor."""
    session = await current(request)
    if session is None:
        return Response(status_code=401)

    async def snapshot(events: list[dict[str, Any]]) -> bytes | None:
        last = feed_of(request).last_id
        return sse_message("changed", {"last_id": last}, last)

    return stream(request, snapshot)


@router.post("/counter/sign-in")
async def sign_in(request: Request) -> Response:
    """Sign in for a counter with its PIN or token."""
    form = await read_form(request)
    cat = cat_of(request)
    code = form.get("counter", "")
    lang = form.get("lang") if form.get("lang") in LANGUAGES else page_language(request)
    assert lang is not None
    problem = ""
    if code not in cat.counters:
        problem = "error_unknown_counter"
    elif guard_of(request).locked(code):
        problem = "error_locked"
    elif not sessions.counter_secret_ok(cat, code, form.get("secret", "").strip()):
        guard_of(request).failed(code)
        _LOGGER.warning("wrong PIN or token for counter %s", code)
        problem = "error_wrong_secret"
    if problem:
        context = {"counters": cat.settings.counters, "error": problem, "chosen": code}
        return render(request, "counter_signin.html", {**context, "lang": lang}, 401)
    guard_of(request).succeeded(code)

    def work(conn: Any) -> str:
        set_open(conn, cat, code, True)  # an officer signed in: the counter is staffed
        return sessions.open_session(conn, cat, "counter", code, lang)

    secret = await store_of(request).run(work)
    response = _back()
    response.set_cookie(
        sessions.COOKIE,
        secret,
        httponly=True,
        samesite="strict",
        path="/",
        max_age=cat.settings.pages.session_minutes * 60 * 24,
    )
    return response


@router.post("/counter/sign-out")
async def sign_out(request: Request) -> Response:
    """End the session; the counter closes (its assigned tickets go to open counters)."""
    secret = request.cookies.get(sessions.COOKIE, "")
    session = await current(request) if secret else None
    cat = cat_of(request)

    def work(conn: Any) -> None:
        if session is not None and session.counter is not None:
            set_open(conn, cat, session.counter, False)
        sessions.close_session(conn, secret)

    if secret:
        await store_of(request).run(work)
        feed_of(request).poke()
    response = RedirectResponse("/counter/", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


def _csrf_ok(session: sessions.Session, form: dict[str, str]) -> bool:
    return hmac.compare_digest(form.get("csrf", "").encode(), session.csrf.encode())


@router.post("/counter/act")
async def act(request: Request) -> Response:
    """One action on a ticket (``action`` field), then back to the page."""
    session = await current(request)
    form = await read_form(request)
    if session is None or not _csrf_ok(session, form):
        return RedirectResponse("/counter/", status_code=303)
    action = form.get("action", "")
    if action not in _ACTIONS:
        return _back("bad-request", error=True)
    ticket_id, service = form.get("ticket_id") or None, form.get("service") or None
    if (action not in ("call-next", "recall") and ticket_id is None) or (
        action == "transfer" and service is None
    ):
        return _back("bad-request", error=True)
    assert session.counter is not None
    try:
        view = await ticket_action(
            store_of(request),
            cat_of(request),
            feed_of(request),
            session.counter,
            action,
            ticket_id=ticket_id,
            service=service,
        )
    except CentralError as exc:
        return _back(exc.code, error=True)
    return _back(f"{action}:{view['number']}")


@router.post("/counter/help")
async def help_change(request: Request) -> Response:
    """Take or close a help request."""
    session = await current(request)
    form = await read_form(request)
    if session is None or not _csrf_ok(session, form):
        return RedirectResponse("/counter/", status_code=303)
    action = form.get("action", "")
    if action not in ("take", "close"):
        return _back("bad-request", error=True)
    assert session.counter is not None
    try:
        await help_action(
            store_of(request),
            cat_of(request),
            feed_of(request),
            session.counter,
            action,
            form.get("request_id", ""),
        )
    except CentralError as exc:
        return _back(exc.code, error=True)
    return _back(f"help-{action}")
