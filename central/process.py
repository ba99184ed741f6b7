"""`central serve` in a process of its own on loopback, as a centre runs it.

Benchmarks and concurrency tests need central with its own CPU and interpreter lock,
reached over real HTTP: this starts it from a config text, waits until
``/api/v1/health`` answers, and stops it. The wait uses urllib so that central needs no
HTTP client of its own.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
SIM_CONFIG = ROOT / "config" / "central.sim.toml"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_database(config_text: str, database_url: str) -> str:
    """``config_text`` (TOML) with its ``database_url`` line replaced."""
    return re.sub(r"(?m)^database_url = .*$", f'database_url = "{database_url}"', config_text)


def sim_config_text(database_url: str) -> str:
    """The simulated ward centre's config on ``database_url``, to be written anywhere: its
    relative ``procedures_file`` is anchored to config/, where the catalogue lives."""
    text = SIM_CONFIG.read_text(encoding="utf-8").replace(
        'procedures_file = "procedures.yaml"',
        f'procedures_file = "{SIM_CONFIG.with_name("procedures.yaml")}"',
    )
    return with_database(text, database_url)


class CentralProcess:
    """One ``central serve`` process on 127.0.0.1; ``url`` is where it answers."""

    def __init__(self, config_text: str, workdir: Path, *, workers: int = 1) -> None:
        self.config = workdir / "central.toml"
        self.config.write_text(config_text, encoding="utf-8")
        self.log = workdir / "central.log"  # a file, not a pipe nobody reads that could fill
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.workers = workers

    @classmethod
    def sim(cls, workdir: Path) -> CentralProcess:
        """The simulated ward centre on a fresh SQLite file in ``workdir``."""
        return cls(sim_config_text(f"sqlite:///{workdir / 'central.sqlite3'}"), workdir)

    def start(self, timeout_s: float = 30.0) -> None:
        """Start serving; returns once /api/v1/health answers, raises if it never does."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "central.cli",
                    "--log-level",
                    "WARNING",
                    "serve",
                    "--config",
                    str(self.config),
                    "--port",
                    str(self.port),
                    "--workers",
                    str(self.workers),
                ],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_bytes()[-800:]
                raise RuntimeError(f"central exited: {tail!r}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"central did not answer /api/v1/health within {timeout_s} s")

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop serving (SIGTERM, then SIGKILL if it does not go)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout_s)
        self.process = None

    def __enter__(self) -> CentralProcess:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
