"""Localisation error over a simulated day of trips on drifting wheels; prints JSON.

A simulated RoboClaw whose encoders are wrong (left wheel +0.2 %, right -0.3 %, 2 % slip
per step: about 0.7 degrees of heading error per metre) and a simulated RPLIDAR on the
robot, each on its own pty, in virtual time. The guide leads to each counter in turn and
back to the dock; at every arrival the pose the robot believes is compared with the
simulator's true pose. Next to it, the same wheel readings integrated by dead reckoning
alone (no lidar) show what the correction is worth. ``--rounds`` repeats the list of
counters (a round is ``--counters`` trips out, Q1.., and as many returns).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sim_child import percentile  # noqa: E402
from drivers.base import BaseState, open_base  # noqa: E402
from drivers.base.sim_pty import SimulatedBase  # noqa: E402
from drivers.lidar import SimWorld, open_lidar  # noqa: E402
from navigation.follower import Odometry  # noqa: E402
from navigation.guide import Guide  # noqa: E402
from navigation.lobby import load_lobby  # noqa: E402
from navigation.settings import NavigationSettings  # noqa: E402


class TeeOdometry(Odometry):
    """The guide's odometry, also feeding a dead-reckoning twin nobody corrects."""

    shadow: Odometry

    def update(self, state: BaseState) -> None:
        """Advance both."""
        super().update(state)
        self.shadow.update(state)


async def run(rounds: int, counters: int) -> dict[str, object]:
    """Drive the day; return the errors."""
    lobby = load_lobby(ROOT / "config" / "lobby" / "lobby.yaml")
    dock = lobby.pose("dock")
    base = open_base(f"sim://?clock=virtual&x={dock.x}&y={dock.y}&theta={dock.theta}")
    assert isinstance(base, SimulatedBase)
    sim = base.sim
    sim.encoder_scale, sim.slip = (1.002, 0.997), 0.02
    world = SimWorld(lobby.occupied, lobby.resolution, lobby.origin_x, lobby.origin_y,
                     lambda: sim.pose)  # fmt: skip
    lidar = open_lidar("sim://", world=world, clock=sim.clock)
    assert lidar is not None and lidar.wait_streaming(5.0)
    guide = Guide(base, lobby, NavigationSettings(), lambda code, params: None, lidar=lidar)
    tee = TeeOdometry(dock.x, dock.y, dock.theta, base.track_m)
    tee.shadow = Odometry(dock.x, dock.y, dock.theta, base.track_m)
    guide.odometry = tee
    corrected: list[float] = []
    dead_reckoning: list[float] = []
    results: dict[str, int] = {}
    metres = 0.0
    started = time.monotonic()

    def measure() -> None:
        x, y, _ = sim.pose
        corrected.append(math.hypot(tee.x - x, tee.y - y))
        dead_reckoning.append(math.hypot(tee.shadow.x - x, tee.shadow.y - y))

    try:
        for _ in range(rounds):
            for i in range(1, counters + 1):
                for trip in (guide.guide_to(f"Q{i}"), guide.return_to_dock()):
                    result = await trip
                    results[result.value] = results.get(result.value, 0) + 1
                    measure()
    finally:
        guide.close()
        lidar.close()
        base.close()
    wheels = sim.log.wheels
    for before, after in zip(wheels, wheels[1:], strict=False):
        metres += math.hypot(after.x - before.x, after.y - before.y)
    dock_checks = [m.shift_m for _, where, m in guide.matches if where == "dock" and m.accepted]
    tracker_note = "background matches while driving: every 2 s of a straight run"
    return {
        "benchmark": "localisation",
        "trips": sum(results.values()),
        "results": results,
        "metres_driven": round(metres, 1),
        "encoder_scale": list(sim.encoder_scale),
        "slip": sim.slip,
        "error_m_p50": round(percentile(sorted(corrected), 0.5), 3),
        "error_m_p95": round(percentile(sorted(corrected), 0.95), 3),
        "error_m_max": round(max(corrected), 3),
        "error_m_at_last_dock": round(corrected[-1], 3),
        "dead_reckoning_error_m_p50": round(percentile(sorted(dead_reckoning), 0.5), 2),
        "dead_reckoning_error_m_max": round(max(dead_reckoning), 2),
        "dock_recheck_corrections_m_max": round(max(dock_checks), 3) if dock_checks else None,
        "note": tracker_note,
        "wall_s": round(time.monotonic() - started, 1),
    }


def main() -> None:
    """Run and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--counters", type=int, default=12, help="Q1..QN in each round")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.rounds, args.counters)), indent=2))


if __name__ == "__main__":
    main()
