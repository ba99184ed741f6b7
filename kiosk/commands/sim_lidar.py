"""``kiosk sim lidar``: the simulated RPLIDAR on its own pty (see kiosk.commands.sim)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

import numpy as np

from drivers.base.clock import MonotonicClock
from drivers.lidar import Person, SimWorld
from drivers.lidar.sim import SimRPLidar
from drivers.lidar.sim_pty import LidarPtyServer
from navigation.errors import LobbyError
from navigation.lobby import load_lobby
from navigation.settings import NavigationSettings


def _world(args: argparse.Namespace) -> SimWorld:
    pose = (args.x, args.y, args.theta)
    path = args.map if args.map is not None else NavigationSettings().map_path
    if path != "none":
        try:
            lobby = load_lobby(path)
        except LobbyError as exc:
            print(f"kiosk sim lidar: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        return SimWorld(
            lobby.occupied, lobby.resolution, lobby.origin_x, lobby.origin_y, lambda: pose
        )
    return SimWorld(np.zeros((1, 1), dtype=bool), 0.05, -1e4, -1e4, lambda: pose)


class _Control:
    """Answers the control lines for one simulated lidar."""

    def __init__(self, sensor: SimRPLidar) -> None:
        self.sensor = sensor

    def handle(self, line: str) -> dict[str, Any] | str:
        words = line.split()
        world, now = self.sensor.world, self.sensor.clock.now()
        try:
            numbers = [float(w) for w in words[1:]]
        except ValueError:
            return {"error": f"not numbers: {line.strip()!r}"}
        if words[:1] == ["person"] and len(numbers) == 2:
            self.sensor.log.first_echo_at = None
            world.add(Person([(now, numbers[0], numbers[1])]))
            return "ok"
        if words[:1] == ["walk"] and len(numbers) == 5 and numbers[4] > 0:
            x0, y0, x1, y1, seconds = numbers
            world.add(Person([(now, x0, y0), (now + seconds, x1, y1)]))
            return "ok"
        if words == ["clear"]:
            world.clear_people()
            return "ok"
        if words == ["seen"]:
            return {"seen_at": self.sensor.log.first_echo_at}
        if words == ["state"]:
            return {"scanning": self.sensor.scanning, "nodes_sent": self.sensor.log.nodes_sent,
                    "people": len(world.people)}  # fmt: skip
        return {"error": f"unknown control line {line.strip()!r}"}


def _exit(*_: object) -> None:
    raise SystemExit(0)


def run_lidar(args: argparse.Namespace) -> int:
    """Serve the simulated lidar; print the pty path first; answer control lines."""
    if args.realtime:  # as a sensor's own microcontroller: threads below inherit it
        from drivers.realtime import SIMULATOR_FIFO, raise_priority

        raise_priority(SIMULATOR_FIFO)
    sensor = SimRPLidar(_world(args), MonotonicClock())
    server = LidarPtyServer(sensor, link=args.link)
    print(server.path, flush=True)
    signal.signal(signal.SIGTERM, _exit)
    control = _Control(sensor)
    try:
        for line in sys.stdin:
            answer = control.handle(line)
            print(answer if isinstance(answer, str) else json.dumps(answer), flush=True)
        threading.Event().wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
    return 0
