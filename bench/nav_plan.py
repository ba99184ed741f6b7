"""Planning time on the sample lobby (40 m x 25 m at 5 cm cells); prints one JSON object.

Plans dock -> every counter, counter -> next counter and counter -> dock, several rounds,
and reports the map preparation time (inflation, once per map) and per-plan times.
Target: <= 50 ms per plan.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from navigation.lobby import load_lobby  # noqa: E402
from navigation.planner import Planner  # noqa: E402
from navigation.settings import NavigationSettings  # noqa: E402


def main() -> None:
    """Run the benchmark and print JSON."""
    settings = NavigationSettings()
    lobby = load_lobby(ROOT / "config" / "lobby" / "lobby.yaml")
    started = time.perf_counter()
    planner = Planner(lobby, inflation_m=settings.inflation_m, plan_cell_m=settings.plan_cell_m)
    prepare_ms = (time.perf_counter() - started) * 1000
    names = [f"Q{i}" for i in range(1, 13)]
    trips = (
        [("dock", q) for q in names]
        + list(zip(names, names[1:], strict=False))
        + [(q, "dock") for q in names]
    )
    times: list[float] = []
    for _ in range(3):
        for a, b in trips:
            start, goal = lobby.pose(a), lobby.pose(b)
            t0 = time.perf_counter()
            planner.plan((start.x, start.y), (goal.x, goal.y))
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(
        json.dumps(
            {
                "benchmark": "nav_plan",
                "map_cells": f"{lobby.shape[1]}x{lobby.shape[0]}",
                "resolution_m": lobby.resolution,
                "search_cell_m": settings.plan_cell_m,
                "plans": len(times),
                "prepare_ms": round(prepare_ms, 1),
                "plan_ms_median": round(statistics.median(times), 1),
                "plan_ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
                "plan_ms_max": round(times[-1], 1),
                "target_ms": 50,
            }
        )
    )


if __name__ == "__main__":
    main()
