"""Call-next to the hall display showing the call: ``python bench/display_latency.py``.

Starts ``central serve`` (SQLite in a temp dir, or ``--database-url``) on 127.0.0.1 in a
subprocess, opens ``--pages`` hall displays (default 20): ``--browser-pages`` of them are
real ``/display/`` pages in Debian's chromium (default 1; the clock stops when the number
is in the page's DOM), the others are server-sent-event clients on ``/display/stream``
(the clock stops when the state naming the number has arrived). Then, ``--calls`` times,
a kiosk issues a ticket and, once things are quiet, a counter calls it: the clock starts
as the call-next request is sent. Prints one JSON object (p50/p95/max per kind of page).
Target: p95 <= 300 ms with 20 pages open.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

_LOGGER = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from central.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from central.process import CentralProcess, with_database  # noqa: E402

DISPLAY = "sim-display-token-00000"
KIOSK = {"Authorization": "Bearer sim-kiosk-K1-token-00000"}
COUNTER = {"Authorization": "Bearer sim-counter-Q1-token-0000"}


class SseDisplay:
    """One display as an SSE client: remembers when each number first appeared."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.ready = asyncio.Event()

    async def run(self, http: httpx.AsyncClient) -> None:
        """Follow the stream until cancelled."""
        async with http.stream("GET", f"/display/stream?token={DISPLAY}") as answer:
            event = ""
            async for line in answer.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "state":
                    now = time.perf_counter()
                    for call in json.loads(line[6:])["current"]:
                        self.seen.setdefault(call["number"], now)
                    self.ready.set()


def _summary(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {}
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """Open the pages, make the calls, measure."""
    sse_count = args.pages - args.browser_pages
    displays = [SseDisplay() for _ in range(sse_count)]
    limits = httpx.Limits(max_connections=sse_count + 10)
    async with httpx.AsyncClient(base_url=url, timeout=None, limits=limits) as http:
        tasks = [asyncio.create_task(d.run(http)) for d in displays]
        await asyncio.wait_for(asyncio.gather(*(d.ready.wait() for d in displays)), 30)
        pages: list[Any] = []
        playwright = browser = None
        if args.browser_pages:
            from playwright.async_api import async_playwright

            playwright = await async_playwright().start()
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            for _ in range(args.browser_pages):
                page = await browser.new_page(viewport={"width": 1366, "height": 768})
                await page.goto(f"{url}/display/?token={DISPLAY}")
                await page.wait_for_selector("#conn:not(.stale)")
                pages.append(page)
        sse_samples: list[float] = []
        page_samples: list[float] = []
        for i in range(args.calls):
            ticket = await http.post(
                "/api/v1/tickets",
                json={"idempotency_key": f"bench-display-{i:05d}", "service": "tu-phap"},
                headers=KIOSK,
            )
            number = ticket.json()["number"]
            await asyncio.sleep(args.pause_s)  # let the pages settle after the issue event
            start = time.perf_counter()
            waits = [
                asyncio.create_task(
                    page.wait_for_selector(f"#current td:text-is('{number}')", timeout=10_000)
                )
                for page in pages
            ]
            called = await http.post("/api/v1/counters/Q1/call-next", headers=COUNTER)
            assert called.json()["number"] == number, called.text
            for wait in waits:
                await wait
                page_samples.append(time.perf_counter() - start)
            deadline = time.perf_counter() + 10
            while any(number not in d.seen for d in displays) and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            sse_samples += [d.seen[number] - start for d in displays if number in d.seen]
            missing = sum(number not in d.seen for d in displays)
            if missing:
                _LOGGER.error("%d displays never showed %s", missing, number)
            done = called.json()["id"]
            await http.post(f"/api/v1/tickets/{done}/start", headers=COUNTER)
            await http.post(f"/api/v1/tickets/{done}/complete", headers=COUNTER)
        for task in tasks:
            task.cancel()
        if browser is not None:
            await browser.close()
        if playwright is not None:
            await playwright.stop()
    everything = sse_samples + page_samples
    return {
        "benchmark": "display_latency",
        "pages_open": args.pages,
        "browser_pages": args.browser_pages,
        "calls": args.calls,
        "sse_clients": _summary(sse_samples),
        "browser": _summary(page_samples),
        "all": _summary(everything),
        "target_p95_ms": 300,
    }


def main() -> None:
    """Parse arguments, start central, print the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--browser-pages", type=int, default=1)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--pause-s", type=float, default=0.1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-display-") as work:
        workdir = Path(work)
        sim = (ROOT / "config" / "central.sim.toml").read_text(encoding="utf-8")
        database = args.database_url or f"sqlite:///{workdir / 'central.sqlite3'}"
        with CentralProcess(with_database(sim, database), workdir) as central:
            result = asyncio.run(run(args, central.url))
    result["database"] = "postgresql" if args.database_url.startswith("postgres") else "sqlite"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
