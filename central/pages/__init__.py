"""The pages central serves to people: the counter page, the hall display, the rating
tablet and the ratings report, with their static files (nothing from the internet)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

_LOGGER = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "static"


def install(app: FastAPI) -> None:
    """Add the pages' routes and ``/static`` to ``app``."""
    from central.pages import counter, display, rate, reports
    from central.pages.fonts import font_bytes

    for module in (counter, display, rate, reports):
        app.include_router(module.router)

    @app.get("/static/fonts/{name}", include_in_schema=False)
    async def _font(name: str, request: Request) -> Response:
        # the project's fonts, so a display without Korean fonts still shows every language
        data = await run_in_threadpool(font_bytes, name, request.app.state.catalogue.settings)
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/counter", include_in_schema=False)
    async def _counter() -> RedirectResponse:
        return RedirectResponse("/counter/", status_code=308)
