"""The officers of the demo: counters that call, serve and complete the tickets the
scripted citizens take, through central's counter API (each counter with its own token),
so the demo's summary gives real waits: from the ticket's issue to its call.

Each counter loops: ``call-next`` (nothing waiting: look again shortly), ``start``, a
service time drawn from a fixed seed (demo seconds, not real minutes), ``complete``. One
citizen in ten does not come (``no-show``). A central outage (the demo stops it on
purpose) is waited out. Offline tickets are called too once the kiosk has synced them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

_LOGGER = logging.getLogger(__name__)

IDLE_S = 3.0
"""How long a counter with nobody waiting waits before calling again, unless the demo
nudges it (a citizen took a ticket): twelve counters polling central, which the demo
runs in the kiosk's own process, must not slow the kiosk."""
SERVICE_S = (0.8, 2.5)
"""Demo service time range in seconds (a real one is minutes)."""


@dataclass
class CounterLog:
    """What the demo's counters did."""

    served: list[dict[str, Any]] = field(default_factory=list)
    no_shows: list[str] = field(default_factory=list)
    errors: int = 0
    calls: list[dict[str, Any]] = field(default_factory=list)
    """Every call: ticket id, number, counter and when (ISO), served or a no-show."""

    def summary(self) -> dict[str, Any]:
        """Waits (issue to call) and counts, for the demo's summary."""
        waits = sorted(s["wait_s"] for s in self.served)
        per_counter: dict[str, int] = {}
        for s in self.served:
            per_counter[s["counter"]] = per_counter.get(s["counter"], 0) + 1
        return {
            "served": len(self.served),
            "no_shows": len(self.no_shows),
            "wait_s_p50": round(statistics.median(waits), 2) if waits else None,
            "wait_s_max": round(waits[-1], 2) if waits else None,
            "served_per_counter": dict(sorted(per_counter.items())),
            "counter_errors": self.errors,
        }


class DemoCounters:
    """Runs one officer per configured counter against central at ``url``."""

    def __init__(self, url: str, tokens: dict[str, str], seed: int = 12, *,
                 service_s: tuple[float, float] = SERVICE_S, idle_s: float = IDLE_S) -> None:
        self.url = url
        self.tokens = tokens
        self.service_s = service_s
        self.idle_s = idle_s
        self.log = CounterLog()
        self._random = random.Random(seed)
        self._tasks: list[asyncio.Task[None]] = []
        self._news = asyncio.Event()

    def nudge(self) -> None:
        """A ticket was just issued: idle counters call at once."""
        self._news.set()
    def start(self) -> None:
        """Open the counters (one task each)."""
        for code in self.tokens:
            self._tasks.append(asyncio.create_task(self._officer(code), name=f"counter-{code}"))

    async def drain(self, waiting: Any, timeout_s: float = 60.0) -> None:
        """Keep serving until ``waiting()`` says nobody waits, then close the counters."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline and await waiting():
            await asyncio.sleep(0.2)
        await self.stop()

    async def stop(self) -> None:
        """Close the counters."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def _officer(self, code: str) -> None:
        headers = {"Authorization": f"Bearer {self.tokens[code]}"}
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=5) as http:
            while True:
                try:
                    await self._serve_one(http, code)
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    # central is down (the demo's outage) or answered oddly: try again soon
                    self.log.errors += 1
                    _LOGGER.info("demo counter %s: %s", code, exc)
                    await asyncio.sleep(1.0)

    async def _serve_one(self, http: httpx.AsyncClient, code: str) -> None:
        called = await http.post(f"/api/v1/counters/{code}/call-next")
        if called.status_code == 404:
            self._news.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._news.wait(), self.idle_s)
            return
        called.raise_for_status()
        ticket = called.json()
        now = datetime.now().astimezone()
        wait_s = (now - datetime.fromisoformat(ticket["issued_at"])).total_seconds()
        no_show = self._random.random() < 0.1
        self.log.calls.append({"id": ticket["id"], "number": ticket["number"], "counter": code,
                               "called_at": now.isoformat(), "no_show": no_show})
        if no_show:
            await asyncio.sleep(0.5)
            await self._act(http, ticket, "no-show")
            self.log.no_shows.append(ticket["number"])
            return
        await self._act(http, ticket, "start")
        await asyncio.sleep(self._random.uniform(*self.service_s))
        await self._act(http, ticket, "complete")
        self.log.served.append(
            {"number": ticket["number"], "counter": code, "wait_s": round(max(wait_s, 0.0), 2)}
        )
        _LOGGER.info("demo counter %s served %s after %.1f s", code, ticket["number"], wait_s)

    async def _act(self, http: httpx.AsyncClient, ticket: dict[str, Any], action: str) -> None:
        """One step on a called ticket, repeated while central is unreachable: the officer
        does not abandon the citizen in front of them because of an outage."""
        while True:
            try:
                answer = await http.post(f"/api/v1/tickets/{ticket['id']}/{action}")
            except httpx.HTTPError as exc:
                self.log.errors += 1
                _LOGGER.info("demo counter: %s %s: %s", action, ticket["number"], exc)
                await asyncio.sleep(1.0)
                continue
            if answer.status_code < 500:
                answer.raise_for_status()
                return
            await asyncio.sleep(1.0)


def page_addresses(url: str, settings: Any) -> list[str]:
    """The addresses of the counter page, the hall display and a rating tablet."""
    lines = [f"counter page:   {url}/counter/"]
    pins = [f"{c.code} PIN {c.pin}" for c in settings.counters if c.pin]
    if pins:
        lines[0] += f"  ({', '.join(pins[:3])})"
    tokens = settings.pages.display_tokens
    if tokens:
        lines.append(f"hall display:   {url}/display/?token={tokens[0]}")
        first = settings.counters[0].code
        lines.append(f"rating tablet:  {url}/rate/{first}?token={tokens[0]}")
    if settings.pages.manager_tokens:
        lines.append(f"ratings report: {url}/reports/ratings")
    return lines
