"""Stopping ``kiosk simulate-day`` early: SIGTERM (``systemctl stop``, ``kill``, a CI
timeout) or SIGINT (Ctrl-C) ends the day cleanly instead of killing the process.

The first signal asks the running :class:`~kiosk.simday.day.Day` to stop: the citizens
being served are cut short (and counted apart, not as left without a number), the daemon,
the counters, the stand-in kiosks and the fault fixes are stopped, central is brought back
if a fault had it down (the report asks it what it holds), and the report of the part of
the day that ran is written, marked as stopped early. The process then exits with the
conventional ``128 + signal`` (143 for SIGTERM, 130 for SIGINT). A second signal while
stopping gets the default action (the process dies at once), for a stop that hangs.

A Python-level handler (``signal.signal``) is used rather than the event loop's
``add_signal_handler``: it is in place before the loop starts (while central starts) and
after it ends (while the report is drawn), where the loop's handler would not be.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.simday.day import Day, DayLog

_LOGGER = logging.getLogger(__name__)

SIGNALS = (signal.SIGTERM, signal.SIGINT)
"""The signals that stop a simulated day early."""


class StopRequest:
    """Catches :data:`SIGNALS` and hands the first one to the running day."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.stopped_day = False
        """True when a signal did cut a day short (not when it came after the day ended)."""
        self._target: tuple[asyncio.AbstractEventLoop, Callable[[], None]] | None = None
        self._previous: dict[int, object] = {}

    @property
    def requested(self) -> bool:
        """True once a stop signal arrived."""
        return self.signum is not None

    @property
    def name(self) -> str:
        """``"SIGTERM"`` or ``"SIGINT"`` (empty before a signal)."""
        return "" if self.signum is None else signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        """The conventional exit status of a process ended by the signal: 128 + its number."""
        return 128 + (self.signum or 0)

    def install(self) -> None:
        """Catch the signals (main thread only)."""
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._caught)

    def restore(self) -> None:
        """Put the previous handlers back."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._previous.clear()

    def attach(self, loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> None:
        """Call ``stop`` on ``loop`` when a signal comes (at once if one already came)."""
        self._target = (loop, stop)
        if self.requested:
            loop.call_soon_threadsafe(stop)

    def detach(self) -> None:
        """The day is over: a later signal is only remembered."""
        self._target = None

    def _caught(self, signum: int, _frame: FrameType | None) -> None:
        if self.signum is not None:  # the second one: no more waiting
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.signum = signum
        # no logging here: the handler may interrupt a write to the same stream (the day
        # logs its stop from the loop, in Day.request_stop)
        if self._target is not None:
            loop, stop = self._target
            loop.call_soon_threadsafe(stop)


async def run_day(day: Day, stop: StopRequest, *plan: Any) -> DayLog:
    """``day.run(*plan)``, stopped early (:meth:`Day.request_stop`) when ``stop`` catches
    a signal."""
    stop.attach(asyncio.get_running_loop(), lambda: day.request_stop(stop.name))
    try:
        log = await day.run(*plan)
    finally:
        stop.detach()
    stop.stopped_day = log.stopped is not None
    return log
