"""Load benchmark of the central ticket path: ``python bench/central_load.py``.

Starts ``central serve`` (one uvicorn worker, SQLite file in a temp dir) on 127.0.0.1 in a
subprocess, then:

(a) closed loop: 50 kiosk clients (asyncio, one token and connection each) issue tickets as fast
    as they can for ``--seconds`` -> tickets/s;
(b) open loop: ``--rate`` tickets/s in total from 50 kiosks for ``--seconds``; latency is
    measured from each request's scheduled send time (no coordinated omission) ->
    p50/p95/p99 and the achieved rate.

`--database-url` runs the same against another (empty) database, e.g. PostgreSQL.
Afterwards it checks in the database that no number was given twice. Prints one JSON
object. Targets: >= 300 tickets/s closed loop, p99 <= 50 ms at 300/s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.process import CentralProcess, sim_config_text  # noqa: E402

KIOSKS = 50
REQUEST_TIMEOUT_S = 10.0


def _config(database_url: str) -> str:
    """The simulation centre with 50 kiosk tokens instead of 3."""
    sim = sim_config_text(database_url)
    head, _, _ = sim.partition("[[kiosks]]")
    tail = sim[sim.index("[[priority_categories]]") :]
    kiosks = "".join(
        f'[[kiosks]]\nid = "B{i}"\ntoken = "bench-kiosk-token-{i:04d}"\noffline_prefix = "B{i}"\n\n'
        for i in range(KIOSKS)
    )
    return head + kiosks + tail


SERVICES = [
    "tu-phap",
    "giao-thong-van-tai",
    "xuat-nhap-canh",
    "dat-dai",
    "xay-dung",
    "dang-ky-kinh-doanh",
    "lao-dong-tbxh",
    "buu-chinh",
]
_KEYS = itertools.count()


class KioskConnection:
    """One kiosk's keep-alive HTTP/1.1 connection, written on asyncio streams.

    Why not httpx here: its async client spent about 13 ms of CPU per request at 50
    connections on this machine (more than the server), so the benchmark measured the
    client. This speaks just enough HTTP/1.1 (Content-Length bodies, keep-alive).
    """

    def __init__(self, host: str, port: int, kiosk: int) -> None:
        self.host, self.port, self.kiosk = host, port, kiosk
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def _request(self, body: bytes) -> tuple[int, bytes]:
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: %s\r\n"
            b"Authorization: Bearer bench-kiosk-token-%04d\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (self.host.encode(), self.kiosk, len(body), body)
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await reader.readexactly(length)

    async def issue(self, numbers: list[tuple[str, str]]) -> bool:
        """Issue one ticket; True on 201. Any failure drops the connection."""
        n = next(_KEYS)
        body = json.dumps(
            {
                "idempotency_key": f"bench-{self.kiosk:02d}-{n:08d}",
                "service": SERVICES[n % len(SERVICES)],
            }
        ).encode()
        try:
            status, answer = await asyncio.wait_for(self._request(body), REQUEST_TIMEOUT_S)
        except (
            TimeoutError,
            OSError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
        ):
            await self.close()
            return False
        if status != 201:
            return False
        ticket = json.loads(answer)
        numbers.append((ticket["local_day"], ticket["number"]))
        return True

    async def close(self) -> None:
        """Close the connection (reopened by the next request)."""
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None


def _kiosks(base: str, count: int) -> list[KioskConnection]:
    url = httpx.URL(base)
    return [KioskConnection(url.host, url.port or 80, i) for i in range(count)]


async def closed_loop(base: str, seconds: float, numbers: list[tuple[str, str]]) -> dict[str, Any]:
    """50 kiosks, each issuing back to back on its own connection."""
    done = errors = 0
    stop = time.perf_counter() + seconds
    kiosks = _kiosks(base, KIOSKS)

    async def run(kiosk: KioskConnection) -> None:
        nonlocal done, errors
        while time.perf_counter() < stop:
            ok = await kiosk.issue(numbers)
            done += ok
            errors += not ok
        await kiosk.close()

    start = time.perf_counter()
    await asyncio.gather(*(run(k) for k in kiosks))
    elapsed = time.perf_counter() - start
    return {
        "clients": KIOSKS,
        "seconds": round(elapsed, 2),
        "tickets": done,
        "errors": errors,
        "tickets_per_s": round(done / elapsed, 1),
    }


async def open_loop(
    base: str, rate: float, seconds: float, numbers: list[tuple[str, str]]
) -> dict[str, Any]:
    """``rate`` tickets/s in total, round-robin over 50 kiosks, on a fixed schedule.

    A kiosk whose previous request is still running opens another connection for the
    next one, as a real kiosk would not wait for a slow neighbour.
    """
    latencies: list[float] = []
    errors = 0
    total = int(rate * seconds)
    idle: list[list[KioskConnection]] = [[k] for k in _kiosks(base, KIOSKS)]
    url = httpx.URL(base)

    async def one(index: int, due: float) -> None:
        nonlocal errors
        await asyncio.sleep(max(due - time.perf_counter(), 0))
        pool = idle[index % KIOSKS]
        kiosk = pool.pop() if pool else KioskConnection(url.host, url.port or 80, index % KIOSKS)
        ok = await kiosk.issue(numbers)
        pool.append(kiosk)
        if ok:
            latencies.append(time.perf_counter() - due)
        else:
            errors += 1

    start = time.perf_counter() + 0.2
    await asyncio.gather(*(one(i, start + i / rate) for i in range(total)))
    elapsed = time.perf_counter() - start
    for pool in idle:
        for kiosk in pool:
            await kiosk.close()
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return round(ms[min(int(len(ms) * p), len(ms) - 1)], 2) if ms else float("nan")

    return {
        "target_per_s": rate,
        "seconds": round(elapsed, 2),
        "tickets": len(ms),
        "errors": errors,
        "achieved_per_s": round(len(ms) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(ms[-1], 2) if ms else None,
        "mean_ms": round(statistics.fmean(ms), 2) if ms else None,
    }


def _cpu_s(pid: int) -> float:
    """User+system CPU seconds of a process and its children alive now (the workers of
    ``--workers N``; Linux /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _measured(pid: int, phase: Any) -> dict[str, Any]:
    server0, client0 = _cpu_s(pid), time.process_time()
    result: dict[str, Any] = asyncio.run(phase)
    tickets = max(result["tickets"], 1)
    result["server_cpu_ms_per_ticket"] = round((_cpu_s(pid) - server0) / tickets * 1000, 3)
    result["client_cpu_ms_per_ticket"] = round((time.process_time() - client0) / tickets * 1000, 3)
    return result


def duplicates(database_url: str, numbers: list[tuple[str, str]]) -> dict[str, int]:
    """Numbers given twice, as seen by the clients and as stored."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            stored = conn.exec_driver_sql(
                "SELECT COUNT(*) FROM (SELECT 1 FROM tickets GROUP BY local_day, number "
                "HAVING COUNT(*) > 1) AS twice"
            ).scalar_one()
            rows = conn.exec_driver_sql("SELECT COUNT(*) FROM tickets").scalar_one()
    finally:
        engine.dispose()
    return {
        "tickets_stored": rows,
        "tickets_answered": len(numbers),
        "duplicate_numbers_in_db": stored,
        "duplicate_numbers_answered": len(numbers) - len(set(numbers)),
    }


def main() -> int:
    """Run both phases and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument(
        "--database-url",
        help="an EMPTY database to use instead of a temporary SQLite file "
        "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="central serve --workers (PostgreSQL for > 1)"
    )
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    numbers: list[tuple[str, str]] = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="central-bench-") as workdir:
        database_url = args.database_url or f"sqlite:///{workdir}/central.db"
        with CentralProcess(_config(database_url), Path(workdir), workers=args.workers) as central:
            assert central.process is not None
            pid, base = central.process.pid, central.url
            closed = _measured(pid, closed_loop(base, args.seconds, numbers))
            opened = _measured(pid, open_loop(base, args.rate, args.seconds, numbers))
        check = duplicates(database_url, numbers)
    result = {
        "bench": "central_load",
        "server": f"uvicorn {args.workers} worker(s), "
        + ("SQLite WAL file" if database_url.startswith("sqlite") else "PostgreSQL"),
        # the 2 cores are shared: a busy neighbour shows here and in the tail latency
        "cpus": os.cpu_count(),
        "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "closed_loop": closed,
        "open_loop": opened,
        "check": check,
        "targets_met": {
            "closed_loop_ge_300_per_s": closed["tickets_per_s"] >= 300,
            "open_loop_p99_le_50_ms": opened["p99_ms"] <= 50 and opened["errors"] == 0,
            "no_duplicates": check["duplicate_numbers_in_db"] == 0
            and check["duplicate_numbers_answered"] == 0,
        },
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
