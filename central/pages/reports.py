"""``/reports/ratings``: the month's satisfaction ratings per counter and per field, for
the centre's management (signed in with a manager token from central's config)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection, func, select

from central.catalogue import Catalogue, to_micros
from central.db import ratings, tickets
from central.pages import sessions
from central.pages.common import cat_of, read_form, render, store_of
from central.pages.counter import guard_of
from central.pages.i18n import page_language

_LOGGER = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_bounds(cat: Catalogue, month: str) -> tuple[int, int]:
    """Epoch microseconds of the local start of ``month`` (YYYY-MM) and of the next."""
    year, mon = int(month[:4]), int(month[5:7])
    start = datetime(year, mon, 1, tzinfo=cat.zone)
    end = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=cat.zone)
    return to_micros(start), to_micros(end)


def summary(conn: Connection, cat: Catalogue, month: str) -> dict[str, list[dict[str, Any]]]:
    """Count, mean and the 1..5 distribution per counter and per field for ``month``."""
    start, end = month_bounds(cat, month)
    in_month = (ratings.c.created_us >= start) & (ratings.c.created_us < end)
    out: dict[str, list[dict[str, Any]]] = {}
    for name, key, joined in (
        ("counters", ratings.c.counter, ratings),
        ("services", tickets.c.service, ratings.join(tickets, tickets.c.id == ratings.c.ticket_id)),
    ):
        rows = conn.execute(
            select(key, ratings.c.score, func.count())
            .select_from(joined)
            .where(in_month, key.is_not(None))
            .group_by(key, ratings.c.score)
        )
        groups: dict[str, list[int]] = {}
        for code, score, count in rows:
            groups.setdefault(str(code), [0] * 5)[int(score) - 1] += int(count)
        out[name] = [
            {
                "code": code,
                "count": sum(dist),
                "mean": sum((i + 1) * n for i, n in enumerate(dist)) / max(sum(dist), 1),
                "distribution": dist,
            }
            for code, dist in sorted(groups.items())
        ]
    return out


async def _manager(request: Request) -> sessions.Session | None:
    secret = request.cookies.get(sessions.COOKIE + "_m", "")
    if not secret:
        return None
    cat = cat_of(request)
    return await store_of(request).run(
        lambda conn: sessions.find_session(conn, cat, secret, "manager")
    )


@router.get("/reports/ratings")
async def ratings_report(request: Request) -> Response:
    """The monthly summary (sign-in form first)."""
    if await _manager(request) is None:
        return render(request, "reports_signin.html", {})
    cat = cat_of(request)
    month = request.query_params.get("month", "")
    if not _MONTH.match(month):
        month = cat.now().astimezone(cat.zone).strftime("%Y-%m")
    data = await store_of(request).run(lambda conn: summary(conn, cat, month), read_only=True)
    names = {c.code: c.name for c in cat.settings.counters}
    context = {"month": month, "counter_label": lambda code: names.get(code, code), **data}
    return render(request, "reports.html", context)


@router.post("/reports/sign-in")
async def reports_sign_in(request: Request) -> Response:
    """Sign in with a manager token."""
    form = await read_form(request)
    cat = cat_of(request)
    if guard_of(request).locked("manager") or not sessions.manager_secret_ok(
        cat, form.get("secret", "").strip()
    ):
        guard_of(request).failed("manager")
        _LOGGER.warning("wrong manager token on /reports")
        return render(request, "reports_signin.html", {"error": "error_wrong_secret"}, 401)
    guard_of(request).succeeded("manager")
    lang = page_language(request)
    secret = await store_of(request).run(
        lambda conn: sessions.open_session(conn, cat, "manager", None, lang)
    )
    response = RedirectResponse("/reports/ratings", status_code=303)
    response.set_cookie(sessions.COOKIE + "_m", secret, httponly=True, samesite="strict")
    return response
