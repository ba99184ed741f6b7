"""Keeping the pose right while driving: scan matches in the background, applied late.

A trip across the lobby is long enough for odometry's heading error to carry the robot
tens of centimetres off its path, more than a match at the next stop could pull back.
So while the robot drives roughly straight, :class:`PoseTracker` matches one revolution
every ``period_s`` against the map (:class:`navigation.localise.ScanMatcher`, a narrow
window, the scan's motion blur undone from the commanded speeds). The match runs in a
worker thread so the control loop never waits for it; when it is done, the correction
(the matched pose against odometry's pose at the scan's end, found in a short history)
is applied to odometry's pose now, so the motion since the scan is kept.

In virtual time (a simulation that runs as fast as the host allows) the worker's wall
time means nothing: left to itself, the result would land on whichever tick the busy or
idle host happened to finish it, and the same simulated trip would drive a different
path on every run (the crowded-lobby test met its walkers only on some runs, under
load). With ``apply_after_s`` the result is applied on the first tick at least that long
(on the clock) after the match started, waiting for the worker if it is not done yet, so
a simulation runs the same way every time.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import math
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from drivers.lidar import Lidar, ScanBatch
from navigation.follower import Odometry
from navigation.localise import Match, Pose, ScanMatcher

_LOGGER = logging.getLogger(__name__)


class PoseTracker:
    """Background scan matching for one trip's odometry (see module docstring)."""

    def __init__(
        self,
        matcher: ScanMatcher,
        lidar: Lidar,
        odometry: Odometry,
        *,
        period_s: float = 2.0,
        window_m: float = 0.2,
        window_deg: float = 4.0,
        max_turn_radps: float = 0.3,
        apply_after_s: float | None = None,
    ) -> None:
        self.matcher = matcher
        self.lidar = lidar
        self.odometry = odometry
        self.period_s = period_s
        self.window_m = window_m
        self.window_deg = window_deg
        self.max_turn_radps = max_turn_radps
        self.apply_after_s = apply_after_s
        self._history: deque[tuple[float, Pose]] = deque(maxlen=200)
        self._task: Future[Match] | None = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="pose-tracker")
        self._prior: Pose | None = None
        self._last_scan: float | None = None
        self._last_start = -math.inf
        self.accepted = 0
        self.refused = 0

    def _pose_at(self, t: float) -> Pose | None:
        times = [when for when, _ in self._history]
        index = bisect.bisect_left(times, t)
        if index >= len(times):
            return None  # not yet recorded
        if index == 0:
            return self._history[0][1] if times[0] - t < 0.05 else None
        (t0, p0), (t1, p1) = self._history[index - 1], self._history[index]
        return p1 if t1 - t < t - t0 else p0

    def step(self, now: float, linear: float, angular: float) -> None:
        """Record the pose, apply a finished match, maybe start the next (each tick)."""
        self._history.append((now, self.odometry.pose))
        task = self._task
        if task is not None and self.apply_after_s is not None:
            if now - self._last_start >= self.apply_after_s:
                self._apply(_result(task))  # virtual time: on this tick, done or not
                self._task = None
        elif task is not None and task.done():
            self._apply(_result(task))
            self._task = None
        if self._task is not None or now - self._last_start < self.period_s:
            return
        scan = self.lidar.latest_scan()
        if scan is None or scan.stamp == self._last_scan or abs(angular) > self.max_turn_radps:
            return
        prior = self._pose_at(scan.stamp)
        if prior is None:
            return
        self._last_scan, self._last_start, self._prior = scan.stamp, now, prior
        self._task = self._executor.submit(self._match, scan, prior, (linear, angular))

    def _match(self, scan: ScanBatch, prior: Pose, motion: tuple[float, float]) -> Match:
        return self.matcher.match(scan, prior, window_m=self.window_m,
                                  window_deg=self.window_deg, motion=motion)  # fmt: skip

    def _apply(self, match: Match | None) -> None:
        prior = self._prior
        if match is None or prior is None or not match.accepted:
            self.refused += 1
            return
        self.accepted += 1
        mx, my, mt = match.pose
        turn = match.turn_rad
        odo = self.odometry
        # move the pose now as the pose at the scan moved: rotate about it, then shift
        dx, dy = odo.x - prior[0], odo.y - prior[1]
        c, s = math.cos(turn), math.sin(turn)
        odo.x, odo.y = mx + c * dx - s * dy, my + s * dx + c * dy
        odo.theta = math.atan2(math.sin(odo.theta + turn), math.cos(odo.theta + turn))

    async def close(self) -> None:
        """Wait for a match still running (its result is dropped)."""
        if self._task is not None:
            await asyncio.gather(asyncio.wrap_future(self._task), return_exceptions=True)
            self._task = None
        self._executor.shutdown(wait=False)


def _result(task: Future[Match]) -> Match | None:
    """The match, waiting for it if needed; None when it failed (logged)."""
    try:
        return task.result()
    except Exception:  # noqa: BLE001 - a failed match only leaves odometry as it was
        _LOGGER.exception("background scan match failed")
        return None
