"""What every test shares: no display and no sound card on CI machines, and a real
PostgreSQL server (KIOSK_TEST_POSTGRES_URL, or a throwaway cluster started here).

PostgreSQL unavailable: the postgres variants skip with the reason, but fail when CI is set.
"""

from __future__ import annotations

import contextlib
import fcntl
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
from sqlalchemy.engine import make_url

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
        worker = os.environ.get("PYTEST_XDIST_WORKER")  # parallel workers: one database each
        yield given if worker is None else _worker_database(given, f"kiosk_test_{worker}")
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


def _connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to the SQLAlchemy-style ``url``."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(plain, autocommit=True, connect_timeout=5)


def _worker_database(url: str, name: str) -> str:
    """A new, empty database ``name`` on the server of ``url``; its URL."""
    with _connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url: str) -> None:
    with _connect(url) as conn:
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests marked ``slow`` run first: scripts/test.sh runs the suite on parallel
    workers (pytest-xdist), which take tests from the front of this order in turns, so
    the minutes-long ones start at once on different workers instead of one of them
    finishing a three-minute demo alone at the end."""
    del config
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # a stable sort


@contextlib.contextmanager
def machine_wide(name: str) -> Iterator[None]:
    """Hold the machine-wide lock ``name`` (a file lock in the temporary directory):
    parallel test workers, and other test runs on the machine, wait for each other on a
    resource that is the machine's, not the test's."""
    path = Path(tempfile.gettempdir()) / f"kiosk-tests-{name}.lock"
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def own_kworkers() -> Iterator[None]:
    """The kernel's kworker threads to this test alone (it raises or checks their
    priority, which another test's ``kiosk rt-tune`` would change under it)."""
    with machine_wide("kworkers"):
        yield
