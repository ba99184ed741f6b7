"""Server-sent events for the pages: one feed per server process follows the floor log.

Why server-sent events (and no library): the pages only listen, browsers reconnect an
``EventSource`` by themselves, and the wire format is four lines of text; Starlette's
``StreamingResponse`` carries it. The feed reads ``floor_events`` once per change for
every open page together (twenty displays cost one query, not twenty): a request that
changed something pokes the feed right after its transaction committed, and a slow poll
picks up changes made by other server workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import StreamingResponse

from central.floor import events_after, last_id
from central.store import Store

_LOGGER = logging.getLogger(__name__)

POLL_S = 0.5
"""How often the feed looks for changes made by other server workers."""
PING_S = 10.0
"""Idle pages get a ping this often, so they can tell a live connection from a dead one."""
_KEEP = 500


class FloorFeed:
    """Follows the floor event log and wakes every subscribed page on new events."""

    def __init__(self, store: Store, poll_s: float = POLL_S) -> None:
        self._store = store
        self._poll_s = poll_s
        self._events: deque[dict[str, Any]] = deque(maxlen=_KEEP)
        self._waiters: set[asyncio.Event] = set()
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.last_id = -1  # -1: not read yet

    def poke(self) -> None:
        """Something changed here: look at the log now (call after the commit)."""
        if self._wake is not None:
            self._wake.set()

    def events_since(self, after: int) -> list[dict[str, Any]] | None:
        """Events newer than ``after`` still kept in memory, or None if some fell out."""
        if self._events and self._events[0]["id"] > after + 1 and after >= 0:
            return None
        return [e for e in self._events if e["id"] > after]

    async def _start(self) -> None:
        if self.last_id < 0:
            self.last_id = await self._store.run(last_id, read_only=True)
        if self._task is None or self._task.done():
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._follow(), name="floor-feed")

    async def _follow(self) -> None:
        assert self._wake is not None
        while self._waiters:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_s)
            self._wake.clear()
            try:
                new = await self._store.run(
                    functools.partial(events_after, after=self.last_id), read_only=True
                )
            except Exception as exc:  # a database hiccup must not end every page's stream
                _LOGGER.warning("floor feed: cannot read events: %s", exc)
                await asyncio.sleep(self._poll_s)
                continue
            if new:
                self._events.extend(new)
                self.last_id = new[-1]["id"]
                for waiter in self._waiters:
                    waiter.set()

    @contextlib.asynccontextmanager
    async def subscription(self) -> AsyncIterator[asyncio.Event]:
        """An event set whenever new floor events arrived (clear it after reading)."""
        waiter = asyncio.Event()
        self._waiters.add(waiter)
        try:
            await self._start()
            yield waiter
        finally:
            self._waiters.discard(waiter)

    async def close(self) -> None:
        """Stop following (server shutdown)."""
        self._waiters.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def feed_of(request: Request) -> FloorFeed:
    """The app's floor feed."""
    feed: FloorFeed = request.app.state.floor
    return feed


def sse_message(event: str, data: Any, event_id: int | None = None) -> bytes:
    """One server-sent event (JSON data on one line)."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: ".encode() + orjson.dumps(data) + b"\n\n"


Snapshot = Callable[[list[dict[str, Any]]], Awaitable[bytes | None]]


def stream(
    request: Request, snapshot: Snapshot, *, ping_s: float = PING_S, refresh_when_idle: bool = False
) -> StreamingResponse:
    """An SSE response: ``snapshot([])`` at once, then ``snapshot(new_events)`` on changes.

    ``snapshot`` returns the bytes to send, or None when the events do not concern this
    page. The browser is told to retry after one second when the connection drops. An idle
    stream sends a ``ping`` every ``ping_s`` (or ``snapshot([])`` if ``refresh_when_idle``).
    """
    feed = feed_of(request)

    async def body() -> AsyncIterator[bytes]:
        async with feed.subscription() as waiter:
            seen = feed.last_id
            yield b"retry: 1000\n\n"
            first = await snapshot([])
            if first is not None:
                yield first
            while True:
                try:
                    await asyncio.wait_for(waiter.wait(), ping_s)
                except TimeoutError:
                    refreshed = await snapshot([]) if refresh_when_idle else None
                    yield refreshed or sse_message("ping", {"last_id": feed.last_id})
                    continue
                waiter.clear()
                new = feed.events_since(seen) or []
                seen = feed.last_id
                message = await snapshot(new)
                if message is not None:
                    yield message

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)
