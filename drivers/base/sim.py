"""A simulated RoboClaw driving a differential base: it speaks the packet-serial bytes.

:class:`SimController` is the controller and the robot in one: it parses requests exactly
as the controller does (a write is address, command, data, CRC; a read is address and
command alone, answered with data and a CRC over address, command and data; a bad
packet gets no answer; a gap over 10 ms drops a partial packet), keeps encoders, wheel
speeds with an acceleration limit and the robot's true pose, and honours the serial
timeout (command 14): when no valid packet arrived for that long, both motors stop by
themselves. Like the worst firmware, it resumes the last commanded speed on the next
valid packet of any kind after such a timeout stop (so a driver must send zero speed
first when it opens the port). The e-stop input (S3) latches and cuts the motors until it
is released and reset (command 200); the bumpers (S4/S5, "safe stop") cut the motors
while pressed. Tests can press the
bumpers, press the emergency stop, drain the battery, inject line noise and broken
replies, and read back every command and every simulated wheel speed.

Physics is integrated lazily in fixed steps up to the clock's ``now()`` whenever the
simulator is asked anything, so it runs in real time on a :class:`MonotonicClock` and as
fast as the driving code on a :class:`VirtualClock`.
"""

from __future__ import annotations

import logging
import math
import random
import struct
import threading
from dataclasses import dataclass, field
from typing import Literal

from drivers.base import protocol as p
from drivers.base.clock import Clock

_LOGGER = logging.getLogger(__name__)

ReplyFault = Literal["none", "silent", "short", "corrupt", "garbage"]


@dataclass(frozen=True)
class WheelSample:
    """The simulated robot at one physics step."""

    t: float
    x: float
    y: float
    left_mps: float
    right_mps: float


@dataclass
class SimLog:
    """What the simulator saw and did, for tests."""

    #: (time, left m/s, right m/s) of every speed command received
    commands: list[tuple[float, float, float]] = field(default_factory=list)
    #: every physics step with the true pose and wheel speeds
    wheels: list[WheelSample] = field(default_factory=list)
    #: (time, reason) each time the motors were stopped by the controller itself
    stops: list[tuple[float, str]] = field(default_factory=list)
    #: count of buffered distance commands executed
    distance_commands: int = 0
    #: packets dropped for a bad CRC or an unknown command
    dropped_packets: int = 0
    #: replies withheld or broken on purpose (drop_replies, reply_fault, noise)
    withheld_replies: int = 0
    #: base-clock time of the last reply sent whole and intact (no injected fault)
    last_intact_reply: float = -1.0
    #: every valid packet received, raw bytes as on the wire (the vendor-oracle tests compare them)
    packets: list[bytes] = field(default_factory=list)


class SimController:
    """The RoboClaw and the robot it drives (see module docstring)."""

    def __init__(
        self,
        clock: Clock,
        *,
        address: int = 128,
        counts_per_m: float = 4000.0,
        track_m: float = 0.42,
        accel_mps2: float = 1.5,
        battery_v: float = 25.2,
        pose: tuple[float, float, float] = (0.0, 0.0, 0.0),
        step_s: float = 0.005,
        seed: int = 0,
    ) -> None:
        self.clock = clock
        self.address = address
        self.counts_per_m = counts_per_m
        self.track_m = track_m
        self.accel_mps2 = accel_mps2
        self.step_s = step_s
        self.battery_v = battery_v
        #: braking of the motors cut by the e-stop or a safe-stop input, m/s^2
        self.brake_mps2 = 4.0
        self._estop_pressed = False
        self._estop_latched = False
        self.bumper_front = False
        self.bumper_rear = False
        #: how replies are broken: none, silent (no reply), short, corrupt (bad CRC), garbage
        self.reply_fault: ReplyFault = "none"
        #: the next N packets are executed but not answered (a lost reply)
        self.drop_replies = 0
        #: probability that a byte on the line (either way) gets one bit flipped
        self.noise = 0.0
        #: odometry error: encoder counts per true metre, left and right (1.0 = exact;
        #: worn or unevenly loaded wheels make them differ), and random slip per step
        #: (one sigma, a fraction of the step's travel)
        self.encoder_scale = (1.0, 1.0)
        self.slip = 0.0
        self.serial_timeout_s = 0.0
        #: the longest serial timeout this controller keeps (a setting it clamps, for tests)
        self.max_serial_timeout_s = 25.5
        self.log = SimLog()
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._x, self._y, self._theta = pose
        self._left = self._right = 0.0
        self._cmd_left = self._cmd_right = 0.0
        self._dist_left: float | None = None  # metres left of a distance command
        self._dist_right: float | None = None
        self._enc_left = self._enc_right = 0.0
        self._t = clock.now()
        self._last_valid = self._t
        self._timed_out = False
        self._buffer = bytearray()
        self._last_byte_wall = -1.0

    # --- safety inputs ---------------------------------------------------------------

    @property
    def estop(self) -> bool:
        """The emergency-stop input (S3) as the controller reports it: latched once pressed."""
        return self._estop_pressed or self._estop_latched

    @estop.setter
    def estop(self, pressed: bool) -> None:
        # pressing latches (the controller's latching e-stop mode): the status bit stays set
        # and the motors stay cut after release, until a reset-estop command (200)
        with self._lock:
            self._advance()
            self._estop_pressed = pressed
            if pressed and not self._estop_latched:
                self._estop_latched = True
                self._cut("emergency-stop")

    @property
    def safe_stop(self) -> bool:
        """S4/S5 (bumpers, "safe stop" inputs) pressed: motors cut while pressed."""
        return self.bumper_front or self.bumper_rear

    def _cut(self, reason: str) -> None:
        self._cmd_left = self._cmd_right = 0.0  # a cut drops the command, it does not pause it
        self._dist_left = self._dist_right = None
        self.log.stops.append((self.clock.now(), reason))

    # --- physics -------------------------------------------------------------------

    def _target(self, t: float) -> tuple[float, float]:
        timed_out = self.serial_timeout_s > 0 and t - self._last_valid > self.serial_timeout_s
        if timed_out and not self._timed_out:
            self.log.stops.append((self._last_valid + self.serial_timeout_s, "serial-timeout"))
        self._timed_out = timed_out
        if self.safe_stop and (self._cmd_left or self._cmd_right):
            self._cut("safe-stop")
        if timed_out or self._estop_latched or self.safe_stop:
            return 0.0, 0.0
        left, right = self._cmd_left, self._cmd_right
        if self._dist_left is not None and self._dist_left <= 0:
            left = 0.0
        if self._dist_right is not None and self._dist_right <= 0:
            right = 0.0
        return left, right

    def _advance(self) -> None:
        now = self.clock.now()
        while self._t + self.step_s <= now:
            dt = self.step_s
            self._t += dt
            tl, tr = self._target(self._t)
            cut = self._estop_latched or self.safe_stop
            dv = (self.brake_mps2 if cut else self.accel_mps2) * dt
            self._left += max(-dv, min(dv, tl - self._left))
            self._right += max(-dv, min(dv, tr - self._right))
            # encoders count what the wheels did, wrong by the wheels' scale error and slip
            slip_l = slip_r = 1.0
            if self.slip:
                slip_l += self._rng.gauss(0.0, self.slip)
                slip_r += self._rng.gauss(0.0, self.slip)
            self._enc_left += self._left * dt * self.encoder_scale[0] * slip_l
            self._enc_right += self._right * dt * self.encoder_scale[1] * slip_r
            if self._dist_left is not None:
                self._dist_left -= abs(self._left) * dt
            if self._dist_right is not None:
                self._dist_right -= abs(self._right) * dt
            v = (self._left + self._right) / 2
            w = (self._right - self._left) / self.track_m
            self._x += v * math.cos(self._theta) * dt
            self._y += v * math.sin(self._theta) * dt
            self._theta = math.atan2(math.sin(self._theta + w * dt), math.cos(self._theta + w * dt))
            if self._left or self._right:
                self.log.wheels.append(
                    WheelSample(self._t, self._x, self._y, self._left, self._right)
                )

    @property
    def pose(self) -> tuple[float, float, float]:
        """True pose (x, y, heading) now."""
        with self._lock:
            self._advance()
            return self._x, self._y, self._theta

    @property
    def wheel_speeds(self) -> tuple[float, float]:
        """Actual left and right wheel speeds now, m/s."""
        with self._lock:
            self._advance()
            return self._left, self._right

    def set_encoders(self, left_counts: int, right_counts: int) -> None:
        """Set both encoder counters (as a test would find them after a long day)."""
        with self._lock:
            self._advance()
            self._enc_left = left_counts / self.counts_per_m
            self._enc_right = right_counts / self.counts_per_m

    # --- bytes ---------------------------------------------------------------------

    def receive(self, data: bytes, wall_time: float) -> bytes:
        """Feed bytes from the line (arrived at ``wall_time``); return the bytes answered."""
        with self._lock:
            data = self._noisy(data)
            if self._buffer and wall_time - self._last_byte_wall > p.RESYNC_GAP_S:
                self._buffer.clear()
            self._last_byte_wall = wall_time
            self._buffer += data
            out = bytearray()
            while len(self._buffer) >= 2:
                if self._buffer[0] != self.address:
                    del self._buffer[0]  # not for us, or line noise
                    continue
                command = p.COMMANDS.get(self._buffer[1])
                if command is None:
                    # length unknown: the controller drops it and waits for the 10 ms gap
                    self.log.dropped_packets += 1
                    self._buffer.clear()
                    break
                size = command.packet_len
                if len(self._buffer) < size:
                    break
                packet = bytes(self._buffer[:size])
                del self._buffer[:size]
                if not command.is_read and p.crc16(packet[:-2]) != int.from_bytes(
                    packet[-2:], "big"
                ):
                    self.log.dropped_packets += 1
                    continue
                self.log.packets.append(packet)
                self._advance()
                self._last_valid = self.clock.now()
                data = packet[2:] if command.is_read else packet[2:-2]
                out += self._break(self._execute(command, data))
            return bytes(out)

    def _break(self, reply: bytes) -> bytes:
        if self.drop_replies > 0:
            self.drop_replies -= 1
            self.log.withheld_replies += 1
            return b""
        fault = self.reply_fault
        if fault == "none" and not self.noise:
            self.log.last_intact_reply = self.clock.now()
        else:
            self.log.withheld_replies += 1
        if fault == "silent":
            return b""
        if fault == "short":
            return reply[: max(0, len(reply) - 2)] if len(reply) > 1 else b""
        if fault == "corrupt":
            return reply[:-1] + bytes((reply[-1] ^ 0x5A,)) if len(reply) > 1 else b"\x00"
        if fault == "garbage":
            return bytes(self._rng.randrange(256) for _ in range(len(reply)))
        return self._noisy(reply)

    def _noisy(self, data: bytes) -> bytes:
        if not self.noise:
            return data
        return bytes(
            b ^ (1 << self._rng.randrange(8)) if self._rng.random() < self.noise else b
            for b in data
        )

    def _execute(self, command: p.Command, data: bytes) -> bytes:
        ack = bytes((p.ACK,))
        if command is p.SET_SERIAL_TIMEOUT:
            self.serial_timeout_s = min(data[0] / 10, self.max_serial_timeout_s)
            return ack
        if command is p.GET_SERIAL_TIMEOUT:
            return p.read_reply(self.address, command, bytes((round(self.serial_timeout_s * 10),)))
        if command is p.RESET_ESTOP:
            if not self._estop_pressed:
                self._estop_latched = False
            return ack
        if command is p.RESET_ENCODERS:
            self._enc_left = self._enc_right = 0.0
            return ack
        if command is p.READ_MAIN_BATTERY:
            tenths = struct.pack(">H", round(self.battery_v * 10))
            return p.read_reply(self.address, command, tenths)
        if command is p.MIXED_SPEED:
            m1, m2 = struct.unpack(">ii", data)
            self._set_speed(m1, m2, None, None)
            return ack
        if command is p.MIXED_SPEED_DISTANCE:
            m1, d1, m2, d2, _replace = struct.unpack(">iIiIB", data)
            self.log.distance_commands += 1
            self._set_speed(m1, m2, d1 / self.counts_per_m, d2 / self.counts_per_m)
            return ack
        if command is p.READ_ENCODERS:
            counts = struct.pack(
                ">ii",
                round(self._enc_left * self.counts_per_m),
                round(self._enc_right * self.counts_per_m),
            )
            return p.read_reply(self.address, command, counts)
        if command is p.READ_STATUS:
            status = (p.STATUS_ESTOP if self.estop else 0) | (
                p.STATUS_S4 if self.bumper_front else 0
            )
            status |= p.STATUS_S5 if self.bumper_rear else 0
            return p.read_reply(self.address, command, struct.pack(">I", status))
        raise AssertionError(f"command {command.name} has no simulation")  # pragma: no cover

    def _set_speed(self, m1: int, m2: int, dist1: float | None, dist2: float | None) -> None:
        self.log.commands.append((self.clock.now(), m1 / self.counts_per_m, m2 / self.counts_per_m))
        if self._estop_latched or self.safe_stop:
            return  # acknowledged, but the motors stay cut
        self._cmd_left = m1 / self.counts_per_m
        self._cmd_right = m2 / self.counts_per_m
        self._dist_left, self._dist_right = dist1, dist2
