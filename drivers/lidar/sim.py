"""A simulated RPLIDAR A1: it answers the protocol's requests and streams scan nodes.

:class:`SimRPLidar` parses the host's requests (:class:`drivers.lidar.protocol.RequestParser`)
and answers GET_HEALTH, GET_INFO and SCAN / FORCE_SCAN with the descriptors and bodies a
real A1 sends; STOP and RESET end a scan; SET_PWM is recorded; express scan is not
offered (it gets no answer, as on old A1 firmware). While scanning it streams one 5-byte
node per sample, ``samples_per_rev`` per revolution at ``rotation_hz``, each range
ray-cast in :class:`drivers.lidar.world.SimWorld` from the robot's true pose at that
moment, with a little range noise. Like the worst case, it can be left scanning by a
previous client (``scanning=True``): nodes then arrive before any request, and a host
must STOP and drain before it asks anything. ``health_status`` fakes a sensor fault.

Samples are produced lazily up to the clock's ``now()`` by :meth:`SimRPLidar.emit_until`,
so the same simulator streams in real time on a wall clock and step by step in
virtual time.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

import numpy as np

from drivers.base.clock import Clock
from drivers.lidar import protocol as p
from drivers.lidar.world import SimWorld

#: model 0x18 = A1M8, firmware 1.29, hardware 7 (as a real A1 answers GET_INFO)
INFO = bytes((0x18, 29, 1, 7)) + bytes(range(0xA0, 0xB0))


@dataclass
class SimLidarLog:
    """What the simulated sensor received and did, for tests."""

    #: every request (command, payload) in order
    requests: list[tuple[int, bytes]] = field(default_factory=list)
    #: (clock time, ) of every scan start
    scans_started: list[float] = field(default_factory=list)
    nodes_sent: int = 0
    pwm: int | None = None
    #: clock time of the first echo emitted since ``first_echo_at`` was last set to None
    #: (on an empty floor: the first sample that shows a person)
    first_echo_at: float | None = None


class SimRPLidar:
    """The sensor (see module docstring)."""

    def __init__(
        self,
        world: SimWorld,
        clock: Clock,
        *,
        rotation_hz: float = 5.5,
        samples_per_rev: int = 360,
        noise_m: float = 0.005,
        scanning: bool = False,
        seed: int = 0,
    ) -> None:
        self.world = world
        self.clock = clock
        self.rotation_hz = rotation_hz
        self.samples_per_rev = samples_per_rev
        self.noise_m = noise_m
        #: (status, error code) answered to GET_HEALTH: 0 good, 1 warning, 2 error
        self.health_status: tuple[int, int] = (p.HEALTH_GOOD, 0)
        #: a sensor that stays in error after a reset
        self.stuck_error = False
        self.log = SimLidarLog()
        self._parser = p.RequestParser()
        self._rng = np.random.default_rng(seed)
        self._jitter = random.Random(seed)
        self._lock = threading.Lock()
        self.scanning = False
        self._sent = 0
        self._started_at = clock.now()
        if scanning:
            self._start_scan()

    @property
    def sample_rate(self) -> float:
        """Samples per second."""
        return self.rotation_hz * self.samples_per_rev

    def _start_scan(self) -> None:
        self.scanning = True
        self._started_at = self.clock.now()
        self._sent = 0
        self.log.scans_started.append(self._started_at)

    def receive(self, data: bytes) -> bytes:
        """Bytes from the host in; the answers (descriptors, bodies) out."""
        with self._lock:
            out = b""
            for command, payload in self._parser.feed(data):
                self.log.requests.append((command, payload))
                out += self._execute(command, payload)
            return out

    def _execute(self, command: int, payload: bytes) -> bytes:
        if command in (p.CMD_STOP, p.CMD_RESET):
            self.scanning = False
            if command == p.CMD_RESET and not self.stuck_error:
                self.health_status = (p.HEALTH_GOOD, 0)
            return b""
        if command == p.CMD_SET_PWM and len(payload) == 2:
            self.log.pwm = int.from_bytes(payload, "little")
            return b""
        if command in (p.CMD_SCAN, p.CMD_FORCE_SCAN):
            self._start_scan()
            return p.descriptor(p.NODE_LEN, p.MODE_MULTIPLE, p.TYPE_SCAN)
        if self.scanning:
            return b""  # a scanning sensor ignores other requests
        if command == p.CMD_GET_HEALTH:
            status, code = self.health_status
            body = bytes((status, code >> 8, code & 0xFF))
            return p.descriptor(p.HEALTH_LEN, p.MODE_SINGLE, p.TYPE_HEALTH) + body
        if command == p.CMD_GET_INFO:
            return p.descriptor(p.INFO_LEN, p.MODE_SINGLE, p.TYPE_INFO) + INFO
        return b""  # express scan and unknown commands: no answer

    def emit_until(self, t: float) -> bytes:
        """The nodes of every sample due by clock time ``t`` (empty when not scanning)."""
        with self._lock:
            if not self.scanning:
                return b""
            due = int((t - self._started_at) * self.sample_rate)
            count = due - self._sent
            if count <= 0:
                return b""
            count = min(count, self.samples_per_rev * 2)  # a stalled host loses old samples
            first = due - count
            index = np.arange(first, due)
            step = 360.0 / self.samples_per_rev
            angles_deg = (index % self.samples_per_rev) * step + self._jitter.uniform(0, step / 4)
            x, y, theta = self.world.pose()
            # the sensor turns clockwise: sample angle a looks at heading theta - a
            ranges = self.world.cast((x, y, theta), theta - np.radians(angles_deg), t)
            noisy = np.where(
                ranges > 0, ranges + self._rng.normal(0.0, self.noise_m, len(ranges)), 0.0
            )
            self._sent = due
            self.log.nodes_sent += count
            if self.log.first_echo_at is None and bool((noisy > 0).any()):
                self.log.first_echo_at = self.clock.now()
            chunks = []
            for k, angle, distance in zip(index, angles_deg, noisy, strict=True):
                quality = 47 if distance > 0 else 0
                chunks.append(
                    p.encode_node(
                        float(angle), max(0.0, float(distance)) * 1000, quality,
                        new_scan=int(k) % self.samples_per_rev == 0,
                    )
                )  # fmt: skip
            return b"".join(chunks)

    def revolution_s(self) -> float:
        """Time of one revolution, seconds."""
        return 1.0 / self.rotation_hz
