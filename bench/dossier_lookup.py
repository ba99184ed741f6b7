"""Dossier look-up latency: the kiosk's client asks `central serve` (its own process, on
loopback, SQLite) for a dossier's status and composes the spoken answer.

This is the network-and-answer part of "touch to dossier result": the kiosk's dossier
screens are not built yet (see BENCHMARKS.md), so no touch event or screen render is in
the measurement. The rate limit is raised for the run (one kiosk asking thousands of
times a minute is exactly what it exists to stop).

Prints one JSON object. Usage: python bench/dossier_lookup.py [--lookups 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.process import CentralProcess  # noqa: E402
from kiosk.procedures.answers import dossier_answer  # noqa: E402
from kiosk.procedures.remote import ProcedureRemote  # noqa: E402

KIOSK_TOKEN = "sim-kiosk-K1-token-00000"
COUNTER_TOKEN = "sim-counter-Q1-token-0000"


async def measure(url: str, lookups: int) -> dict[str, float]:
    """Create dossiers through the counter API, then time the kiosk's look-ups."""
    codes = [f"000.00.12.H29-261130-{n:04d}" for n in range(50)]
    async with httpx.AsyncClient(base_url=url, timeout=10) as counter:
        for i, code in enumerate(codes):
            body = {
                "code": code,
                "applicant_name": "Nguyễn Văn An",
                "received_on": "2026-11-30",
                "procedure": "ly-lich-tu-phap",
                "appointment_on": "2026-12-14",
            }
            made = await counter.post(
                "/api/v1/dossiers", json=body, headers={"Authorization": f"Bearer {COUNTER_TOKEN}"}
            )
            made.raise_for_status()
            if i % 3 == 0:
                await counter.post(
                    f"/api/v1/dossiers/{code}/status",
                    json={"status": "ready", "pickup_counter": "Q2"},
                    headers={"Authorization": f"Bearer {COUNTER_TOKEN}"},
                )
    remote = ProcedureRemote(url, KIOSK_TOKEN)
    timings = []
    for n in range(lookups + 20):
        start = time.perf_counter()
        view = await remote.dossier(codes[n % len(codes)])
        dossier_answer(view, ("vi", "en", "ko")[n % 3])
        if n >= 20:  # warm-up: the first connection and imports
            timings.append((time.perf_counter() - start) * 1000)
    await remote.close()
    # the same loop against /api/v1/health: what any request costs on this machine now
    health = []
    async with httpx.AsyncClient(base_url=url, timeout=10) as plain:
        for n in range(lookups + 20):
            start = time.perf_counter()
            (await plain.get("/api/v1/health")).raise_for_status()
            if n >= 20:
                health.append((time.perf_counter() - start) * 1000)
    timings.sort()
    health.sort()
    return {
        "lookups": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "health_p50_ms": round(statistics.median(health), 2),
        "health_p95_ms": round(health[int(len(health) * 0.95) - 1], 2),
    }


def main() -> None:
    """Run and print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookups", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        central = CentralProcess.sim(Path(work))
        text = central.config.read_text(encoding="utf-8")
        central.config.write_text(
            text.replace("rate_per_minute = 20", "rate_per_minute = 10000"), encoding="utf-8"
        )
        with central:
            result = asyncio.run(measure(central.url, args.lookups))
    print(
        json.dumps(
            {
                "benchmark": "dossier_lookup",
                "machine": platform.processor() or platform.machine(),
                **result,
            }
        )
    )


if __name__ == "__main__":
    main()
