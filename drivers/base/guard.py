"""The stop guard: a small real-time process between the daemon and the motor controller.

Why a process of its own: the daemon's safety thread already polls the bumpers and the
emergency stop at 200 Hz, but it needs Python's GIL, which the event loop, the screen and
the speech workers hold; on a loaded machine they are descheduled for tens to hundreds of
milliseconds with the GIL held, and the stop waits (BENCHMARKS.md: max 219 ms over 1,000
trials against a 30 ms bound). A separate process has its own interpreter and its own GIL,
and with ``SCHED_FIFO`` priority nothing at normal priority can delay it.

What it does (``?guard=1`` on the base URL; :func:`drivers.base.open_base` starts it):

- It owns the real serial port and makes a pseudo-terminal for the daemon's driver, which
  talks to it exactly as to the controller (same bytes: the packet framing of
  :mod:`drivers.base.protocol`). Complete packets only are forwarded, one at a time, and
  the controller's reply is passed back; a partial packet is dropped after the controller's
  own 10 ms resync gap, an unknown command at once (with a line on stderr).
- Status words the daemon asks for are read on the way back, and act like its own polls.
- Between packets it reads the status word itself (``poll_hz`` while the wheels are
  commanded to move and for a second after, while they brake; ``idle_poll_hz`` otherwise).
  An emergency stop or a bumper in that time makes it send zero speed at once and
  *latch*: motion commands from the daemon are replaced by zero speed, and the switch bits
  that caused the stop are kept set in the status words the daemon reads (a press shorter
  than the daemon's own poll is still seen there), until the switch is released and the
  daemon has read such a status word (its supervisor then keeps its own latch and asks a
  person to resume). A motion command while a switch is down is refused the same way.
- If the daemon stops talking while the wheels move (a stalled or killed process) for
  ``stale_s``, it stops the wheels, without a latch: the daemon's own watchdog (stale
  odometry) judges a stall it survives, and its next command is obeyed as the
  controller's would be.
- A lost port is reopened every 0.5 s; zero speed is sent first when it comes back (the
  daemon, which meanwhile got no answers, has stopped on stale odometry).
- With ``--lidar PORT`` it owns the RPLIDAR's port too and relays it on a second pty
  (:mod:`drivers.lidar.relay`): every batch of samples is checked against the protective
  field at the speed the daemon commands, with the daemon's own geometry
  (``--fields``, :class:`drivers.lidar.fields.FieldGeometry`), before it is passed on.
  Something inside while moving stops the wheels at once; motion commands are then
  refused until the daemon sends zero speed (its separation monitor, the second layer,
  has judged the same samples) or the field stays clear for ``--field-clear`` seconds.
- It sends zero speed when it starts (a guard restarted after one died finds the wheels
  as that one left them), and exits (zero speed first, if it can) on SIGTERM, or when its
  parent process dies.
- Its memory is locked (``mlockall``) and the garbage collector is off: no page fault and
  no collection pause delays a stop.

It reports on stdout: the pty's path as the first line (with ``--lidar``, the base's pty
and the lidar's, separated by a space), then one JSON line per stop it made
(``{"stop": "bumper"|"emergency-stop"|"stale-command"|"protective-field", "t":
monotonic, ...}``), which the parent logs (:mod:`drivers.base.guard_process`). It imports
only the standard library, pyserial and the protocol module (and, with a lidar, numpy and
:mod:`drivers.lidar`).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import pty
import select
import signal
import struct
import sys
import time
import tty
from typing import Any

import serial

from drivers.base import protocol as p
from drivers.realtime import lock_memory, raise_priority

#: SCHED_FIFO priority of the guard: above the daemon's safety thread (50)
DEFAULT_FIFO = 60
IDLE_REOPEN_S = 0.5
#: after the last motion command, polled at the fast rate this long (the wheels brake)
COAST_S = 1.0
SWITCHES = p.STATUS_ESTOP | p.STATUS_S4 | p.STATUS_S5
MOTION = (p.MIXED_SPEED.code, p.MIXED_SPEED_DISTANCE.code)


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies (prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)


def motion_speeds(packet: bytes) -> tuple[int, int] | None:
    """The (M1, M2) speeds of a motion command packet, else None."""
    if len(packet) < 2 or packet[1] not in MOTION:
        return None
    if packet[1] == p.MIXED_SPEED.code:
        left, right = struct.unpack(">ii", packet[2:10])
    else:
        left, _, right, _, _ = struct.unpack(">iIiIB", packet[2:19])
    return left, right


class StopGuard:
    """The relay and the guard: one thread, no locks, no allocation-heavy work."""

    def __init__(
        self,
        port: Any,
        *,
        address: int = 128,
        poll_hz: float = 200.0,
        idle_poll_hz: float = 20.0,
        stale_s: float = 0.3,
        reply_timeout_s: float = 0.01,
        report: Any = None,
        reopen: Any = None,
        counts_per_m: float = 4000.0,
    ) -> None:
        self.port: Any = port
        self.address = address
        self.period_s = 1.0 / poll_hz
        self.idle_period_s = 1.0 / idle_poll_hz
        self.stale_s = stale_s
        self.reply_timeout_s = reply_timeout_s
        self._report = report or (lambda line: None)
        self._reopen = reopen
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.moving = False
        #: the (M1, M2) speeds, encoder counts/s, the daemon last asked for (obeyed or not)
        self.requested = (0, 0)
        self.counts_per_m = counts_per_m
        #: the lidar relay (``--lidar``), else None
        self.lidar: Any = None
        #: a protective stop the daemon has not acknowledged with a zero-speed command
        self.field_latched = False
        self.clear_s = 1.0
        self.latched = False
        self.latched_bits = 0
        #: the daemon has read a status word showing the latched bits
        self._seen = False
        self.switch_down = False
        self.last_daemon_packet = time.monotonic()
        self._buffer = bytearray()
        self._last_byte = 0.0
        self._next_poll = 0.0
        self._lost_at = 0.0
        self._resync = False
        self._poll_started = self._previous_poll = 0.0
        self._motion_until = 0.0
        self._stop_packet = p.frame(address, p.MIXED_SPEED, p.pack_mixed_speed(0, 0))
        self._status_packet = p.frame(address, p.READ_STATUS)
        self.stops = 0
        self.forwarded = 0
        self.dropped = 0

    # --- the controller's side --------------------------------------------------------

    def _exchange(self, packet: bytes) -> bytes | None:
        """Write one packet to the controller and read its reply; None when the port is
        gone (it is then reopened later). A reply that is short, fails its CRC or is not
        the acknowledgement makes the next exchange wait out the resync gap and flush."""
        if self.port is None and not self._try_reopen():
            return None
        command = p.COMMANDS[packet[1]]
        want = 1 if command.reply_len is None else command.reply_len + 2
        try:
            if self._resync:
                time.sleep(p.RESYNC_GAP_S * 1.5)  # the controller drops the partial packet
                self.port.reset_input_buffer()
                self._resync = False
            elif self.port.in_waiting:
                self.port.reset_input_buffer()  # a late reply is not read as this one's
            self.port.write(packet)
            reply = bytes(self.port.read(want))
        except serial.SerialTimeoutException as exc:
            self._note(f"write timed out ({exc}); resynchronising")  # slow, not gone
            self._resync = True
            return b""
        except Exception as exc:  # noqa: BLE001 - any port failure: pulled cable, EIO, termios
            self._note(f"port lost: {type(exc).__name__}: {exc}")
            with contextlib.suppress(Exception):
                self.port.close()
            self.port = None
            self._lost_at = time.monotonic()
            return None
        if command.is_read:
            good = len(reply) == want and p.reply_crc_ok(packet[0], command, reply)
        else:
            good = reply == bytes((p.ACK,))
        self._resync = not good
        return reply

    def _try_reopen(self) -> bool:
        now = time.monotonic()
        if self._reopen is None or now - self._lost_at < IDLE_REOPEN_S:
            return False
        self._lost_at = now
        try:
            self.port = self._reopen()
        except Exception as exc:  # noqa: BLE001 - still gone
            self._note(f"reopen failed: {exc}")
            return False
        self.moving = False  # whatever the controller did meanwhile: zero speed first
        self._resync = True
        self._exchange(self._stop_packet)
        self._note("port back; zero speed sent")
        return True

    def stop_wheels(self, why: str, bits: int = 0, seen_at: float | None = None,
                    **detail: Any) -> None:
        """Zero speed now; with switch ``bits``, latch until the daemon has seen them in
        a status word (they are shown there meanwhile). ``seen_at``: when the status
        word (or lidar sample) showing the cause arrived (reported, to tell detection
        from sending); ``detail`` is added to the report."""
        for _ in range(3):  # a stop the controller did not take (noise, a partial packet)
            if self._exchange(self._stop_packet) == bytes((p.ACK,)):
                break
        if self.moving:
            self._motion_until = time.monotonic() + COAST_S
        self.latched = bits != 0
        self.latched_bits = bits
        self._seen = False
        self.moving = False
        self.stops += 1
        now = time.monotonic()
        self._report(json.dumps({
            "stop": why, "t": now, "seen_at": seen_at or now,
            # the poll that saw it: how long after the one before, how long it took
            "poll_gap_ms": round((self._poll_started - self._previous_poll) * 1000, 2),
            "poll_ms": round(((seen_at or now) - self._poll_started) * 1000, 2),
            **detail,
        }))

    def field_stop(self, distance_m: float, seen_at: float) -> None:
        """The lidar relay saw something in the protective field while moving: stop now
        and refuse motion until the daemon sends zero speed (its own separation monitor
        has then judged the same samples), or until the field has stayed clear for
        ``clear_s`` (a daemon that never noticed is not held for ever)."""
        self.stop_wheels("protective-field", 0, seen_at, distance_m=round(distance_m, 3))
        self.field_latched = True

    def forward_speed(self) -> tuple[float, bool]:
        """The forward speed the daemon asks for (m/s: the field is judged at it, also
        while a stop refuses it, so that the field is clear only when that speed would be
        safe) and whether any wheel is commanded to turn."""
        left, right = self.requested
        return (left + right) / 2 / self.counts_per_m, self.moving

    def poll(self) -> None:
        """Read the status word; stop on an emergency stop or a bumper."""
        reply = self._exchange(self._status_packet)
        if reply is None or len(reply) != 6 or not p.reply_crc_ok(self.address, p.READ_STATUS,
                                                                  reply):
            return  # silence or noise: judged by the daemon's staleness, as without a guard
        self._judge(int.from_bytes(reply[:4], "big"))

    def _judge(self, status: int) -> None:
        """A status word from the controller (our poll's, or one the daemon asked for)."""
        self.switch_down = bool(status & SWITCHES)
        if self.switch_down and (self.moving or (self.watching and not self.latched)):
            why = "emergency-stop" if status & p.STATUS_ESTOP else "bumper"
            self.stop_wheels(why, status & SWITCHES, time.monotonic())
        self._maybe_unlatch()

    def _poll_now(self) -> None:
        self._poll_started, self._previous_poll = time.monotonic(), self._poll_started
        self.poll()
        fast = self.watching
        self._next_poll = time.monotonic() + (self.period_s if fast else self.idle_period_s)

    @property
    def watching(self) -> bool:
        """Commanded to move, or was so within the last COAST_S (still braking)."""
        return self.moving or time.monotonic() < self._motion_until

    def _maybe_unlatch(self) -> None:
        """Release the latch once the switch is up and the daemon has read a status word
        showing it (its supervisor then keeps its own latch until a person resets it)."""
        if self.latched and self._seen and not self.switch_down:
            self.latched = False
            self.latched_bits = 0

    # --- the daemon's side ------------------------------------------------------------

    def _packet_len(self) -> int | None:
        """Length of the packet at the head of the buffer; 0 if it cannot be one."""
        if len(self._buffer) < 2:
            return None
        command = p.COMMANDS.get(self._buffer[1])
        return 0 if command is None else command.packet_len

    def take(self, data: bytes, now: float) -> None:
        """Bytes from the daemon's driver: forward every complete packet."""
        if self._buffer and now - self._last_byte > p.RESYNC_GAP_S:
            self.dropped += 1  # the controller would have dropped it too
            self._buffer.clear()
        self._buffer += data
        self._last_byte = now
        while (length := self._packet_len()) is not None:
            if length == 0:
                self._note(f"unknown command {self._buffer[:2].hex(' ')}: dropped")
                self.dropped += 1
                self._buffer.clear()
                return
            if len(self._buffer) < length:
                return
            packet = bytes(self._buffer[:length])
            del self._buffer[:length]
            if time.monotonic() >= self._next_poll:  # our poll first, between two packets
                self._poll_now()
            self._forward(packet)

    def _forward(self, packet: bytes) -> None:
        self.last_daemon_packet = time.monotonic()
        command = p.COMMANDS[packet[1]]
        speeds = motion_speeds(packet)
        if speeds is not None:
            wants_motion = speeds != (0, 0)
            self.requested = speeds
            if not wants_motion:
                self.field_latched = False  # the daemon stops too: it has seen the field
            if wants_motion and (self.latched or self.switch_down or self.field_latched):
                packet = self._stop_packet  # refused: a switch is down or the stop unseen
                command = p.MIXED_SPEED
                wants_motion = False
            if self.moving or wants_motion:
                self._motion_until = time.monotonic() + COAST_S
            self.moving = wants_motion
            if wants_motion:
                self._next_poll = min(self._next_poll, time.monotonic() + self.period_s)
        reply = self._exchange(packet)
        self.forwarded += 1
        status_reply = command is p.READ_STATUS and reply is not None and len(reply) == 6 \
            and p.reply_crc_ok(self.address, command, reply)
        if status_reply:  # the daemon's reads are samples too: the earliest one counts
            assert reply is not None
            self._judge(int.from_bytes(reply[:4], "big"))
        if status_reply and self.latched_bits:
            assert reply is not None
            status = int.from_bytes(reply[:4], "big") | self.latched_bits
            reply = p.read_reply(self.address, command, status.to_bytes(4, "big"))
            self._seen = True  # the daemon's supervisor now trips on it, if it had not
        if reply:
            os.write(self.master, reply)

    # --- the loop -----------------------------------------------------------------------

    def step(self, wait_s: float) -> None:
        """One turn: bytes from the daemon if any arrive within ``wait_s``, then the
        status poll and the staleness check when due."""
        lidar = self.lidar
        fds = [self.master] if lidar is None else [*lidar.fds(), self.master]
        ready, _, _ = select.select(fds, [], [], max(0.0, wait_s))
        if lidar is not None:
            for fd in ready:  # the sensor first: a protective stop before the relaying
                if fd != self.master:
                    lidar.ready(fd)
            lidar.tick()
            if self.field_latched and time.monotonic() - lidar.last_intrusion > self.clear_s:
                self.field_latched = False
        now = time.monotonic()
        if self.master in ready:
            try:
                data = os.read(self.master, 512)
            except OSError:
                data = b""  # the daemon closed its end; it may open it again
            if data:
                self.take(data, now)
        now = time.monotonic()
        if self.moving and now - self.last_daemon_packet > self.stale_s:
            self.stop_wheels("stale-command")
        if now >= self._next_poll:
            self._poll_now()

    def run(self, running: Any) -> None:
        """Serve until ``running()`` is false."""
        while running():
            # with a lidar, wake at least every 0.5 s to reopen a lost port
            wait = self._next_poll - time.monotonic()
            self.step(wait if self.lidar is None else min(wait, 0.5))

    def close(self) -> None:
        """Zero speed if the port is there, then close everything."""
        if self.port is not None:
            with contextlib.suppress(Exception):
                self.port.write(self._stop_packet)
                self.port.read(1)
                self.port.close()
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.lidar is not None:
            self.lidar.close()

    def _note(self, text: str) -> None:
        print(f"stop guard: {text}", file=sys.stderr, flush=True)


def _attach_lidar(guard: StopGuard, args: argparse.Namespace) -> str:
    """Relay and watch the lidar named on the command line; its pty's path."""
    from drivers.lidar.fields import FieldGeometry
    from drivers.lidar.relay import LidarRelay, LidarRelaySpec

    spec = LidarRelaySpec(
        args.lidar, args.lidar_baud, args.lidar_yaw, args.lidar_min_quality,
        args.lidar_max_range, FieldGeometry.from_dict(json.loads(args.fields)),
        args.field_clear,
    )  # fmt: skip
    guard.clear_s = spec.clear_s
    guard.lidar = LidarRelay(spec, speed=guard.forward_speed, stop=guard.field_stop,
                             note=guard._note)  # fmt: skip
    return str(guard.lidar.path)


def main(argv: list[str] | None = None) -> int:
    """``python -m drivers.base.guard PORT``: serve; print the pty path first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", help="the controller's port (a path or a pyserial URL)")
    parser.add_argument("--baud", type=int, default=115200)
    parser.add_argument("--address", type=int, default=128)
    parser.add_argument("--poll-hz", type=float, default=200.0)
    parser.add_argument("--idle-poll-hz", type=float, default=20.0)
    parser.add_argument("--stale", type=float, default=0.3, help="seconds without a command")
    parser.add_argument("--reply-timeout", type=float, default=0.01,
                        help="seconds; a controller answers in about 1 ms, and the "
                        "daemon's driver waits 20 ms for the guard's relay")
    parser.add_argument("--fifo", type=int, default=DEFAULT_FIFO, help="SCHED_FIFO priority")
    parser.add_argument("--counts-per-m", type=float, default=4000.0,
                        help="encoder counts per metre (the commanded speed for the field)")
    parser.add_argument("--lidar", help="the RPLIDAR's port: relay it and watch the field")
    parser.add_argument("--lidar-baud", type=int, default=115200)
    parser.add_argument("--lidar-yaw", type=float, default=0.0, help="mounting yaw, rad")
    parser.add_argument("--lidar-min-quality", type=int, default=0)
    parser.add_argument("--lidar-max-range", type=float, default=12.0)
    parser.add_argument("--field-clear", type=float, default=1.0,
                        help="seconds clear after which an unacknowledged stop is released")
    parser.add_argument("--fields", default="{}", help="the field geometry, JSON")
    args = parser.parse_args(argv)
    _die_with_parent()
    parent = os.getppid()

    def open_port() -> Any:
        return serial.serial_for_url(args.port, baudrate=args.baud,
                                     timeout=args.reply_timeout, write_timeout=0.05)

    try:
        port = open_port()
    except (serial.SerialException, OSError, ValueError) as exc:
        print(f"stop guard: cannot open {args.port}: {exc}", file=sys.stderr, flush=True)
        return 2

    def report(line: str) -> None:
        print(line, flush=True)

    guard = StopGuard(port, address=args.address, poll_hz=args.poll_hz,
                      idle_poll_hz=args.idle_poll_hz, stale_s=args.stale,
                      reply_timeout_s=args.reply_timeout, report=report, reopen=open_port,
                      counts_per_m=args.counts_per_m)
    # a guard started again after one died finds the wheels as that one left them
    guard._exchange(guard._stop_packet)
    paths = guard.path
    if args.lidar:
        try:
            paths += " " + _attach_lidar(guard, args)
        except ValueError as exc:
            print(f"stop guard: bad lidar options: {exc}", file=sys.stderr, flush=True)
            return 2
    running = [True]

    def stop(*_: object) -> None:
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    priority = raise_priority(args.fifo)
    gc.disable()  # a collection pause is exactly what this process exists to avoid
    locked = lock_memory()
    print(paths, flush=True)
    print(f"stop guard: serving {args.port}{' and ' + args.lidar if args.lidar else ''}"
          f"{', memory locked' if locked else ''} at {priority}", file=sys.stderr, flush=True)
    try:
        guard.run(lambda: running[0] and os.getppid() == parent)
    finally:
        guard.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
