"""The FastAPI application factory of the central queue server.

``create_app(settings, clock=...)`` builds a complete app (schema created, tokens
indexed) so the kiosk's tests can run it in-process through ``httpx.ASGITransport``,
which does not run lifespan events. Every error leaves as
``{"error": {"code", "message"}}``, validation errors and unknown routes included.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from central import (
    face_retention,
    faces,
    pages,
    phone_rating,
    public_page,
    routes_counter,
    routes_dossiers,
    routes_faces,
    routes_help,
    routes_kiosk,
    routes_procedures,
)
from central.catalogue import Catalogue, Clock, to_micros
from central.db import create_schema, make_engine
from central.deps import JsonResponse
from central.errors import CentralError
from central.openapi_doc import install_openapi
from central.settings import CentralSettings
from central.sse import FloorFeed
from central.store import Store

_LOGGER = logging.getLogger(__name__)

_HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized", 403: "forbidden"}


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status_code=status)


def _allowed(request: Request) -> str:
    """The methods the published document gives ``request``'s path (Starlette names only
    the first matching route's; a literal path such as ``/faces/forget`` wins over a
    template such as ``/faces/{template_id}`` that also matches it, as routing does)."""
    paths: dict[str, dict[str, object]] = request.app.openapi().get("paths", {})
    best: tuple[int, list[str]] | None = None
    for template, operations in paths.items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, request.url.path):
            rank = template.count("{")
            if best is None or rank < best[0]:
                best = (rank, sorted(m.upper() for m in operations))
    return ", ".join(best[1]) if best else ""


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CentralError)
    async def _central(_request: Request, exc: CentralError) -> JsonResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JsonResponse:
        return _error(422, "bad-request", _describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JsonResponse:
        if exc.status_code == 400:  # e.g. a body that is not UTF-8: still bad input
            return _error(422, "bad-request", str(exc.detail))
        code = _HTTP_CODES.get(exc.status_code, "http-error")
        response = _error(exc.status_code, code, str(exc.detail))
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            response.headers["Allow"] = _allowed(request)
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JsonResponse:
        _LOGGER.error("unhandled error: %s", exc, exc_info=exc)
        return _error(500, "internal", "internal server error")


def create_app(settings: CentralSettings, *, clock: Clock | None = None) -> FastAPI:
    """Build the central app on ``settings.database_url`` (schema created if missing)."""
    catalogue = Catalogue(settings, clock)
    engine = make_engine(settings.database_url)
    create_schema(engine)
    store = Store(engine, sqlite_in_event_loop=settings.sqlite_in_event_loop)
    floor = FloorFeed(store)
    face_store = faces.open_faces(settings.faces)
    if face_store is not None:
        store.run_sync(lambda conn: faces.start(conn, face_store, to_micros(catalogue.now())))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        purging = (
            face_retention.keep_purging(store, face_store, catalogue.now) if face_store else None
        )
        yield
        await floor.close()
        if purging is not None:
            purging.cancel()
        store.close()

    app = FastAPI(
        title="Central queue API",
        version="1",
        summary=f"Queue tickets, counters, bookings and ratings of {settings.centre_name}",
        lifespan=lifespan,
    )
    app.state.catalogue = catalogue
    app.state.store = store
    app.state.floor = floor
    app.state.faces = face_store
    _install_error_handlers(app)
    app.include_router(routes_kiosk.router)
    app.include_router(routes_counter.router)
    app.include_router(routes_help.router)
    app.include_router(public_page.router)
    app.include_router(phone_rating.router)
    pages.install(app)
    app.include_router(routes_faces.router)
    routes_procedures.install(app)
    routes_dossiers.install(app)
    install_openapi(app, settings)
    return app
