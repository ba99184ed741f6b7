"""``wait_until``: the one way a test waits for something asynchronous to happen.

It polls ``predicate`` until it is true or ``timeout_s`` has passed, then fails with a
message that says what was awaited and what was seen instead (``describe`` is called
only on failure). No test sleeps a fixed time before an assertion: a fixed sleep is too
short on a loaded machine and wasted time on an idle one.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable


def _message(
    predicate: Callable[[], object], timeout_s: float, describe: Callable[[], str] | str | None
) -> str:
    what = getattr(predicate, "__name__", "condition")
    if what == "<lambda>":  # name the condition by its source line: "lambda: flow in idle"
        try:
            what = inspect.getsource(predicate).strip()
        except (OSError, TypeError):
            pass
    seen = describe() if callable(describe) else describe
    return f"waited {timeout_s:g} s for {what}" + (f": {seen}" if seen else "")


async def _holds(predicate: Callable[[], object]) -> bool:
    result = predicate()
    if inspect.isawaitable(result):  # an async predicate: ask a server, read a socket
        result = await result
    return bool(result)


async def wait_until(
    predicate: Callable[[], object],
    timeout_s: float = 10.0,
    describe: Callable[[], str] | str | None = None,
    *,
    interval_s: float = 0.01,
) -> None:
    """Poll ``predicate`` (plain or async) on the running loop until it is true; fail after
    ``timeout_s`` naming what was awaited (and ``describe``'s account of what was seen)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not await _holds(predicate):
        if loop.time() >= deadline:
            raise AssertionError(_message(predicate, timeout_s, describe))
        await asyncio.sleep(interval_s)


def wait_until_sync(
    predicate: Callable[[], object],
    timeout_s: float = 10.0,
    describe: Callable[[], str] | str | None = None,
    *,
    interval_s: float = 0.01,
) -> None:
    """:func:`wait_until` for tests without an event loop (threads, processes)."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() >= deadline:
            raise AssertionError(_message(predicate, timeout_s, describe))
        time.sleep(interval_s)
