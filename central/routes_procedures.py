"""Procedure catalogue on the wire: ``GET /api/v1/procedures`` and the public ``/p/{code}``.

The catalogue answer carries a strong ``ETag``; a kiosk sends it back in ``If-None-Match``
and gets ``304 Not Modified`` with no body until the catalogue changes, so polling it costs
one small query and a few hundred bytes.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from central import deps
from central.catalogue import Catalogue, Principal, to_micros
from central.procedure_page import pick_language, render_not_found, render_procedure_page
from central.procedure_store import CatalogueCache, StoredCatalogue, seed
from central.store import Store

_LOGGER = logging.getLogger(__name__)

Anyone = Annotated[Principal, Depends(deps.principal)]

router = APIRouter()


async def current(request: Request) -> StoredCatalogue:
    """This process's view of the stored catalogue, refreshed when it changed."""
    cache: CatalogueCache = request.app.state.procedure_cache
    db: Store = request.app.state.store
    return await db.run(cache.refresh, read_only=True)


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return etag in tags or "*" in tags


@router.get("/api/v1/procedures", tags=["procedures"])
async def procedures(request: Request, _who: Anyone) -> Response:
    """The whole catalogue ``{"format": 1, "procedures": [...]}`` with its ETag; ``304``
    when ``If-None-Match`` names the current ETag."""
    stored = await current(request)
    headers = {"ETag": stored.etag, "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match", ""), stored.etag):
        return Response(status_code=304, headers=headers)
    return Response(stored.body, media_type="application/json", headers=headers)


@router.get("/p/{code}", response_class=HTMLResponse, tags=["procedures"])
async def procedure_page(
    code: str, request: Request, lang: Annotated[str | None, Query(max_length=8)] = None
) -> HTMLResponse:
    """The public page of a procedure (no token), in ``?lang=`` or the phone's language."""
    chosen = pick_language(lang, request.headers.get("accept-language", ""))
    stored = await current(request)
    proc = stored.procedures.get(code)
    if proc is None:
        return HTMLResponse(render_not_found(chosen), status_code=404)
    cat: Catalogue = request.app.state.catalogue
    return HTMLResponse(render_procedure_page(proc, chosen, cat.settings.centre_name))


def install(app: FastAPI) -> None:
    """Add the routes; seed the catalogue from ``procedures_file`` if the database has none."""
    cat: Catalogue = app.state.catalogue
    store: Store = app.state.store
    store.run_sync(lambda conn: seed(conn, cat.settings, to_micros(cat.now())))
    app.state.procedure_cache = CatalogueCache()
    app.include_router(router)
