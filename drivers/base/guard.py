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
- It exits (zero speed first, if it can) on SIGTERM, or when its parent process dies.

It reports on stdout: the pty's path as the first line, then one JSON line per stop it
made (``{"stop": "bumper"|"emergency-stop"|"stale-command", "t": monotonic}``), which
the parent logs. It imports only the standard library, pyserial and the protocol module.
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
from drivers.realtime import raise_priority

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

    def stop_wheels(self, why: str, bits: int = 0, seen_at: float | None = None) -> None:
        """Zero speed now; with switch ``bits``, latch until the daemon has seen them in
        a status word (they are shown there meanwhile). ``seen_at``: when the status
        word showing the switch arrived (reported, to tell detection from sending)."""
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
        }))

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
            if wants_motion and (self.latched or self.switch_down):
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
        ready, _, _ = select.select([self.master], [], [], max(0.0, wait_s))
        now = time.monotonic()
        if ready:
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
            self.step(self._next_poll - time.monotonic())

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

    def _note(self, text: str) -> None:
        print(f"stop guard: {text}", file=sys.stderr, flush=True)


class GuardProcess:
    """The daemon's side: starts ``python -m drivers.base.guard`` on the controller's port
    and gives the pty path its driver opens; logs the guard's stop reports and stderr."""

    def __init__(self, port: str, *, baud: int, address: int, reply_timeout_s: float = 0.01,
                 start_timeout_s: float = 10.0, log: Any = None) -> None:
        self.port = port
        self.reply_timeout_s = reply_timeout_s
        self.baud = baud
        self.address = address
        self.start_timeout_s = start_timeout_s
        self.stops: list[dict[str, Any]] = []
        #: the scheduling the guard got ("SCHED_FIFO 60", "nice -15", "normal")
        self.priority = "starting"
        self.restarts = 0
        self._log = log or (lambda text: None)
        self.path = self._start()

    def _start(self) -> str:
        import subprocess
        import threading

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "drivers.base.guard", self.port, f"--baud={self.baud}",
             f"--address={self.address}", f"--reply-timeout={self.reply_timeout_s}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.proc.stdout is not None and self.proc.stderr is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], self.start_timeout_s)
        first = self.proc.stdout.readline().strip() if ready else ""
        if not first.startswith("/"):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=5)
            lines = (err or first or "no answer").strip().splitlines()
            raise OSError(f"the stop guard on {self.port} did not start: {lines[-1]}")
        for stream, handle in ((self.proc.stdout, self._stop_line),
                               (self.proc.stderr, self._stderr_line)):
            threading.Thread(target=self._pump, args=(stream, handle), daemon=True,
                             name="base-guard-log").start()
        return first

    def restart(self) -> str:
        """Start a new guard after the last one died; its pty path (a new one)."""
        self.close()
        self.restarts += 1
        self._log(f"TECHNICIAN: the stop guard on {self.port} had exited "
                  f"(code {self.proc.returncode}); starting it again")
        self.path = self._start()
        return self.path

    def _stderr_line(self, line: str) -> None:
        if line.startswith("stop guard: serving ") and " at " in line:
            self.priority = line.rsplit(" at ", 1)[1]
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
    def alive(self) -> bool:
        """True while the guard process runs."""
        return self.proc.poll() is None

    def close(self) -> None:
        """Stop the guard (it sends zero speed before it exits)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except Exception:  # noqa: BLE001 - a guard that will not end is killed
                self.proc.kill()
                self.proc.wait(timeout=5)


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
                      reply_timeout_s=args.reply_timeout, report=report, reopen=open_port)
    running = [True]

    def stop(*_: object) -> None:
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    priority = raise_priority(args.fifo)
    gc.disable()  # a collection pause is exactly what this process exists to avoid
    print(guard.path, flush=True)
    print(f"stop guard: serving {args.port} at {priority}", file=sys.stderr, flush=True)
    try:
        guard.run(lambda: running[0] and os.getppid() == parent)
    finally:
        guard.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
