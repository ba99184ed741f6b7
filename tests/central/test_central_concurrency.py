"""Many clients issuing at once never share a number: over real HTTP against a uvicorn
server on SQLite, and with concurrent transactions straight on each database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from central_testkit import settings_dict

from central.catalogue import Catalogue
from central.db import create_schema, make_engine
from central.schemas import TicketRequest
from central.settings import CentralSettings
from central.store import Store
from central.tickets import issue_ticket

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
PER_CLIENT = 15
SIM_KIOSK_TOKEN = "sim-kiosk-K1-token-00000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``central serve`` on the simulation config with a fresh SQLite file."""
    sim = (ROOT / "config" / "central.sim.toml").read_text(encoding="utf-8")
    config = tmp_path / "central.toml"
    config.write_text(
        sim.replace('"sqlite:///central-sim.db"', f'"sqlite:///{tmp_path}/central.db"'),
        encoding="utf-8",
    )
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "central.cli",
            "--log-level",
            "WARNING",
            "serve",
            "--config",
            str(config),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"central did not start: {process.communicate()[1][-500:]!r}")
        time.sleep(0.1)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def _run_clients(work: Callable[[int], list[str]]) -> list[str]:
    results: list[list[str]] = [[] for _ in range(CLIENTS)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:  # reported below, a thread cannot fail the test itself
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:3]
    return [number for numbers in results for number in numbers]


def test_http_clients_never_share_a_number(server: str) -> None:
    def work(index: int) -> list[str]:
        numbers = []
        with httpx.Client(
            base_url=server, timeout=30, headers={"Authorization": f"Bearer {SIM_KIOSK_TOKEN}"}
        ) as http:
            for n in range(PER_CLIENT):
                response = http.post(
                    "/api/v1/tickets",
                    json={"idempotency_key": f"client-{index:02d}-{n:04d}", "service": "tu-phap"},
                )
                assert response.status_code == 201, response.text
                numbers.append(response.json()["number"])
        return numbers

    numbers = _run_clients(work)
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, CLIENTS * PER_CLIENT + 1)]


def test_concurrent_transactions_never_share_a_number(database_url: str) -> None:
    settings = CentralSettings.model_validate(settings_dict(database_url))
    catalogue = Catalogue(settings)
    engine = make_engine(database_url)
    create_schema(engine)
    store = Store(engine)  # run_sync directly: many threads, many connections at once

    def work(index: int) -> list[str]:
        numbers = []
        for n in range(PER_CLIENT):
            request = TicketRequest(idempotency_key=f"txn-{index:02d}-{n:04d}", service="tu-phap")
            row, created = store.run_sync(
                lambda conn, r=request: issue_ticket(conn, catalogue, "K1", r)
            )
            assert created
            numbers.append(row.number)
        return numbers

    try:
        numbers = _run_clients(work)
    finally:
        store.close()
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, CLIENTS * PER_CLIENT + 1)]
