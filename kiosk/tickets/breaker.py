"""A circuit breaker in front of central, so one outage costs one citizen one budget.

Written here rather than taken from pybreaker/aiobreaker because the policy is tiny and
specific: while the circuit is open the ticket desk does not call central at all; only the
background sync loop probes it, and the first success *within the citizen's budget* closes
the circuit again. A citizen never waits for a probe.

A success that took longer than the budget (central up but answering 2 s late) does not
close the circuit: the next citizen would only pay the whole budget again and get an
offline number anyway. So one outage, slow or dead, costs one citizen one budget.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)


class CircuitBreaker:
    """Counts failures in a row; opens after ``failures`` and closes on a success that came
    within ``close_within_s`` (the citizen budget)."""

    def __init__(
        self,
        failures: int,
        *,
        close_within_s: float = float("inf"),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = failures
        self.close_within_s = close_within_s
        self._clock = clock
        self._in_a_row = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        """True while citizens should get offline numbers without trying central."""
        return self._opened_at is not None

    @property
    def open_for_s(self) -> float:
        """How long the circuit has been open (0 when closed)."""
        return 0.0 if self._opened_at is None else self._clock() - self._opened_at

    def record_success(self, latency_s: float = 0.0) -> None:
        """Central answered after ``latency_s``: close the circuit if that was in time.

        A success slower than the budget proves nothing for the next citizen: it neither
        closes the circuit nor clears the failures counted so far.
        """
        if latency_s > self.close_within_s:
            _LOGGER.info(
                "central answered in %.2f s (budget %.2f s): not counted as back",
                latency_s,
                self.close_within_s,
            )
            return
        if self._opened_at is not None:
            _LOGGER.warning("central is back after %.1f s: circuit closed", self.open_for_s)
        self._in_a_row = 0
        self._opened_at = None

    def record_failure(self, reason: str) -> None:
        """Central failed; open the circuit after enough failures in a row."""
        self._in_a_row += 1
        if self._opened_at is None and self._in_a_row >= self._limit:
            self._opened_at = self._clock()
            _LOGGER.error(
                "central failed %d times in a row (%s): circuit open, issuing offline numbers",
                self._in_a_row,
                reason,
            )
