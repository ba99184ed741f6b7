"""The safety thread: the short path from a pressed bumper to a stop on the wire.

The control loop runs in asyncio, shared with the screen, speech and the network; under
load its tick can slip by tens of milliseconds. This thread does only the urgent part:
it reads the controller's status word (one 2-byte request, a 6-byte reply) at
``safety_poll_hz`` while the robot is commanded to move (and at ``idle_poll_hz`` when it
is not, which also notices a replugged cable), trips the supervisor on an e-stop or a
bumper, and trips it when odometry is about to go stale (which also catches a stalled
event loop: the controller keeps getting our reads, so its own serial timeout would
not fire). The stop is sent from this thread, under the driver's port lock.

It asks for ``SCHED_FIFO`` real-time priority (Linux, needs root or CAP_SYS_NICE; the
systemd unit grants it) and falls back to a raised nice value, then to normal priority,
logging which one it got. It runs only on a wall clock: in virtual time (fast
simulations) the control loop's own reads do the same checks.
"""

from __future__ import annotations

import logging
import threading
import time

from drivers.base import BaseError
from drivers.base.protocol import STATUS_ESTOP, STATUS_S4, STATUS_S5
from drivers.realtime import raise_priority
from navigation.supervisor import SafetySupervisor, StopReason

_LOGGER = logging.getLogger(__name__)


#: SCHED_FIFO priority of the safety thread (the robot's unit allows up to 60)
DEFAULT_FIFO = 50


def raise_thread_priority(fifo_priority: int = DEFAULT_FIFO) -> str:
    """Give the calling thread real-time priority if allowed; return what it got."""
    return raise_priority(fifo_priority)


class SafetyMonitor:
    """A daemon thread polling the base's safety inputs for one supervisor."""

    def __init__(
        self,
        supervisor: SafetySupervisor,
        *,
        poll_hz: float,
        idle_poll_hz: float = 5.0,
        realtime: bool = True,
    ) -> None:
        self.supervisor = supervisor
        self.period_s = 1.0 / poll_hz
        self.idle_period_s = 1.0 / idle_poll_hz
        self.realtime = realtime
        #: the priority the thread got ("SCHED_FIFO 50", "nice -15", "normal")
        self.priority = "not started"
        self.polls = 0
        #: the slowest polls (seconds), and the largest gap between two poll starts
        self.slowest_poll_s = 0.0
        self.largest_gap_s = 0.0
        self.failed_polls = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="safety-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    def poll_once(self) -> None:
        """One status read and the checks that follow it."""
        supervisor = self.supervisor
        if supervisor.odometry_deadline_passed():
            supervisor.trip(StopReason.STALE_ODOMETRY)
        if supervisor.commanded_moving and supervisor.lidar_stale():
            supervisor.trip(StopReason.LIDAR_LOST)
        try:
            status_state = supervisor.base.read_status(retries=0)
        except BaseError as exc:
            self.failed_polls += 1
            if exc.code == "base-port" and supervisor.commanded_moving:
                supervisor.trip(StopReason.LINK_LOST)
            return  # silence is judged by staleness, not by counting here
        self.polls += 1
        supervisor.check_switches(*status_flags(status_state))

    def _run(self) -> None:
        if self.realtime:
            self.priority = raise_thread_priority()
        else:
            self.priority = "normal"
        _LOGGER.info("safety monitor running at %s priority", self.priority)
        next_at = time.monotonic()
        last_start = None
        while not self._stopping.is_set():
            started = time.monotonic()
            moving = self.supervisor.commanded_moving
            if moving and last_start is not None:
                self.largest_gap_s = max(self.largest_gap_s, started - last_start)
            last_start = started if moving else None
            try:
                self.poll_once()
            except Exception:  # noqa: BLE001 - the safety thread must never die silently
                _LOGGER.exception("safety monitor poll failed")
            self.slowest_poll_s = max(self.slowest_poll_s, time.monotonic() - started)
            next_at += self.period_s if moving else self.idle_period_s
            now = time.monotonic()
            if next_at < now:
                next_at = now
            # sleep in short slices while idle so a new motion is watched at once
            while not self._stopping.is_set():
                left = next_at - time.monotonic()
                if left <= 0 or (not moving and self.supervisor.commanded_moving):
                    break
                time.sleep(min(left, self.period_s))


def status_flags(status: int) -> tuple[bool, bool]:
    """(e-stop, any bumper) from the controller's status word."""
    return bool(status & STATUS_ESTOP), bool(status & (STATUS_S4 | STATUS_S5))
