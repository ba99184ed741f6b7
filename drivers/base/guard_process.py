"""The daemon's side of the stop guard: start it, hand its ptys to the drivers, restart it.

:class:`GuardProcess` starts ``python -m drivers.base.guard`` (:mod:`drivers.base.guard`)
on the controller's port, and with a :class:`drivers.lidar.relay.LidarRelaySpec` on the
lidar's port too. The drivers open stable names in a private directory (``base`` and
``lidar``, symlinks to the guard's ptys, as udev keeps ``/dev/kiosk-base``), so a guard
started again after it died is reached under the same names: the base driver reopens
its port as after a replugged cable, the lidar driver restarts the sensor as after a
silent one. A keeper thread restarts a guard that exits while it is wanted (the lidar
relay must come back even while the base driver is idle); the base driver asks for the
same when its port fails, and whichever comes first starts the one new guard.

Every guard is started by the keeper, a thread that lives as long as the daemon: the
guard asks Linux to end it when its parent dies (``PR_SET_PDEATHSIG``), and Linux means
the parent *thread*, so a guard started from a short-lived worker thread would be
killed when that thread ends.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drivers.lidar.relay import LidarRelaySpec

_LOGGER = logging.getLogger(__name__)


class GuardProcess:
    """Starts the stop guard and gives the paths its drivers open (see module docstring);
    logs the guard's stop reports and its stderr."""

    def __init__(
        self,
        port: str,
        *,
        baud: int,
        address: int,
        reply_timeout_s: float = 0.01,
        counts_per_m: float = 4000.0,
        lidar: LidarRelaySpec | None = None,
        start_timeout_s: float = 10.0,
        log: Any = None,
    ) -> None:
        self.port = port
        self.reply_timeout_s = reply_timeout_s
        self.baud = baud
        self.address = address
        self.counts_per_m = counts_per_m
        self.lidar = lidar
        self.start_timeout_s = start_timeout_s
        self.stops: list[dict[str, Any]] = []
        #: the scheduling the guard got ("SCHED_FIFO 60, memory locked", "nice -15", ...)
        self.priority = "starting"
        self.restarts = 0
        self._log = log or (lambda text: None)
        self._lock = threading.Lock()
        self._closing = False
        self._wanted = threading.Event()
        self._done = threading.Event()
        self._error: OSError | None = None
        self._gave_up_on: Any = None
        self.proc: subprocess.Popen[str] | None = None
        self._dir = tempfile.mkdtemp(prefix="kiosk-guard-")
        #: the base driver's port: a stable link to the guard's pty
        self.path = os.path.join(self._dir, "base")
        #: the lidar driver's port (None without a lidar)
        self.lidar_path = os.path.join(self._dir, "lidar") if lidar is not None else None
        threading.Thread(target=self._keep, daemon=True, name="base-guard-keeper").start()
        try:
            self._start_in_keeper()
        except OSError:
            self._closing = True
            shutil.rmtree(self._dir, ignore_errors=True)
            raise

    def _start_in_keeper(self) -> None:
        """Have the keeper thread start a guard; raise its OSError if it did not start."""
        self._done.clear()
        self._error = None
        self._wanted.set()
        self._done.wait()
        if self._error is not None:
            raise self._error

    def _keep(self) -> None:
        """Start guards when asked; start a new one when the running one exits."""
        while not self._closing:
            if self._wanted.wait(0.1):
                self._wanted.clear()
                try:
                    self._start()
                except OSError as exc:
                    self._error = exc
                    self._gave_up_on = self.proc
                self._done.set()
                continue
            proc = self.proc
            dead = proc is not None and proc.poll() is not None and proc is not self._gave_up_on
            if not dead or self._closing or not self._lock.acquire(blocking=False):
                continue  # (a restart() holding the lock waits for this thread: it serves)
            try:
                self.restarts += 1
                code = proc.returncode if proc is not None else None
                self._log(f"TECHNICIAN: the stop guard on {self.port} had exited "
                          f"(code {code}); starting it again")  # fmt: skip
                self._start()
            except OSError as exc:
                self._gave_up_on = self.proc
                self._log(f"TECHNICIAN: {exc}")
            finally:
                self._lock.release()

    def _start(self) -> None:
        argv = [sys.executable, "-m", "drivers.base.guard", self.port, f"--baud={self.baud}",
                f"--address={self.address}", f"--reply-timeout={self.reply_timeout_s}",
                f"--counts-per-m={self.counts_per_m}"]  # fmt: skip
        if self.lidar is not None:
            argv += self.lidar.argv()
        # one thread: numpy's BLAS pool would only add threads and locked memory
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.proc = proc
        assert proc.stdout is not None and proc.stderr is not None
        ready, _, _ = select.select([proc.stdout], [], [], self.start_timeout_s)
        first = proc.stdout.readline().strip() if ready else ""
        paths = first.split(" ")
        if not first.startswith("/") or len(paths) != (2 if self.lidar else 1):
            proc.kill()
            _, err = proc.communicate(timeout=5)
            lines = (err or first or "no answer").strip().splitlines()
            raise OSError(f"the stop guard on {self.port} did not start: {lines[-1]}")
        self._link(paths[0], self.path)
        if self.lidar_path is not None:
            self._link(paths[1], self.lidar_path)
        for stream, handle in ((proc.stdout, self._stop_line),
                               (proc.stderr, self._stderr_line)):  # fmt: skip
            threading.Thread(target=self._pump, args=(stream, handle), daemon=True,
                             name="base-guard-log").start()  # fmt: skip

    @staticmethod
    def _link(target: str, link: str) -> None:
        tmp = f"{link}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.symlink(target, tmp)
        os.replace(tmp, link)

    def restart(self) -> str:
        """Start a new guard if the last one died (once, whoever asks first); the path
        the base driver opens (the same link)."""
        with self._lock:
            if self._closing or self.alive:
                return self.path
            self.restarts += 1
            code = self.proc.returncode if self.proc is not None else None
            self._log(f"TECHNICIAN: the stop guard on {self.port} had exited "
                      f"(code {code}); starting it again")  # fmt: skip
            self._start_in_keeper()
            return self.path

    def _stderr_line(self, line: str) -> None:
        if line.startswith("stop guard: serving ") and " at " in line:
            self.priority = line.rsplit(" at ", 1)[1]
            if "memory locked" in line:
                self.priority += ", memory locked"
        self._log(line)

    def _stop_line(self, line: str) -> None:
        with contextlib.suppress(ValueError):
            self.stops.append(json.loads(line))
        self._log(f"stop guard stopped the wheels: {line}")

    @staticmethod
    def _pump(stream: Any, handle: Any) -> None:
        for line in stream:
            handle(line.strip())

    @property
    def protective_stops(self) -> int:
        """Stops the guard made for something in the lidar's protective field."""
        return sum(1 for s in self.stops if s.get("stop") == "protective-field")

    @property
    def alive(self) -> bool:
        """True while the guard process runs."""
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        """Stop the guard for good (it sends zero speed before it exits)."""
        self._closing = True
        self._end()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _end(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:  # a guard that will not end is killed
                self.proc.kill()
                self.proc.wait(timeout=5)
