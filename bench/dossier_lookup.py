"""Dossier look-up latency with `central serve` in its own process (loopback, SQLite).

Two measurements in one run:
  client          the kiosk's client asks for a dossier's status and composes the spoken
                  answer (no screen), next to /api/v1/health as this machine's reference
  touch_to_result the whole daemon: the code typed on the dossier keypad, the clock starts
                  at the real pygame tap on "Look up" and stops when the result screen has
                  been drawn and flipped (target p95 <= 150 ms)
The rate limit is raised for the run (one kiosk asking thousands of times a minute is
exactly what it exists to stop).

Prints one JSON object. Usage: python bench/dossier_lookup.py [--lookups 500] [--touches 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.process import CentralProcess  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.daemon import KioskDaemon  # noqa: E402
from kiosk.events import Shutdown  # noqa: E402
from kiosk.procedures.answers import dossier_answer  # noqa: E402
from kiosk.procedures.remote import ProcedureRemote  # noqa: E402
from kiosk.wiring import open_parts  # noqa: E402

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


async def _until(predicate, timeout_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark stuck")
        await asyncio.sleep(0.0005)


async def touch_to_result(url: str, touches: int, work: Path) -> dict[str, float]:
    """The daemon on the dossier screen: tap "Look up", wait for the drawn result."""
    config = load_config(
        ROOT / "config" / "kiosk.sim.toml",
        overrides={
            "central.url": url,
            "kiosk.state_dir": str(work / "kiosk"),
            "tickets.preview_dir": None,
            "devices.base": "none://",
            "flow.idle_timeout_s": 600,
        },
    )
    config = config.model_copy(update={"speech": None})
    daemon = KioskDaemon(config, open_parts(config))
    serving = asyncio.ensure_future(daemon.run())
    screen, flow = daemon.screen, daemon.flow
    timings = []
    try:
        await _until(lambda: bool(daemon.catalogue.services) and screen.model is not None)
        screen.tap("start")
        await _until(lambda: flow.current_state_id == "menu")
        screen.tap("ask_dossier")
        await _until(lambda: flow.current_state_id == "dossier_lookup")
        for n in range(touches + 10):
            code = f"000.00.12.H29-261130-{n % 50:04d}"
            for char in code:
                screen.tap("dossier_key", char)
            await _until(lambda code=code: flow.visit.dossier.code == code)  # type: ignore[misc]
            start = time.perf_counter()
            screen.tap("dossier_key", "ok")
            await _until(
                lambda: (
                    screen.model is not None
                    and screen.model.dossier is not None
                    and screen.model.dossier.phase == "result"
                )
            )
            if n >= 10:  # warm-up: the first connection, fonts
                timings.append((time.perf_counter() - start) * 1000)
            screen.tap("dossier_key", "new")
            await _until(lambda: flow.visit.dossier.phase == "code")
    finally:
        daemon.post(Shutdown())
        await serving
    timings.sort()
    return {
        "touches": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "target_p95_ms": 150,
    }


def main() -> None:
    """Run and print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--touches", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        central = CentralProcess.sim(Path(work))
        text = central.config.read_text(encoding="utf-8")
        central.config.write_text(
            text.replace("rate_per_minute = 20", "rate_per_minute = 10000"), encoding="utf-8"
        )
        with central:
            result = asyncio.run(measure(central.url, args.lookups))
            touch = asyncio.run(touch_to_result(central.url, args.touches, Path(work)))
    print(
        json.dumps(
            {
                "benchmark": "dossier_lookup",
                "machine": platform.processor() or platform.machine(),
                "client": result,
                "touch_to_result": touch,
            }
        )
    )


if __name__ == "__main__":
    main()
