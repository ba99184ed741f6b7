"""The kiosk's localhost-only health and metrics endpoint.

``GET /health`` answers JSON a monitoring agent or a technician's ``curl`` reads: the
flow's state, whether central answers (circuit), the printer's last fault, the journal's
counts and the tickets still to sync. ``GET /metrics`` gives the same numbers in the
Prometheus text format. It is served by uvicorn inside the daemon's own event loop on
127.0.0.1 only: nothing personal is in it, but a lobby network is not trusted.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from kiosk.daemon import KioskDaemon

_LOGGER = logging.getLogger(__name__)


class HealthSettings(BaseModel):
    """The localhost health and metrics endpoint."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    port: int = Field(default=0, ge=0, le=65535)
    """Port on 127.0.0.1 for /health and /metrics (8701 on a device); 0 switches it off."""


def create_health_app(snapshot: Callable[[], dict[str, Any]]) -> FastAPI:
    """The app; ``snapshot()`` returns the daemon's current numbers (cheap, no I/O)."""
    app = FastAPI(title="kiosk health", docs_url=None, redoc_url=None, openapi_url=None)
    started = time.monotonic()

    @app.get("/health")
    async def health() -> dict[str, Any]:  # async: runs on the daemon loop, which owns SQLite
        data = snapshot()
        data["uptime_s"] = round(time.monotonic() - started, 1)
        data["status"] = "degraded" if data.get("faults") else "ok"
        return data

    @app.get("/metrics", response_class=PlainTextResponse)
    async def metrics() -> str:
        data = snapshot()
        lines = [
            "# TYPE kiosk_up gauge",
            "kiosk_up 1",
            "# TYPE kiosk_central_circuit_open gauge",
            f"kiosk_central_circuit_open {int(bool(data['central_circuit_open']))}",
            "# TYPE kiosk_journal_tickets gauge",
        ]
        for state, count in sorted(data["journal"].items()):
            lines.append(f'kiosk_journal_tickets{{state="{state}"}} {count}')
        lines += [
            "# TYPE kiosk_tickets_issued_total counter",
            f"kiosk_tickets_issued_total {data['tickets_issued']}",
            "# TYPE kiosk_tickets_not_printed_total counter",
            f"kiosk_tickets_not_printed_total {data['tickets_not_printed']}",
            "# TYPE kiosk_transitions_total counter",
            f"kiosk_transitions_total {data['transitions']}",
        ]
        return "\n".join(lines) + "\n"

    return app


def health_server(app: FastAPI, port: int) -> uvicorn.Server:
    """A uvicorn server for ``app`` on 127.0.0.1:``port`` (run with ``await server.serve()``)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    # uvicorn takes SIGTERM/SIGINT for itself while serving; the daemon handles them.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    return server


async def serve_health(snapshot: Callable[[], dict[str, Any]], port: int) -> None:
    """Serve /health and /metrics until cancelled; a busy port is logged, not fatal."""
    server = health_server(create_health_app(snapshot), port)
    try:
        await server.serve()
    except (OSError, SystemExit) as exc:  # uvicorn exits when it cannot bind
        _LOGGER.error("TECHNICIAN: health endpoint not served on 127.0.0.1:%d (%s)", port, exc)


def daemon_health(daemon: KioskDaemon, screen_faults: tuple[str, ...]) -> dict[str, Any]:
    """The numbers /health and /metrics report for ``daemon`` (no I/O: counters in memory,
    SQLite); ``screen_faults`` are the parts the menu's note names as down."""
    counts, robot, faces = daemon.counters, daemon.robot, daemon.faces
    faults = list(screen_faults)
    if robot is not None and not robot.base.connected:
        faults.append("robot")  # a pulled base cable: the technician's fault, not the screen's
    lidar = robot.lidar if robot is not None else None
    if lidar is not None and not lidar.connected:
        faults.append("lidar")  # the robot will not move blind: it stops (lidar-lost)
    return {"kiosk": daemon.config.kiosk.id, "state": daemon.flow.current_state_id,
            "central_circuit_open": daemon.breaker.is_open, "faults": faults,
            "journal": daemon.journal.counts(), "tickets_issued": counts.tickets_issued,
            "tickets_not_printed": counts.tickets_not_printed,
            "transitions": counts.transitions, "tasks_failed": counts.tasks_failed,
            "robot": robot.health() if robot is not None else None,
            "faces": None if faces is None else {
                "button": faces.button, "problem": faces.feature.problem,
                "enrolled": faces.enrolled, "found": faces.found}}
