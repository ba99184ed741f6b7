"""Run the reference central server inside the kiosk process (demo, tests, benchmarks).

uvicorn serves the real central app on a loopback port from a thread with its own event
loop, so the kiosk talks to it over real HTTP exactly as to a remote server. It can be
stopped and started again on the same port, which is how the demo simulates an outage.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import uvicorn

from central.app import create_app
from central.settings import CentralSettings, load_settings

_LOGGER = logging.getLogger(__name__)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class EmbeddedCentral:
    """The central app under uvicorn on ``127.0.0.1:port`` in a background thread."""

    def __init__(self, config_path: Path, database_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        base = load_settings(config_path)
        self.settings: CentralSettings = base.model_copy(
            update={"database_url": f"sqlite:///{database_path}", "public_base_url": self.url}
        )
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout_s: float = 10.0) -> None:
        """Start serving; returns once the port accepts connections."""
        app = create_app(self.settings)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=2)  # open displays
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="central", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"embedded central did not start on port {self.port}")
            time.sleep(0.02)
        _LOGGER.info("embedded central serving on %s", self.url)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop serving (connections are refused afterwards, as in an outage)."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout_s)
        self._server = None
        self._thread = None
        _LOGGER.info("embedded central stopped")

    @property
    def running(self) -> bool:
        """True while the server thread serves."""
        return self._thread is not None and self._thread.is_alive()
