"""What every test shares: no display and no sound card on CI machines, and a real
PostgreSQL server (KIOSK_TEST_POSTGRES_URL, or a throwaway cluster started here).

PostgreSQL unavailable: the postgres variants skip with the reason, but fail when CI is set.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from central.app import create_app
from central.settings import CentralSettings, load_settings

CENTRAL_SIM = Path(__file__).resolve().parents[1] / "config" / "central.sim.toml"

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL needed in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def _pg_bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "postgresql"],
            capture_output=True,
            timeout=600,
            check=False,
        )
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server URL (SQLAlchemy form) for the whole session."""
    given = os.environ.get("KIOSK_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = _pg_bindir()
    if bindir is None:
        _unavailable("no initdb under /usr/lib/postgresql and apt-get could not install it")
    as_postgres: list[str] = []
    workdir = tempfile.mkdtemp(prefix="central-pg-")
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_postgres = ["runuser", "-u", "postgres", "--"]
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
    data, port = os.path.join(workdir, "data"), _free_port()
    try:
        subprocess.run(
            as_postgres
            + [
                f"{bindir}/initdb",
                "-D",
                data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        subprocess.run(
            as_postgres
            + [
                f"{bindir}/pg_ctl",
                "-D",
                data,
                "-l",
                os.path.join(workdir, "log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c max_connections=200",
                "start",
            ],
            capture_output=True,
            timeout=90,
            check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        _unavailable(f"could not start a cluster: {exc} {detail[-300:]!r}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            as_postgres + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def _reset_postgres(url: str) -> None:
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True, connect_timeout=5) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> str:
    """The PostgreSQL server with an empty schema for this test."""
    _reset_postgres(postgres_url)
    return postgres_url


@pytest.fixture
def central_settings(tmp_path: Path) -> CentralSettings:
    """The simulated ward centre on a fresh SQLite file."""
    return load_settings(CENTRAL_SIM).model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'central.sqlite3'}"}
    )


@pytest.fixture
def asgi_transport(central_settings: CentralSettings) -> httpx.ASGITransport:
    """The real central app, called in-process."""
    return httpx.ASGITransport(app=create_app(central_settings))
