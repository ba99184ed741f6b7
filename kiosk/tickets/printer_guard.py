"""The printer's failure memory: a printer known to be failing is not waited on again.

A blackholed network printer costs ``printer_timeout_s`` (or two: connect, then status)
each time it is tried. Without memory every citizen would pay that for every ticket; here
the first failure marks the printer *failing* (with its error code), later tickets skip the
printer at once and are journaled as not printed with that code, and a background
:meth:`PrinterGuard.probe` asks the printer for its status every few seconds until it
answers ready again. Citizens never wait for a probe: the probe runs in a worker thread
under the same lock as printing, and a ticket arriving during a probe of a failing printer
does not wait for it.

A job the printer cannot encode (:class:`PrinterJobInvalid`, a bug in the job) says
nothing about the printer and does not mark it failing.

Written here rather than with a generic circuit-breaker library because the "probe" is the
printer's own status query (DLE EOT), which only the driver can do, and the policy is a
dozen lines.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from drivers.printer.base import Printer, PrinterError, PrinterJobInvalid, PrintJob

_LOGGER = logging.getLogger(__name__)


class PrinterGuard:
    """Prints through one printer and remembers whether it is failing."""

    def __init__(self, printer: Printer, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.printer = printer
        self._clock = clock
        self._lock = asyncio.Lock()
        self._failing: PrinterError | None = None
        self._failing_since = 0.0
        #: how many tickets skipped the printer because it was known to be failing
        self.skipped = 0

    @property
    def failing(self) -> str | None:
        """The code of the error the printer is failing with, or None when it is fine."""
        return None if self._failing is None else self._failing.code

    @property
    def failing_for_s(self) -> float:
        """How long the printer has been failing (0 when it is fine)."""
        return 0.0 if self._failing is None else self._clock() - self._failing_since

    async def print_job(self, job: PrintJob) -> str | None:
        """Print ``job``; return None, or the error code to journal when it did not print.

        A printer known to be failing is not tried: the answer is immediate.
        """
        if self._failing is not None:
            self.skipped += 1
            _LOGGER.info(
                "ticket %s not printed: the printer is failing (%s) for %.0f s",
                job.label,
                self._failing.code,
                self.failing_for_s,
            )
            return self._failing.code
        async with self._lock:
            if self._failing is not None:  # failed while this job waited for the lock
                self.skipped += 1
                return self._failing.code
            try:
                await asyncio.to_thread(self.printer.print_job, job)
            except PrinterJobInvalid as exc:
                _LOGGER.error("TECHNICIAN: ticket %s cannot be printed (a bug): %s", job.label, exc)
                return exc.code
            except PrinterError as exc:
                self._mark_failing(exc, job.label)
                return exc.code
            except Exception as exc:  # noqa: BLE001 - an undocumented library error
                _LOGGER.exception("TECHNICIAN: ticket %s did not print", job.label)
                failure = PrinterError(f"{type(exc).__name__}: {exc}", code="printer-failed")
                self._mark_failing(failure, job.label)
                return failure.code
        return None

    async def probe(self) -> bool:
        """Ask a failing printer for its status; True when it is fine (again)."""
        if self._failing is None:
            return True
        if self._lock.locked():
            return False
        async with self._lock:
            try:
                status = await asyncio.to_thread(self.printer.status)
            except PrinterError as exc:
                _LOGGER.debug("printer probe: still failing (%s: %s)", exc.code, exc)
                return False
            if not status.ready:
                _LOGGER.debug("printer probe: not ready (%s)", status)
                return False
            _LOGGER.warning(
                "printer is back after %.0f s (was %s): printing again",
                self.failing_for_s,
                self._failing.code if self._failing else "?",
            )
            self._failing = None
        return True

    def _mark_failing(self, exc: PrinterError, label: str) -> None:
        self._failing = exc
        self._failing_since = self._clock()
        _LOGGER.error(
            "TECHNICIAN: ticket %s did not print (%s: %s); numbers are shown on screen and "
            "the printer is not tried again until it answers ready",
            label,
            exc.code,
            exc,
        )

    async def run_probe(self, interval_s: float) -> None:
        """Probe every ``interval_s`` while the printer is failing (a background task)."""
        while True:
            await asyncio.sleep(interval_s)
            if self._failing is not None:
                try:
                    await self.probe()
                except Exception:  # noqa: BLE001 - the probe must outlive any one failure
                    _LOGGER.exception("printer probe failed")
