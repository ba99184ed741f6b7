"""``kiosk sim base`` / ``kiosk sim lidar``: run a simulator on its own pseudo-terminal.

``kiosk sim lidar [--map LOBBY.yaml] [--x X --y Y --theta T] [--link PATH]`` serves a
simulated RPLIDAR A1 standing at (x, y, theta) in the lobby map (an empty floor with
``--map none``); its first line is the pty's path (``rplidar://PATH`` or the vendor's
tools read it). Its control lines: ``person X Y`` (someone stands there), ``walk X0 Y0
X1 Y1 SECONDS`` (someone walks from one point to the other), ``clear`` (nobody),
``seen`` -> {"seen_at": CLOCK_MONOTONIC time of the first echo sent since the last
``person`` line (on an empty floor: the first sample showing that person)}, and
``state`` -> {"scanning": .., "nodes_sent": .., "people": ..}.

``kiosk sim base``: the simulated RoboClaw.

The first line printed is the pty's path, so the driver (``serial://PATH``), the vendor's
``basicmicro`` library or any serial tool can talk to it as to a real controller. The
simulator lives in its own process, as a real controller has its own microcontroller.

Lines on standard input drive the robot's switches and report back (one line each)::

    press bumper_front | bumper_rear | estop      -> ok
    release bumper_front | bumper_rear | estop    -> ok
    state                                        -> {"x":..,"y":..,"theta":..,"left":..,"right":..}
    latency                                      -> {"stop_ms": ms from the last press to the
                                                     first zero-speed command after it, or null,
                                                     "pressed_at": CLOCK_MONOTONIC of the press}
    stop_after T                                 -> {"stop_at": CLOCK_MONOTONIC time of the first
                                                     zero-speed command at or after T, or null}

End of input leaves it serving until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from typing import Any

from drivers.base.clock import MonotonicClock
from drivers.base.sim import SimController
from drivers.base.sim_pty import SimPtyServer

SWITCHES = ("bumper_front", "bumper_rear", "estop")


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``kiosk sim base``."""
    parser = subparsers.add_parser("sim", help="run a device simulator on a pseudo-terminal")
    parser.add_argument("device", choices=["base", "lidar"], help="which simulator")
    parser.add_argument("--map", default=None, help="lidar: lobby map YAML, or none")
    parser.add_argument("--x", type=float, default=0.0, help="starting x, metres")
    parser.add_argument("--y", type=float, default=0.0, help="starting y, metres")
    parser.add_argument("--theta", type=float, default=0.0, help="starting heading, radians")
    parser.add_argument("--link", default=None, help="also make this symlink to the pty")
    parser.add_argument(
        "--realtime", action="store_true", help="serve at SCHED_FIFO 70 priority (root)"
    )
    parser.set_defaults(func=run)


class _Control:
    """Answers the control lines for one simulated controller."""

    def __init__(self, sim: SimController) -> None:
        self.sim = sim
        self.pressed_at: float | None = None
        self.commands_at_press = 0

    def handle(self, line: str) -> dict[str, Any] | str:
        words = line.split()
        if len(words) == 2 and words[0] in ("press", "release") and words[1] in SWITCHES:
            if words[0] == "press":
                self.commands_at_press = len(self.sim.log.commands)
                self.pressed_at = time.monotonic()
            setattr(self.sim, words[1], words[0] == "press")
            return "ok"
        if words == ["state"]:
            x, y, theta = self.sim.pose
            left, right = self.sim.wheel_speeds
            return {"x": x, "y": y, "theta": theta, "left": left, "right": right}
        if words == ["latency"]:
            if self.pressed_at is None:
                return {"stop_ms": None}
            stops = [
                t
                for t, left, right in self.sim.log.commands[self.commands_at_press :]
                if left == right == 0.0
            ]
            return {"stop_ms": (stops[0] - self.pressed_at) * 1000 if stops else None,
                    "pressed_at": self.pressed_at}
        if len(words) == 2 and words[0] == "stop_after":
            try:
                after = float(words[1])
            except ValueError:
                return {"error": f"not a time: {words[1]!r}"}
            stops = [t for t, left, right in list(self.sim.log.commands)
                     if t >= after and left == right == 0.0]  # fmt: skip
            return {"stop_at": stops[0] if stops else None}
        return {"error": f"unknown control line {line.strip()!r}"}


def _exit(*_: object) -> None:
    raise SystemExit(0)


def run(args: argparse.Namespace) -> int:
    """Serve the simulator; print the pty path first; answer control lines on stdin."""
    if args.device == "lidar":
        from kiosk.commands.sim_lidar import run_lidar

        return run_lidar(args)
    if args.realtime:
        # the whole process, as a controller's firmware: threads started below inherit it
        from drivers.realtime import SIMULATOR_FIFO, raise_priority

        raise_priority(SIMULATOR_FIFO)
    sim = SimController(MonotonicClock(), pose=(args.x, args.y, args.theta))
    server = SimPtyServer(sim, link=args.link)
    print(server.path, flush=True)
    signal.signal(signal.SIGTERM, _exit)
    control = _Control(sim)
    try:
        for line in sys.stdin:
            answer = control.handle(line)
            print(answer if isinstance(answer, str) else json.dumps(answer), flush=True)
        threading.Event().wait()  # input closed: serve until a signal
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
    return 0
