"""The lidar side of the stop guard: the protective field checked in a real-time process.

The daemon's separation monitor judges every lidar batch in the lidar's reader thread,
which needs Python's GIL; on a loaded host the threads holding it are descheduled and
the stop waits (BENCHMARKS.md: scan to stop p99 204 ms with two CPU burners). The stop
guard (:mod:`drivers.base.guard`, ``SCHED_FIFO``, its own interpreter) already owns the
base's port and sees every speed the daemon commands; with ``--lidar`` it owns the
lidar's port too, through this relay:

- It makes a pseudo-terminal for the daemon's RPLIDAR driver and passes bytes both ways
  unchanged (the driver's requests to the sensor, the sensor's answers and scan nodes
  back), so the daemon's driver, its warning field, make-way and localisation see exactly
  what they would see on the sensor's port. Bytes the daemon does not read in time are
  dropped (as a sensor's own buffer would overflow); the driver resynchronises.
- It follows the requests: after a SCAN it waits for the scan descriptor, then parses the
  nodes as they are read (:class:`drivers.lidar.protocol.NodeParser`), turns them into
  the robot's frame and checks them against the protective field at the commanded forward
  speed (:class:`drivers.lidar.fields.FieldGeometry`, the very code and settings of the
  daemon's check). Something inside while the wheels are commanded to move calls the
  guard's stop at once, before the bytes are relayed.
- The motor of an A1 runs while DTR is low: the relay holds DTR low on the real port (the
  driver's DTR on a pty reaches nothing). A lost port is reopened every 0.5 s.

Why not the daemon's own RPLIDAR driver here: it is a thread with its own loop and
reconnect logic that asks the sensor questions; the relay must ask nothing (the daemon's
driver does) and live in the guard's single select loop.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import serial

from drivers.lidar import protocol as p
from drivers.lidar.fields import FieldGeometry, points, robot_frame

REOPEN_S = 0.5
SCAN_DESCRIPTOR = p.descriptor(p.NODE_LEN, p.MODE_MULTIPLE, p.TYPE_SCAN)


@dataclass(frozen=True)
class LidarRelaySpec:
    """What the stop guard needs to relay and watch a lidar (its command-line options)."""

    port: str
    baud: int = 115200
    mount_yaw_rad: float = 0.0
    min_quality: int = 0
    max_range_m: float = 12.0
    geometry: FieldGeometry = field(default_factory=FieldGeometry)
    #: a protective stop the daemon never acknowledged is released after the field has
    #: been clear this long, seconds (the daemon's own ``field_clear_s``)
    clear_s: float = 1.0

    def argv(self) -> list[str]:
        """The guard's command-line options for this lidar."""
        import json

        return [f"--lidar={self.port}", f"--lidar-baud={self.baud}",
                f"--lidar-yaw={self.mount_yaw_rad}", f"--lidar-min-quality={self.min_quality}",
                f"--lidar-max-range={self.max_range_m}", f"--field-clear={self.clear_s}",
                f"--fields={json.dumps(self.geometry.as_dict())}"]  # fmt: skip


class LidarRelay:
    """The relay and the field check, driven by the guard's select loop.

    ``speed()`` gives the commanded forward speed (m/s) and whether any wheel is
    commanded to turn; ``stop(distance_m, seen_at)`` stops the wheels.
    """

    def __init__(
        self,
        spec: LidarRelaySpec,
        *,
        speed: Callable[[], tuple[float, bool]],
        stop: Callable[[float, float], None],
        note: Callable[[str], None],
        open_port: Callable[[], Any] | None = None,
    ) -> None:
        self.spec = spec
        self.geometry = spec.geometry
        self._speed = speed
        self._stop = stop
        self._note = note
        self._open_port = open_port or self._open_serial
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        flags = fcntl.fcntl(self.master, fcntl.F_GETFL)
        fcntl.fcntl(self.master, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self.path = os.ttyname(self.slave)
        self.port: Any = None
        self._lost_at = -REOPEN_S
        self._requests = p.RequestParser()
        self._nodes = p.NodeParser()
        #: "idle" (no scan asked for), "descriptor" (SCAN sent, waiting), "scanning"
        self.state = "idle"
        self._pending = bytearray()
        self.last_intrusion = -float("inf")
        self.bytes_in = self.bytes_relayed = self.bytes_dropped = 0
        self.nodes_checked = 0
        self.reopen()

    def _open_serial(self) -> Any:
        port = serial.serial_for_url(self.spec.port, baudrate=self.spec.baud, timeout=0,
                                     write_timeout=0.05)  # fmt: skip
        with contextlib.suppress(serial.SerialException, OSError, ValueError):
            port.dtr = False  # an A1's motor runs while DTR is low
        return port

    def reopen(self) -> bool:
        """Open the sensor's port (at most every REOPEN_S); True when it is open."""
        now = time.monotonic()
        if self.port is not None:
            return True
        if now - self._lost_at < REOPEN_S:
            return False
        self._lost_at = now
        try:
            self.port = self._open_port()
        except (serial.SerialException, OSError, ValueError) as exc:
            self._note(f"lidar {self.spec.port}: cannot open: {exc}")
            return False
        self._nodes.clear()
        self.state = "idle"  # whatever it was doing: the daemon's driver starts it again
        self._note(f"lidar {self.spec.port}: relayed on {self.path}")
        return True

    def _lost(self, exc: BaseException) -> None:
        self._note(f"lidar port lost: {type(exc).__name__}: {exc}")
        with contextlib.suppress(Exception):
            self.port.close()
        self.port = None
        self._lost_at = time.monotonic()
        self.state = "idle"

    def fds(self) -> list[int]:
        """The descriptors the guard's select waits on."""
        port = self.port
        return [self.master] if port is None else [port.fileno(), self.master]

    def ready(self, fd: int) -> None:
        """``fd`` (one of :meth:`fds`) is readable."""
        if fd == self.master:
            self._from_daemon()
        elif self.port is not None:
            self._from_sensor()

    def tick(self) -> None:
        """Between events: reopen a lost port."""
        if self.port is None:
            self.reopen()

    # --- the sensor's bytes -----------------------------------------------------------

    def _from_sensor(self) -> None:
        try:
            data = bytes(self.port.read(4096))
        except (serial.SerialException, OSError, TypeError) as exc:
            self._lost(exc)
            return
        if not data:
            return
        seen_at = time.monotonic()
        self.bytes_in += len(data)
        if self.state == "descriptor":
            self._pending += data
            found = self._pending.find(SCAN_DESCRIPTOR)
            if found >= 0:
                self.state = "scanning"
                self._check(bytes(self._pending[found + len(SCAN_DESCRIPTOR) :]), seen_at)
                self._pending.clear()
            else:
                del self._pending[: max(0, len(self._pending) - len(SCAN_DESCRIPTOR))]
        elif self.state == "scanning":
            self._check(data, seen_at)
        self._relay(data)

    def _check(self, data: bytes, seen_at: float) -> None:
        nodes = list(self._nodes.feed(data))
        if not nodes:
            return
        self.nodes_checked += len(nodes)
        angles, ranges = robot_frame(nodes, self.spec.mount_yaw_rad, self.spec.min_quality,
                                     self.spec.max_range_m)  # fmt: skip
        speed, moving = self._speed()
        distance = self.geometry.intrusion(*points(angles, ranges), speed)
        if distance is None:
            return
        self.last_intrusion = seen_at
        if moving:
            self._stop(distance, seen_at)

    def _relay(self, data: bytes) -> None:
        try:
            written = os.write(self.master, data)
        except BlockingIOError:
            written = 0  # the daemon does not read: its driver will resynchronise
        except OSError:
            written = 0
        self.bytes_relayed += written
        self.bytes_dropped += len(data) - written

    # --- the daemon's bytes -----------------------------------------------------------

    def _from_daemon(self) -> None:
        try:
            data = os.read(self.master, 512)
        except OSError:
            return  # the daemon closed its end (it reopens it)
        for command, _ in self._requests.feed(data):
            if command in (p.CMD_SCAN, p.CMD_FORCE_SCAN):
                self.state = "descriptor"
                self._pending.clear()
                self._nodes.clear()
            elif command in (p.CMD_STOP, p.CMD_RESET):
                self.state = "idle"
        if self.port is None:
            return  # a request into a pulled cable is lost, as on the wire
        try:
            self.port.write(data)
        except (serial.SerialException, OSError) as exc:
            self._lost(exc)

    def close(self) -> None:
        """Release the sensor's port and the pty."""
        if self.port is not None:
            with contextlib.suppress(Exception):
                self.port.close()
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)
