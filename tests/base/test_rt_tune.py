"""``kiosk rt-tune``: the kernel's tty threads raised to real-time priority and kept so.

The event path is tested with real kernel events: a child process renames itself (a
``comm`` event from the kernel's proc connector, as a new kernel worker's naming is
followed) and must find itself at ``SCHED_FIFO`` without any rescan; the command is run
as the unit runs it, on the machine's real ``kworker/u*`` threads, which it must put back
on SIGTERM. Changing another process's policy needs root: these tests skip without it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from drivers.kworkers import (
    ProcEvents,
    Tuner,
    is_raised,
    keep_raised,
    kernel_threads,
    parse_events,
)
from tests.cli import headless_env, kiosk_command

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="changing priorities needs root")
# the kernel's kworkers are the machine's, not one test's: with parallel workers these
# tests and the doctor's take turns
pytestmark = pytest.mark.usefixtures("own_kworkers")

# A child that renames itself when told ("name"; the kernel sends a comm event), and
# reports its own policy when asked (any other line): "fifo N" or "other".
PROBE = r"""
import ctypes, os, sys
for line in sys.stdin:
    if line.strip() == "name":
        ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)  # PR_SET_NAME
        print("named", flush=True)
        continue
    policy = os.sched_getscheduler(0)
    print(f"fifo {os.sched_getparam(0).sched_priority}" if policy == os.SCHED_FIFO
          else "other", flush=True)
"""


def _nlmsg(cn_payload: bytes) -> bytes:
    cn = struct.pack("=IIIIHH", 1, 1, 0, 0, len(cn_payload), 0) + cn_payload
    body = struct.pack("=IHHII", 16 + len(cn), 3, 0, 0, 0) + cn
    return body + b"\0" * (-len(body) % 4)


def test_parse_events_reads_fork_and_comm_and_skips_the_rest() -> None:
    fork = struct.pack("=IIQ", 0x1, 0, 123) + struct.pack("=IIII", 2, 2, 4242, 4242)
    comm = struct.pack("=IIQ", 0x200, 1, 124) + struct.pack("=II", 77, 77) + b"kworker/u8:5\0\0\0\0"
    exit_event = struct.pack("=IIQ", 0x80000000, 0, 125) + b"\0" * 24
    foreign = struct.pack("=IIIIHH", 9, 9, 0, 0, 4, 0) + b"abcd"  # another connector
    data = _nlmsg(fork) + _nlmsg(comm) + _nlmsg(exit_event)
    data += struct.pack("=IHHII", 16 + len(foreign), 3, 0, 0, 0) + foreign
    assert parse_events(data) == [("fork", 4242, 2), ("comm", 77, "kworker/u8:5")]
    # garbage, a truncated message, a length that runs past the end: nothing, no exception
    for junk in (b"", b"\xff" * 7, _nlmsg(comm)[:30], struct.pack("=IHHII", 9999, 3, 0, 0, 0)):
        assert parse_events(junk) == []


@pytest.fixture
def probe_name() -> str:
    return f"rtprobe-{os.getpid() % 10000}"


@pytest.fixture
def probe(probe_name: str) -> Iterator[subprocess.Popen[str]]:
    child = subprocess.Popen(
        [sys.executable, "-c", PROBE, probe_name],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    yield child
    child.kill()
    child.wait()


def _policy(child: subprocess.Popen[str]) -> str:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("?\n")
    child.stdin.flush()
    return child.stdout.readline().strip()


def _run_tuner(
    tuner: Tuner, rescan_s: float, events: ProcEvents | None
) -> tuple[threading.Thread, threading.Event, list[BaseException]]:
    """keep_raised in a thread; returns once its first scan of /proc is over."""
    stop, running, errors = threading.Event(), threading.Event(), []

    def stopping() -> bool:
        running.set()  # first asked after the first scan
        return stop.is_set()

    def body() -> None:
        try:
            keep_raised(tuner, rescan_s, stop=stopping, events=events)
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    assert running.wait(10)
    return thread, stop, errors


def _rename(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write("name\n")
    child.stdin.flush()
    assert child.stdout.readline().strip() == "named"


def _wait_policy(child: subprocess.Popen[str], wanted: str, seconds: float = 10.0) -> str:
    end, got = time.monotonic() + seconds, ""
    while time.monotonic() < end:
        got = _policy(child)
        if got == wanted:
            break
        time.sleep(0.02)
    return got


@needs_root
def test_a_thread_named_after_start_is_raised_from_the_kernels_events(
    probe: subprocess.Popen[str], probe_name: str
) -> None:
    events = ProcEvents()
    tuner = Tuner(priority=20, prefixes=(probe_name,))
    # an hour between rescans: only the kernel's comm event can raise the probe in time
    thread, stop, errors = _run_tuner(tuner, 3600.0, events)
    try:
        _rename(probe)  # after the tuner's first scan: only an event can tell it
        assert _wait_policy(probe, "fifo 20") == "fifo 20"
        assert probe.pid in tuner.raised
    finally:
        stop.set()
        thread.join(5)
        events.close()
    assert not errors
    assert tuner.restore() == 1
    assert _policy(probe) == "other"


@needs_root
def test_without_the_kernels_events_the_rescan_raises_it(
    probe: subprocess.Popen[str], probe_name: str
) -> None:
    tuner = Tuner(priority=21, prefixes=(probe_name,))
    thread, stop, errors = _run_tuner(tuner, 0.05, None)
    try:
        _rename(probe)
        assert _wait_policy(probe, "fifo 21") == "fifo 21"
        # lowered again behind its back (as the kernel does to a thread it just started):
        # the next rescan raises it again, and says so
        os.sched_setscheduler(probe.pid, os.SCHED_OTHER, os.sched_param(0))
        assert _wait_policy(probe, "fifo 21") == "fifo 21"
        assert tuner.found_by == {"scan": 1, "reset": 1}
    finally:
        stop.set()
        thread.join(5)
    assert not errors and tuner.restore() == 1


def _kworkers() -> dict[int, bool]:
    """Every kworker/u* thread: raised to SCHED_FIFO 55 or not."""
    found = {}
    for pid, _name in kernel_threads():
        try:
            found[pid] = is_raised(pid, 55)
        except ProcessLookupError:
            continue
    return found


@needs_root
def test_the_command_raises_the_kernels_tty_threads_and_puts_them_back_on_sigterm() -> None:
    if any(_kworkers().values()):
        pytest.skip("this machine's kworkers are already raised (another kiosk rt-tune?)")
    child = subprocess.Popen(
        kiosk_command("rt-tune", "--priority", "55"), env=headless_env(),
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stderr is not None
        lines = [child.stderr.readline() for _ in range(3)]
        assert "at SCHED_FIFO 55" in lines[0], lines
        assert "following new threads" in lines[2], lines
        raised = _kworkers()
        assert raised and all(raised.values()), raised
    finally:
        child.send_signal(signal.SIGTERM)
        rest = child.communicate(timeout=30)[1]
    assert child.returncode == 0, rest
    assert "back to normal priority" in rest
    assert not any(_kworkers().values())


def _without_cap_sys_nice() -> None:
    """Root without CAP_SYS_NICE (dropped from the bounding set, so the command's exec
    does not get it back), as in a unit that forgot it."""
    if ctypes.CDLL(None, use_errno=True).prctl(24, 23, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        raise OSError(ctypes.get_errno(), "PR_CAPBSET_DROP CAP_SYS_NICE")


@needs_root
def test_the_command_says_why_it_cannot_and_exits_2_when_not_allowed(
    probe: subprocess.Popen[str], probe_name: str
) -> None:
    _rename(probe)  # a thread of its own at normal priority, whatever the kworkers' state
    done = subprocess.run(
        kiosk_command("rt-tune", "--once", "--match", probe_name), env=headless_env(),
        preexec_fn=_without_cap_sys_nice, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "needs root or CAP_SYS_NICE" in done.stderr and probe_name in done.stderr
    assert _policy(probe) == "other"


def test_bad_arguments_are_named() -> None:
    for args, named in ((["--priority", "0"], "--priority 0"), (["--rescan-s", "0"], "--rescan-s")):
        done = subprocess.run(
            kiosk_command("rt-tune", *args), env=headless_env(),
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2 and named in done.stderr, done.stderr


@needs_root
def test_the_command_runs_under_the_units_memory_w_x_lock() -> None:
    """kiosk-rt.service has MemoryDenyWriteExecute=yes: its command must run under it."""

    def lock() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(65, 1, 0, 0, 0) != 0:  # PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN
            raise OSError(ctypes.get_errno(), "PR_SET_MDWE")

    probe = ctypes.CDLL(None).prctl(66, 0, 0, 0, 0)  # PR_GET_MDWE
    if probe < 0:
        pytest.skip("this kernel has no PR_SET_MDWE (Linux < 6.3)")
    done = subprocess.run(
        kiosk_command("rt-tune", "--once", "--match", "no-such-thread-"), env=headless_env(),
        preexec_fn=lock, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "0 kernel threads (no-such-thread-*) at SCHED_FIFO 55" in done.stderr
