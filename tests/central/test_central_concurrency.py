"""Many clients issuing at once never share a number: over real HTTP against a uvicorn
server on SQLite, and with concurrent transactions straight on each database."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from central_testkit import settings_dict

from central.catalogue import Catalogue
from central.db import create_schema, make_engine
from central.process import SIM_CONFIG, CentralProcess, sim_config_text
from central.schemas import TicketRequest
from central.settings import CentralSettings
from central.store import Store
from central.tickets import issue_ticket

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
PER_CLIENT = 15
SIM_KIOSK_TOKEN = "sim-kiosk-K1-token-00000"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``central serve`` on the simulation config with a fresh SQLite file."""
    with CentralProcess.sim(tmp_path) as central:
        yield central.url


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


@pytest.mark.postgres
def test_two_worker_processes_on_postgresql_never_share_a_number(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    """``central serve --workers 2``: 50 kiosks at once, every number once, no gap."""
    text = sim_config_text(fresh_postgres_url)
    kiosks, per_kiosk = 50, 6
    with CentralProcess(text, tmp_path, workers=2) as central:

        async def kiosk(index: int, http: httpx.AsyncClient) -> list[str]:
            numbers = []
            for n in range(per_kiosk):
                answer = await http.post(
                    "/api/v1/tickets",
                    json={"idempotency_key": f"w{index:02d}-{n:04d}", "service": "tu-phap"},
                )
                assert answer.status_code == 201, answer.text
                numbers.append(answer.json()["number"])
            return numbers

        async def all_kiosks() -> list[str]:
            headers = {"Authorization": f"Bearer {SIM_KIOSK_TOKEN}"}
            clients = [
                httpx.AsyncClient(base_url=central.url, timeout=30, headers=headers)
                for _ in range(kiosks)
            ]
            try:
                done = await asyncio.gather(*(kiosk(i, c) for i, c in enumerate(clients)))
            finally:
                await asyncio.gather(*(c.aclose() for c in clients))
            return [number for numbers in done for number in numbers]

        numbers = asyncio.run(all_kiosks())
        workers = [
            p
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(p) == central.process.pid
        ]  # type: ignore[union-attr]
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, kiosks * per_kiosk + 1)]
    assert len(workers) >= 2  # the supervisor really forked two workers


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def test_workers_on_sqlite_are_refused_with_one_line(tmp_path: Path) -> None:
    config = tmp_path / "central.toml"
    config.write_text(sim_config_text(f"sqlite:///{tmp_path}/c.db"))
    done = subprocess.run(
        [sys.executable, "-m", "central.cli", "serve", "--config", str(config), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f'{config}: --workers 2 needs PostgreSQL (database_url = "postgresql+psycopg://..."): '
        "SQLite serves from one process only"
    )


@pytest.mark.postgres
def test_workers_with_a_missing_procedures_file_exit_2_instead_of_respawning(
    fresh_postgres_url: str, tmp_path: Path
) -> None:
    """Before the fix each worker failed to build the app and uvicorn's supervisor started
    it again forever (the run below hit its timeout); now the catalogue is read before
    any worker starts: one line, exit 2, which central.service does not restart."""
    config = tmp_path / "central.toml"
    missing = tmp_path / "gone.yaml"
    config.write_text(
        sim_config_text(fresh_postgres_url).replace(
            str(SIM_CONFIG.with_name("procedures.yaml")), str(missing)
        )
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "central.cli",
            "--log-level",
            "WARNING",
            "serve",
            "--config",
            str(config),
            "--workers",
            "2",
            "--port",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()[-1:]
    assert line.startswith(f"{config}: procedures_file: {missing}: ") and "cannot read" in line
