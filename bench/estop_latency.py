"""Bumper / emergency-stop event to stop command bytes on the wire; prints one JSON object.

A real-time simulated base (sim://, monotonic clock) is guided across the lobby; at a
random moment of each trip a bumper or the emergency stop is pressed in the simulator,
and the time until the simulator receives a zero-speed command is measured on the
simulator's side of the pty. Target: <= 30 ms.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drivers.base import open_base  # noqa: E402
from drivers.base.sim_pty import SimulatedBase  # noqa: E402
from navigation.guide import Guide  # noqa: E402
from navigation.lobby import load_lobby  # noqa: E402
from navigation.settings import NavigationSettings  # noqa: E402

TRIALS = 10


async def run() -> dict[str, object]:
    """Press the bumper or the e-stop ``TRIALS`` times during trips; measure the stop latency."""
    lobby = load_lobby(ROOT / "config" / "lobby" / "lobby.yaml")
    dock = lobby.pose("dock")
    base = open_base(f"sim://?x={dock.x}&y={dock.y}&theta={dock.theta}")
    assert isinstance(base, SimulatedBase)
    settings = NavigationSettings(long_stop_s=300.0)  # no resume warning between trials
    guide = Guide(base, lobby, settings, lambda code, params: None)
    rng = random.Random(1)
    latencies: list[float] = []
    try:
        for trial in range(TRIALS):
            trip = asyncio.create_task(guide.guide_to(rng.choice(["Q6", "Q7", "Q10", "Q11"])))
            while max(base.sim.wheel_speeds) < 0.2:
                await asyncio.sleep(0.005)
            await asyncio.sleep(rng.uniform(0.1, 0.5))
            switch = "bumper_front" if trial % 2 == 0 else "estop"
            commands_before = len(base.sim.log.commands)
            pressed_at = time.monotonic()
            setattr(base.sim, switch, True)
            await trip
            stop = next(
                t
                for t, left, right in base.sim.log.commands[commands_before:]
                if left == right == 0.0
            )
            latencies.append((stop - pressed_at) * 1000)
            setattr(base.sim, switch, False)
            await guide.supervisor.read()
            guide.reset_after_stop()
            await guide.return_to_dock()
    finally:
        base.close()
    latencies.sort()
    return {
        "benchmark": "estop_latency",
        "trials": len(latencies),
        "control_hz": settings.control_hz,
        "latency_ms_median": round(statistics.median(latencies), 1),
        "latency_ms_max": round(latencies[-1], 1),
        "latency_ms_all": [round(v, 1) for v in latencies],
        "target_ms": 30,
    }


def main() -> None:
    """Run and print JSON."""
    logging.basicConfig(level=logging.ERROR)  # the expected safety-stop warnings stay quiet
    print(json.dumps(asyncio.run(run())))


if __name__ == "__main__":
    main()
