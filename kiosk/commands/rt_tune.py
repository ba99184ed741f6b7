"""``kiosk rt-tune [--priority 55] [--rescan-s 1.0] [--once]``: keep the kernel's tty
buffer threads (``kworker/u*``) at real-time priority while it runs (root; on a robot,
``systemd/kiosk-rt.service`` runs it).

Why a robot needs it, and how it follows new threads: :mod:`drivers.kworkers`. It
raises every such thread at start, tells systemd it is ready, then raises each new one as
the kernel starts it; on SIGTERM it puts the threads it raised back to normal priority.
``--once`` raises the threads there are now and exits (what a benchmark or a technician
tries by hand). Exit 2, with the reason, when the threads' priority cannot be changed.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from drivers.kworkers import (
    DEFAULT_PREFIXES,
    DEFAULT_PRIORITY,
    ProcEvents,
    TuneError,
    Tuner,
    keep_raised,
)
from drivers.realtime import raise_priority
from kiosk.sd_notify import SystemdNotifier

_LOGGER = logging.getLogger("kiosk.rt_tune")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``kiosk rt-tune``."""
    parser = subparsers.add_parser(
        "rt-tune", help="keep the kernel's tty threads at real-time priority (root, robots)"
    )
    parser.add_argument(
        "--priority", type=int, default=DEFAULT_PRIORITY,
        help=f"SCHED_FIFO priority, 1-99 (default {DEFAULT_PRIORITY}: above the safety "
        "thread's 50, below the stop guard's 60)",
    )  # fmt: skip
    parser.add_argument(
        "--rescan-s", type=float, default=1.0,
        help="also look through /proc this often, seconds (default 1.0)",
    )  # fmt: skip
    parser.add_argument(
        "--match", action="append", default=None,
        help=f"thread name prefix to raise (repeatable; default {DEFAULT_PREFIXES[0]})",
    )  # fmt: skip
    parser.add_argument("--once", action="store_true", help="raise the threads now and exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Raise the threads; keep new ones raised until SIGTERM/SIGINT (unless ``--once``)."""
    if not 1 <= args.priority <= 99:
        print(f"kiosk rt-tune: --priority {args.priority}: must be 1 to 99", file=sys.stderr)
        return 2
    if not args.rescan_s > 0:
        print(f"kiosk rt-tune: --rescan-s {args.rescan_s}: must be above 0", file=sys.stderr)
        return 2
    prefixes = tuple(args.match or DEFAULT_PREFIXES)
    tuner = Tuner(
        args.priority, prefixes,
        on_raise=lambda pid, name, how: _LOGGER.debug("raised %s (pid %d, %s)", name, pid, how),
    )  # fmt: skip
    try:
        found = tuner.scan()
        at_start = tuner.found_by["scan"]
    except TuneError as exc:
        print(f"kiosk rt-tune: {exc.strerror}", file=sys.stderr)
        return 2
    _LOGGER.info(
        "%d kernel threads (%s*) at SCHED_FIFO %d", found, "*, ".join(prefixes), args.priority
    )
    if args.once:
        return 0
    # above the threads it raises, so that a busy one never delays raising a new one
    _LOGGER.info("own priority: %s", raise_priority(min(args.priority + 1, 99)))
    try:
        events: ProcEvents | None = ProcEvents()
        _LOGGER.info("following new threads through the kernel's process events")
    except OSError as exc:
        events = None
        _LOGGER.warning(
            "kernel process events unavailable (%s): new threads are raised within %.1f s",
            exc, args.rescan_s,
        )  # fmt: skip
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    SystemdNotifier().notify(READY="1", STATUS=f"{found} threads at SCHED_FIFO {args.priority}")
    try:
        keep_raised(tuner, args.rescan_s, stop=lambda: bool(stopping), events=events)
    except TuneError as exc:
        print(f"kiosk rt-tune: {exc.strerror}", file=sys.stderr)
        return 2
    finally:
        if events is not None:
            events.close()
        _LOGGER.info(
            "new threads raised as they started: %d from the kernel's events, %d found by a "
            "rescan; %d raised again after being lowered", tuner.found_by["event"],
            tuner.found_by["scan"] - at_start, tuner.found_by["reset"],
        )  # fmt: skip
        restored = tuner.restore()
        _LOGGER.info("stopped: %d threads back to normal priority", restored)
    return 0
