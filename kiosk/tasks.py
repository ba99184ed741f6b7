"""The daemon's one event queue, and tasks that never fail silently.

Every part of the kiosk (screen, voice, robot, camera, central, timers) reports by posting
a typed event to one :class:`Inbox`; the daemon is the only reader. Long work runs as
asyncio tasks, and a task that dies of an exception nobody expected must not leave the
flow waiting for an outcome that never comes: :func:`spawn` (and :func:`report_failure`
for a task made elsewhere) logs the traceback for the technician and posts
:class:`~kiosk.events.TaskFailed` with the task's name, which kiosk/inputs.py turns into
the flow event that leaves the waiting state. asyncio itself would only print "Task
exception was never retrieved" when the task is garbage-collected, long after the citizen
walked away.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from kiosk.events import KioskEvent, TaskFailed

_LOGGER = logging.getLogger(__name__)

Post = Callable[[KioskEvent], None]


class Inbox:
    """The queue every part posts to; :meth:`post` is safe from any thread once bound."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[KioskEvent] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = 0

    def bind(self) -> None:
        """Called from the running loop: events from other threads are handed to it."""
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The loop the inbox is bound to (None before the daemon runs)."""
        return self._loop

    def post(self, event: KioskEvent) -> None:
        """Put ``event`` on the queue."""
        if self._loop is not None and threading.get_ident() != self._thread:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, event)
        else:
            self.queue.put_nowait(event)

    async def get(self) -> KioskEvent:
        """The next event."""
        return await self.queue.get()


def report_failure(task: asyncio.Task[Any], name: str, post: Post) -> asyncio.Task[Any]:
    """When ``task`` ends with an exception, log it and post ``TaskFailed(name, ...)``."""

    def done(finished: asyncio.Task[Any]) -> None:
        if finished.cancelled():
            return
        exc = finished.exception()
        if exc is None:
            return
        _LOGGER.error(
            "TECHNICIAN: task %s failed: %s: %s", name, type(exc).__name__, exc, exc_info=exc
        )
        post(TaskFailed(name, f"{type(exc).__name__}: {exc}"[:300]))

    task.add_done_callback(done)
    return task


def spawn(coro: Coroutine[Any, Any, Any], name: str, post: Post) -> asyncio.Task[Any]:
    """Run ``coro`` as a task named ``name`` whose failure reaches the flow."""
    return report_failure(asyncio.ensure_future(coro), name, post)
