"""Keep the kernel's tty buffer threads at real-time priority (``kiosk rt-tune``, as root).

Why: every byte a serial port receives (from a USB-serial adapter, or from a pty in the
simulators) reaches the reading process through the tty layer's buffer work, which Linux
runs in its unbound workqueue threads (``kworker/u*``) at normal priority. On a loaded
machine they wait behind CPU-bound processes, and so does every stop the stop guard
(:mod:`drivers.base.guard`) makes, however high the guard's own priority: over 1,000
bumper trials with two CPU burners the worst stop took 125 ms with those threads as the
kernel makes them, 27.8 ms with them at ``SCHED_FIFO 55`` (BENCHMARKS.md, stop latency).
The kiosk's own unit runs unprivileged and cannot see kernel threads; this runs in a
small root service of its own (``systemd/kiosk-rt.service``, installed on robots).

Why our own code: the usual tools raise interrupt threads (``rtirq``) or isolate CPUs
through kernel boot parameters (tuned's realtime profiles); none keeps unbound kernel
workers raised, and this kernel exposes no priority for that workqueue in sysfs. Raising
them once is not enough: the kernel starts a new worker at normal priority whenever a
pool runs out of idle ones (``kthread()`` resets the policy). So this follows the
kernel's process events (the netlink proc connector) and raises each new worker as soon
as it has its name, and rescans ``/proc`` every ``rescan_s`` for events it missed (the
connector drops events when the socket's buffer is full) or when the connector cannot
be used. Only the standard library: it runs as root and should be small enough to read.

The cost: the workers run every unbound work item at that priority, not only the tty's
(the kernel does not say which workqueue a worker will serve next), so a long one (heavy
disk writeback) runs ahead of every normal process. The kernel's real-time throttling
(``/proc/sys/kernel/sched_rt_runtime_us``, 95 % of each second by default) bounds that,
and a kiosk's heavy work is in its own processes (screen, speech, faces), not in kernel
work; a real-time kernel (``linux-image-rt-*``, where such work runs in threads that
can be told apart) is the finer tool where a robot image can have one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

#: SCHED_FIFO priority for the tty workers: above the daemon's safety thread (50), below
#: the stop guard (60), which waits for what they deliver and so never competes with them
DEFAULT_PRIORITY = 55
#: kernel threads whose name starts so: the unbound workqueue's workers, which run the
#: tty layer's buffer work (a pty's and a USB-serial adapter's alike)
DEFAULT_PREFIXES = ("kworker/u",)
KTHREADD_PID = 2

_NETLINK_CONNECTOR = 11
_CN_IDX_PROC = 1
_CN_VAL_PROC = 1
_PROC_CN_MCAST_LISTEN = 1
_NLMSG_DONE = 3
_NLMSG = struct.Struct("=IHHII")  # len, type, flags, seq, pid
_CN_MSG = struct.Struct("=IIIIHH")  # idx, val, seq, ack, len, flags
_EVENT = struct.Struct("=IIQ")  # what, cpu, timestamp_ns
_PROC_EVENT_FORK = 0x1
_PROC_EVENT_COMM = 0x200
#: how long a thread kthreadd just forked is watched (named, then kept raised), and how
#: often its name and policy are looked at meanwhile
_WATCH_S = 3.0
_WATCH_POLL_S = 0.002


class TuneError(OSError):
    """The threads' priority cannot be changed here (not root, no CAP_SYS_NICE)."""


def thread_name(pid: int) -> str | None:
    """The thread's name (``/proc/PID/comm``), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return None


def kernel_threads(prefixes: Iterable[str] = DEFAULT_PREFIXES) -> Iterator[tuple[int, str]]:
    """(pid, name) of every visible thread whose name starts with one of ``prefixes``."""
    wanted = tuple(prefixes)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            name = thread_name(int(entry))
            if name is not None and name.startswith(wanted):
                yield int(entry), name


def is_raised(pid: int, priority: int) -> bool:
    """Whether the thread runs at ``SCHED_FIFO`` at ``priority`` or above."""
    return (
        os.sched_getscheduler(pid) == os.SCHED_FIFO
        and os.sched_getparam(pid).sched_priority >= priority
    )


@dataclass
class Tuner:
    """Raises the matching kernel threads to ``SCHED_FIFO priority`` and remembers which,
    so that :meth:`restore` can put them back."""

    priority: int = DEFAULT_PRIORITY
    prefixes: tuple[str, ...] = DEFAULT_PREFIXES
    raised: set[int] = field(default_factory=set)
    #: how many threads were raised by each way of finding them: "scan" (a look through
    #: /proc: at start, or a thread the events missed), "event" (as the kernel named it)
    #: or "reset" (raised before, found lowered again)
    found_by: Counter[str] = field(default_factory=Counter)
    #: called with (pid, name, how) for every thread raised (the command logs them)
    on_raise: Callable[[int, str, str], None] = lambda pid, name, how: None

    def matches(self, name: str) -> bool:
        """Whether a thread of this name is one to raise."""
        return name.startswith(self.prefixes)

    def raise_thread(self, pid: int, name: str, how: str = "scan") -> bool:
        """Raise one thread unless it already is; False when it vanished meanwhile.
        :class:`TuneError` when not allowed."""
        try:
            if is_raised(pid, self.priority):
                return True
            if pid in self.raised:
                how = "reset"  # raised before, lowered since (by the kernel, or by hand)
            os.sched_setscheduler(pid, os.SCHED_FIFO, os.sched_param(self.priority))
        except ProcessLookupError:
            self.raised.discard(pid)
            return False
        except PermissionError as exc:
            raise TuneError(
                errno.EPERM,
                f"cannot set SCHED_FIFO {self.priority} on {name} (pid {pid}): needs root "
                "or CAP_SYS_NICE",
            ) from exc
        self.raised.add(pid)
        self.found_by[how] += 1
        self.on_raise(pid, name, how)
        return True

    def scan(self) -> int:
        """Raise every matching thread not yet raised; how many match in all."""
        found = 0
        for pid, name in kernel_threads(self.prefixes):
            found += self.raise_thread(pid, name)
        return found

    def restore(self) -> int:
        """Put the threads raised here back to normal priority; how many were."""
        restored = 0
        for pid in sorted(self.raised):
            name = thread_name(pid)
            if name is None or not self.matches(name):
                continue  # gone, or the pid is someone else's now
            with contextlib.suppress(OSError):
                os.sched_setscheduler(pid, os.SCHED_OTHER, os.sched_param(0))
                restored += 1
        self.raised.clear()
        return restored


class ProcEvents:
    """The kernel's process events (netlink proc connector): which threads were just
    forked by whom, and which were renamed. Needs root (CAP_NET_ADMIN) and the host's
    network namespace; :class:`OSError` when not available."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_CONNECTOR)
        try:
            self.sock.bind((0, _CN_IDX_PROC))
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            payload = struct.pack("=I", _PROC_CN_MCAST_LISTEN)
            cn = _CN_MSG.pack(_CN_IDX_PROC, _CN_VAL_PROC, 0, 0, len(payload), 0) + payload
            self.sock.send(_NLMSG.pack(_NLMSG.size + len(cn), _NLMSG_DONE, 0, 0, 0) + cn)
        except OSError:
            self.sock.close()
            raise
        self.sock.setblocking(False)

    def fileno(self) -> int:
        """For select()."""
        return self.sock.fileno()

    def read(self) -> list[tuple[str, int, int | str]]:
        """The events waiting: ("fork", child pid, parent pid) and ("comm", pid, name);
        others are skipped. An overrun (ENOBUFS: events were lost) is ("lost", 0, 0)."""
        events: list[tuple[str, int, int | str]] = []
        while True:
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                return events
            except OSError as exc:
                if exc.errno == errno.ENOBUFS:
                    events.append(("lost", 0, 0))
                    continue
                raise
            events += parse_events(data)

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()


def parse_events(data: bytes) -> list[tuple[str, int, int | str]]:
    """The fork and comm events in one netlink datagram (possibly several messages);
    short or foreign messages are skipped, never raised on."""
    events: list[tuple[str, int, int | str]] = []
    offset = 0
    while offset + _NLMSG.size <= len(data):
        length = _NLMSG.unpack_from(data, offset)[0]
        if length < _NLMSG.size or offset + length > len(data):
            break
        body = offset + _NLMSG.size
        event_at = body + _CN_MSG.size
        if length >= _NLMSG.size + _CN_MSG.size + _EVENT.size + 16 and _CN_MSG.unpack_from(
            data, body
        )[:2] == (_CN_IDX_PROC, _CN_VAL_PROC):
            what = _EVENT.unpack_from(data, event_at)[0]
            at = event_at + _EVENT.size
            if what == _PROC_EVENT_FORK:
                parent_tgid, child_pid = struct.unpack_from("=4xII", data, at)
                events.append(("fork", child_pid, parent_tgid))
            elif what == _PROC_EVENT_COMM and length >= at - offset + 24:
                pid = struct.unpack_from("=I", data, at)[0]
                name = data[at + 8 : at + 24].split(b"\0", 1)[0].decode(errors="replace")
                events.append(("comm", pid, name))
        offset += (length + 3) & ~3
    return events


def keep_raised(
    tuner: Tuner,
    rescan_s: float = 1.0,
    stop: Callable[[], bool] = lambda: False,
    events: ProcEvents | None = None,
) -> None:
    """Raise the matching threads now and keep new ones raised until ``stop()`` is true:
    new workers are raised from ``events`` as soon as they are named, and ``/proc`` is
    rescanned every ``rescan_s`` (the only way when ``events`` is None)."""
    # threads kthreadd forked lately: watched until their deadline, since the kernel names
    # a new worker and sets its policy from the thread that asked for it, in an order
    # this does not rely on (a raise before the kernel's reset would be undone)
    watched: dict[int, float] = {}
    tuner.scan()
    next_scan = time.monotonic() + rescan_s
    while not stop():
        now = time.monotonic()
        wait = max(0.0, next_scan - now)
        if watched:
            wait = min(wait, _WATCH_POLL_S)
        if events is not None:
            ready = select.select([events], [], [], wait)[0]
        else:
            time.sleep(wait)
            ready = []
        if ready and events is not None:
            for kind, pid, detail in events.read():
                if kind == "lost":
                    next_scan = 0.0
                elif kind == "fork" and detail == KTHREADD_PID:
                    watched[pid] = time.monotonic() + _WATCH_S
                elif kind == "comm" and isinstance(detail, str) and tuner.matches(detail):
                    tuner.raise_thread(pid, detail, "event")
        now = time.monotonic()
        for pid, deadline in list(watched.items()):
            name = thread_name(pid)
            if name is None or now > deadline or (name != "kthreadd" and not tuner.matches(name)):
                del watched[pid]  # gone, settled, or another kind of kernel thread
            elif name != "kthreadd":
                tuner.raise_thread(pid, name, "event")
        if time.monotonic() >= next_scan:
            tuner.scan()
            next_scan = time.monotonic() + rescan_s
