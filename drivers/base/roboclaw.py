"""RoboClaw (Basicmicro) base over packet serial, with pyserial.

Why not the vendor's ``basicmicro`` library (2.0.10, read for this module): its generic
write loop retries every write the same way, buffered distance commands included, which
can queue a distance twice after a lost acknowledgement; it takes any byte as the
acknowledgement instead of 0xFF; it writes a packet a few bytes per ``write`` call (gaps
that can pass the controller's 10 ms resync limit on a loaded host); and it reports most
failures as ``(False, 0)`` tuples rather than errors. The framing is small (see
:mod:`drivers.base.protocol`), so it is done here with a retry policy per command.

Every request is bounded: the whole reply must arrive within ``reply_timeout_s``
(pyserial's read timeout), writes within ``write_timeout_s``. A failed exchange waits
out the 10 ms resync gap and flushes the input before anything else is sent. The port
lock is held for one attempt at a time, so a stop from the safety thread never waits
behind a string of retries (at most :attr:`RoboClawBase.worst_exchange_s`).

A pulled cable (pyserial's ``SerialException``, ``OSError`` or ``termios.error`` from any
port call) closes the port and raises ``BaseLinkError`` with code ``base-port``; a
``TECHNICIAN:`` line names the port. Every later exchange tries to reopen the same path
(the udev name stays when the cable comes back) at most every ``reopen_interval_s``; once
open, zero speed and the serial timeout are sent again before anything else. A write that
times out is a ``base-write-timeout`` (a slow or stuck line), not a dead port.
"""

from __future__ import annotations

import logging
import os
import struct
import termios
import threading
import time
from typing import Any

from drivers.base import protocol as p
from drivers.base.base import (
    BaseLinkError,
    BaseReplyError,
    BaseSetupError,
    BaseSilentError,
    BaseState,
    RobotBase,
)
from drivers.base.clock import Clock, MonotonicClock
from drivers.errors import BaseCode

_LOGGER = logging.getLogger(__name__)


class RoboClawBase(RobotBase):
    """A differential base on a RoboClaw: M1 drives the left wheel, M2 the right."""

    def __init__(
        self,
        port: str,
        *,
        baud: int = 115200,
        address: int = 128,
        counts_per_m: float = 4000.0,
        track_m: float = 0.42,
        max_wheel_mps: float = 1.2,
        reply_timeout_s: float = 0.02,
        write_timeout_s: float = 0.05,
        retries: int = 2,
        spy: bool = False,
        clock: Clock | None = None,
        reopen_interval_s: float = 0.5,
    ) -> None:
        import serial  # the serial backend stays inside the backend that needs it

        self.port_name = port
        self.baud = baud
        self.address = address
        self.counts_per_m = counts_per_m
        self.track_m = track_m
        self.max_wheel_mps = max_wheel_mps
        self.reply_timeout_s = reply_timeout_s
        self.write_timeout_s = write_timeout_s
        self.retries = retries
        self.spy = spy
        self.clock = clock or MonotonicClock()
        self.reopen_interval_s = reopen_interval_s
        self._serial = serial
        self._write_timeout: type[Exception] = serial.SerialTimeoutException
        self._port_errors: tuple[type[BaseException], ...] = (
            serial.SerialException,
            OSError,
            termios.error,
        )
        self._lock = threading.Lock()
        self._timeout_s = 0.0
        self._last_reopen = -1e9
        #: the stop guard process owning the real port (``?guard=1``), else None
        self.guard: Any = None
        #: times the port was lost and reopened (for the health page)
        self.disconnects = 0
        self.reconnects = 0
        try:
            self._port: Any = self._open_port()
        except (serial.SerialException, OSError, ValueError) as exc:
            raise BaseLinkError(f"cannot open {port}: {exc}", code="base-port") from exc

    def _open_port(self) -> Any:
        # serial_for_url: a device path, or pyserial's socket://, spy://, loop:// URLs
        return self._serial.serial_for_url(
            self.port_name,
            baudrate=self.baud,
            timeout=self.reply_timeout_s,
            write_timeout=self.write_timeout_s,
        )

    @property
    def connected(self) -> bool:
        """True while the port is open (False between a pulled cable and its return)."""
        return self._port is not None

    @property
    def worst_exchange_s(self) -> float:
        """Longest one attempt holds the port: reply timeout, resync gap and a write."""
        return self.reply_timeout_s + p.RESYNC_GAP_S * 1.5 + 0.002

    # --- the port ----------------------------------------------------------------------

    def _port_lost(self, exc: BaseException) -> BaseLinkError:
        port, self._port = self._port, None
        self.disconnects += 1
        self._last_reopen = time.monotonic()
        _LOGGER.error(
            "TECHNICIAN: robot base port %s lost (%s: %s); the robot is stopped, "
            "reconnecting when the device comes back",
            self.port_name, type(exc).__name__, exc,
        )  # fmt: skip
        try:
            port.close()
        except Exception:  # noqa: BLE001 - a vanished device may fail to close in any way
            _LOGGER.debug("closing the lost port failed", exc_info=True)
        return BaseLinkError(f"{self.port_name}: {exc}", code="base-port")

    def _ensure_port(self) -> Any:
        """The open port, reopening a lost one (at most every reopen_interval_s)."""
        if self._port is not None:
            return self._port
        now = time.monotonic()
        if now - self._last_reopen < self.reopen_interval_s:
            raise BaseLinkError(f"{self.port_name}: port lost, not back yet", code="base-port")
        self._last_reopen = now
        if self.guard is not None and not self.guard.alive:
            try:  # the stop guard process died: a new one, on a new pty
                self.port_name = self.guard.restart()
            except OSError as exc:
                raise BaseLinkError(str(exc), code="base-port") from exc
        if not os.path.exists(self.port_name):
            raise BaseLinkError(f"{self.port_name}: device node is gone", code="base-port")
        try:
            port = self._open_port()
        except (self._serial.SerialException, OSError, termios.error, ValueError) as exc:
            raise BaseLinkError(
                f"{self.port_name}: reopen failed: {exc}", code="base-port"
            ) from exc
        self._port = port
        try:
            # whatever the controller was doing while we were away: zero speed first
            self._exchange_once(p.MIXED_SPEED, p.pack_mixed_speed(0, 0))
            if self._timeout_s:
                tenths = round(self._timeout_s * 10)
                self._exchange_once(p.SET_SERIAL_TIMEOUT, bytes((tenths,)))
        except BaseLinkError:
            if self._port is not None:
                self._resync()
            raise
        self.reconnects += 1
        _LOGGER.warning("TECHNICIAN: robot base port %s is back; zero speed sent", self.port_name)
        return port

    # --- framing -------------------------------------------------------------------

    def _read_reply(self, port: Any, want: int) -> bytes:
        return bytes(port.read(want))

    def _exchange_once(self, command: p.Command, data: bytes) -> bytes:
        packet = p.frame(self.address, command, data)
        want = 1 if command.reply_len is None else command.reply_len + 2
        port = self._ensure_port()
        try:
            port.write(packet)
            reply = self._read_reply(port, want)
        except self._write_timeout as exc:
            raise BaseLinkError(
                f"{command.name}: write timed out ({exc})", code="base-write-timeout"
            ) from exc
        except self._port_errors as exc:
            raise self._port_lost(exc) from exc
        if self.spy:
            _LOGGER.info("base tx %s rx %s", packet.hex(" "), reply.hex(" ") or "-")
        if not reply:
            raise BaseSilentError(f"{command.name}: no reply within the timeout")
        if len(reply) < want:
            raise BaseReplyError(
                f"{command.name}: short reply {reply.hex(' ')} ({len(reply)} of {want} bytes)",
                code="base-reply-short",
            )
        if command.reply_len is None:
            if reply != bytes((p.ACK,)):
                raise BaseReplyError(
                    f"{command.name}: expected ack ff, got {reply.hex()}", code="base-reply-garbage"
                )
            return b""
        if not p.reply_crc_ok(self.address, command, reply):
            raise BaseReplyError(
                f"{command.name}: CRC mismatch in {reply.hex(' ')}", code="base-reply-crc"
            )
        return reply[:-2]

    def _resync(self) -> None:
        # the controller drops a partial packet after a 10 ms gap; wait it out, then drop
        # whatever late bytes arrived so the next reply is read from its start
        time.sleep(p.RESYNC_GAP_S * 1.5)
        port = self._port
        if port is None:
            return
        try:
            port.reset_input_buffer()
        except self._port_errors as exc:
            raise self._port_lost(exc) from exc

    def exchange(
        self, command: p.Command, data: bytes = b"", *, retries: int | None = None
    ) -> bytes:
        """Send one command and return its reply data; retried only when idempotent.

        ``retries`` overrides the driver's default for this call. The port lock is
        released between attempts, so an urgent stop can go out between them.
        """
        allowed = self.retries if retries is None else retries
        attempts = 1 + (allowed if command.idempotent else 0)
        for attempt in range(attempts):
            with self._lock:
                try:
                    return self._exchange_once(command, data)
                except BaseLinkError as exc:
                    _LOGGER.debug("%s attempt %d failed: %s", command.name, attempt + 1, exc)
                    if exc.code is not BaseCode.PORT:
                        self._resync()
                    if exc.code is BaseCode.PORT or attempt + 1 == attempts:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    # --- RobotBase -------------------------------------------------------------------

    def set_serial_timeout(self, seconds: float) -> None:
        """Set command 14 (tenths of a second) and read it back with command 15."""
        tenths = round(seconds * 10)
        if not 1 <= tenths <= 255:
            raise BaseSetupError(f"serial timeout {seconds} s is outside 0.1..25.5 s")
        self.exchange(p.SET_SERIAL_TIMEOUT, bytes((tenths,)))
        confirmed = self.exchange(p.GET_SERIAL_TIMEOUT)[0]
        if confirmed != tenths:
            raise BaseSetupError(
                f"controller kept serial timeout {confirmed / 10} s instead of {tenths / 10} s"
            )
        self._timeout_s = confirmed / 10
        _LOGGER.info("base serial timeout set to %.1f s", self._timeout_s)

    @property
    def serial_timeout_s(self) -> float:
        """The serial timeout the controller confirmed, seconds (0 before it was set)."""
        return self._timeout_s

    def wheel_speeds(self, linear_mps: float, angular_radps: float) -> tuple[float, float]:
        """Left and right wheel speeds for body speeds, clipped to max_wheel_mps."""
        half = angular_radps * self.track_m / 2
        left, right = linear_mps - half, linear_mps + half
        scale = max(abs(left), abs(right), self.max_wheel_mps) / self.max_wheel_mps
        return left / scale, right / scale

    def set_velocity(
        self, linear_mps: float, angular_radps: float, *, retries: int | None = None
    ) -> None:
        """Command 37 (mixed speed) in counts per second."""
        left, right = self.wheel_speeds(linear_mps, angular_radps)
        data = p.pack_mixed_speed(round(left * self.counts_per_m), round(right * self.counts_per_m))
        self.exchange(p.MIXED_SPEED, data, retries=retries)

    def stop(self) -> None:
        """Zero speed on both wheels (command 37 with zeros), one attempt then one retry."""
        self.exchange(p.MIXED_SPEED, p.pack_mixed_speed(0, 0), retries=1)

    def reset_estop(self) -> None:
        """Clear the controller's latched emergency stop (command 200)."""
        self.exchange(p.RESET_ESTOP)

    def drive_distance(self, left_m: float, right_m: float, speed_mps: float) -> None:
        """Buffered distance move (command 43); never retried, as a repeat would add up."""
        qpps = round(abs(speed_mps) * self.counts_per_m)
        data = p.pack_mixed_speed_distance(
            qpps if left_m >= 0 else -qpps,
            round(abs(left_m) * self.counts_per_m),
            qpps if right_m >= 0 else -qpps,
            round(abs(right_m) * self.counts_per_m),
            queue=False,
        )
        self.exchange(p.MIXED_SPEED_DISTANCE, data)

    def read_status(self, *, retries: int | None = None) -> int:
        """The 32-bit status word (command 90): e-stop, bumpers, warnings."""
        (status,) = struct.unpack(">I", self.exchange(p.READ_STATUS, retries=retries))
        return int(status)

    def read_state(self, *, battery: bool = False, retries: int | None = None) -> BaseState:
        """Status (90), encoders (78) and, when asked, main battery (24)."""
        # status first: a pressed bumper reaches the supervisor one exchange sooner
        status = self.read_status(retries=retries)
        left_counts, right_counts = struct.unpack(
            ">ii", self.exchange(p.READ_ENCODERS, retries=retries)
        )
        volts = None
        if battery:
            (tenths,) = struct.unpack(">H", self.exchange(p.READ_MAIN_BATTERY, retries=retries))
            volts = tenths / 10
        return BaseState(
            left_m=left_counts / self.counts_per_m,
            right_m=right_counts / self.counts_per_m,
            battery_v=volts,
            estop=bool(status & p.STATUS_ESTOP),
            bumper_front=bool(status & p.STATUS_S4),
            bumper_rear=bool(status & p.STATUS_S5),
            status_bits=status,
            stamp=self.clock.now(),
        )

    def close(self) -> None:
        """Close the port (the controller's serial timeout then stops the motors), and
        the stop guard process if the port is its pseudo-terminal."""
        port, self._port = self._port, None
        if self.guard is not None:
            self.guard.close()
        if port is None:
            return
        try:
            port.close()
        except self._port_errors:
            _LOGGER.warning("closing %s failed", self.port_name, exc_info=True)
