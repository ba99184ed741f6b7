"""The centre's other kiosks (K2, K3 of the sim central config), as plain API clients.

One real daemon on a 2-core machine serves one citizen in about half a second of wall
clock, so at 60x it cannot take a whole centre's 2000 citizens alone, and a real centre
of that size has several kiosks. The daemon under test (K1) takes every third citizen
and every citizen whose visit needs it (voice, the robot); the others take a number at
K2 or K3 (a rating or a dossier look-up there is counted, not simulated), which post
``/api/v1/tickets`` with their own kiosk token, exactly the request a kiosk sends. Their
tickets load the same counters and queues, so the waits are a centre's waits. They are
stand-ins, not daemons: while central is down they retry every half second (the citizen
waits in front of them), and the report counts them apart from K1's citizens.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from kiosk.simday.plan import Arrival, Kind

_LOGGER = logging.getLogger(__name__)

STAND_IN_KINDS = (Kind.TOUCH, Kind.PRIORITY, Kind.BOOKING, Kind.QUESTION)
"""What a citizen can do at a stand-in kiosk: take a number."""


ONLY_AT_K1 = (Kind.VOICE, Kind.GUIDED)
"""Visits only the daemon under test has: the microphone and the robot."""


def at_daemon(arrival: Arrival) -> bool:
    """True when the citizen uses the daemon under test (K1): every third citizen, and
    every one who talks to the kiosk or follows the robot."""
    return arrival.kind in ONLY_AT_K1 or arrival.index % 3 == 0


def stand_in_visit(arrival: Arrival) -> bool:
    """True when a stand-in can do the visit (take a number); a rating or a dossier
    look-up at K2/K3 is only counted, not simulated."""
    return arrival.kind in STAND_IN_KINDS


class OtherKiosks:
    """K2 and K3 posting tickets to central at ``url`` with their tokens."""

    def __init__(self, url: str, tokens: dict[str, str], retry_limit_s: float) -> None:
        self.url = url
        self.tokens = tokens
        self.retry_limit_s = retry_limit_s
        self._clients: dict[str, httpx.AsyncClient] = {}
        self.tasks: set[asyncio.Task[dict[str, Any]]] = set()
        """Requests under way (a finished one has handed its entry to the day's log)."""

    def _client(self, kiosk: str) -> httpx.AsyncClient:
        if kiosk not in self._clients:
            self._clients[kiosk] = httpx.AsyncClient(
                base_url=self.url,
                timeout=5.0,
                headers={"Authorization": f"Bearer {self.tokens[kiosk]}"},
            )
        return self._clients[kiosk]

    def take(self, arrival: Arrival) -> asyncio.Task[dict[str, Any]]:
        """Start the citizen's request at K2 or K3; the task's result is their entry."""
        kiosk = sorted(self.tokens)[arrival.index % len(self.tokens)]
        task = asyncio.create_task(self._take(kiosk, arrival), name=f"{kiosk}-{arrival.index}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)  # a soak's thousands are not kept
        return task

    async def _take(self, kiosk: str, arrival: Arrival) -> dict[str, Any]:
        body = {
            "idempotency_key": f"simday-{kiosk}-{arrival.index}",
            "service": arrival.service,
            "language": arrival.language,
            "priority": "elderly" if arrival.kind is Kind.PRIORITY else None,
        }
        started = time.monotonic()
        tries = 0
        while time.monotonic() - started < self.retry_limit_s:
            tries += 1
            try:
                answer = await self._client(kiosk).post("/api/v1/tickets", json=body)
            except httpx.HTTPError as exc:
                _LOGGER.debug("%s: central unreachable (%s), retrying", kiosk, exc)
                await asyncio.sleep(0.5)
                continue
            if answer.status_code in (200, 201):
                ticket = answer.json()
                return {
                    "kiosk": kiosk,
                    "how": "stand-in",
                    "number": ticket["number"],
                    "ticket": ticket,
                    "tries": tries,
                    "at_kiosk_s": round(time.monotonic() - started, 3),
                }
            if answer.status_code < 500:
                return {"kiosk": kiosk, "error": f"{answer.status_code}: {answer.text[:120]}"}
            await asyncio.sleep(0.5)
        return {"kiosk": kiosk, "error": "central unreachable for the whole retry limit"}

    def cancel(self) -> None:
        """Give up the requests under way (the run is being stopped)."""
        for task in self.tasks:
            task.cancel()

    async def close(self) -> None:
        """Wait for the requests under way and close the connections."""
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for client in self._clients.values():
            await client.aclose()
