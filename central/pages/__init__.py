"""The pages central serves to people: the counter page, the hall display, the rating
tablet and the ratings report, with their static files (nothing from the internet)."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

_LOGGER = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parents[1] / "static"


def install(app: FastAPI) -> None:
    """Add the pages' routes and ``/static`` to ``app``."""
    from central.pages import counter, display, rate, reports

    for module in (counter, display, rate, reports):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/counter", include_in_schema=False)
    async def _counter() -> RedirectResponse:
        return RedirectResponse("/counter/", status_code=308)
