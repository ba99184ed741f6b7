"""Touch to ticket bytes at the printer, through the whole daemon, central on loopback
(`central serve` in its own process).

For each ticket a scripted citizen taps the service button (a real pygame mouse event);
the clock stops when the simulated printer has received the job's last byte. Runs:
  online   central up on 127.0.0.1 (uvicorn, SQLite): N tickets
  hung     central frozen (SIGSTOP): the first ticket pays the 800 ms budget, later ones
           find the circuit open and get offline numbers at once
  down     central stopped (connection refused): offline numbers at once
Prints one JSON object. Usage: python bench/touch_to_ticket.py [--tickets 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.process import CentralProcess  # noqa: E402
from drivers.printer.sim import SimPrinter  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.daemon import KioskDaemon  # noqa: E402
from kiosk.events import Shutdown  # noqa: E402
from kiosk.wiring import open_parts  # noqa: E402


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "n": len(ordered),
        "p50_ms": round(pick(0.50) * 1000, 2),
        "p95_ms": round(pick(0.95) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


async def _until(predicate, timeout_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark stuck")
        await asyncio.sleep(0.0005)


async def _one_ticket(daemon: KioskDaemon, printer: SimPrinter, service: str) -> float:
    flow = daemon.flow
    await _until(lambda: flow.current_state_id == "idle")
    daemon.screen.tap("start")
    await _until(lambda: flow.current_state_id == "menu")
    before = len(printer.printed)
    started = time.perf_counter()  # the last (and only) touch: the field on the menu
    daemon.screen.tap("service", service)
    await _until(lambda: len(printer.printed) > before)
    elapsed = time.perf_counter() - started
    await _until(lambda: flow.current_state_id == "ticket_ready")
    daemon.screen.tap("done")
    return elapsed


async def run(tickets: int, offline_tickets: int, work: Path) -> dict[str, object]:
    central = CentralProcess.sim(work)
    central.start()
    config = load_config(
        ROOT / "config" / "kiosk.sim.toml",
        overrides={
            "central.url": central.url,
            "kiosk.state_dir": str(work / "kiosk"),
            "tickets.preview_dir": None,
            "central.sync_interval_s": 600,
            "devices.base": "none://",
        },
    )
    # Speaking the number starts after the bytes and costs a TTS process's CPU; citizens
    # come tens of seconds apart, so back-to-back benchmark tickets would be slowed by the
    # previous ticket's speech, which no citizen ever sees.
    config = config.model_copy(update={"speech": None})
    printer = SimPrinter()
    daemon = KioskDaemon(config, open_parts(config, printer=printer))
    serving = asyncio.ensure_future(daemon.run())
    services = ["tu-phap", "giao-thong-van-tai", "xuat-nhap-canh", "dat-dai"]
    try:
        await _until(lambda: bool(daemon.catalogue.services))
        for i in range(5):  # warm up connections, fonts, escpos profiles
            await _one_ticket(daemon, printer, services[i % 4])
        online = [await _one_ticket(daemon, printer, services[i % 4]) for i in range(tickets)]
        # Hung: the process is frozen (SIGSTOP); connections are accepted, nobody answers.
        assert central.process is not None
        central.process.send_signal(signal.SIGSTOP)
        hung = [await _one_ticket(daemon, printer, services[i % 4]) for i in range(5)]
        central.process.send_signal(signal.SIGCONT)
        central.stop()
        offline = [
            await _one_ticket(daemon, printer, services[i % 4]) for i in range(offline_tickets)
        ]
    finally:
        daemon.post(Shutdown())
        await serving
        central.stop()
    return {
        "benchmark": "touch_to_ticket_bytes",
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpu",
        "python": platform.python_version(),
        "printer": {
            "width_px": printer.width_px,
            "bytes_last_ticket": len(printer.printed[-1].data),
        },
        "online_loopback": _percentiles(online),
        "central_hung": {
            "first_ticket_ms": round(hung[0] * 1000, 2),
            "later_ms": [round(h * 1000, 2) for h in hung[1:]],
        },
        "central_down": {
            "first_ticket_ms": round(offline[0] * 1000, 2),
            "later": _percentiles(offline[1:]),
        },
        "targets": {"online_p95_ms": 60, "central_down_first_ms": 1000},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--offline-tickets", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        result = asyncio.run(run(args.tickets, args.offline_tickets, Path(work)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
