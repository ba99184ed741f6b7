"""The planner: paths keep the robot's clearance from every obstacle of the raw map."""

from __future__ import annotations

import math

import numpy as np
import pytest

from navigation.errors import NoPathError
from navigation.lobby import LobbyMap
from navigation.planner import Planner, inflate
from navigation.settings import NavigationSettings

SETTINGS = NavigationSettings()


@pytest.fixture(scope="module")
def planner(lobby: LobbyMap) -> Planner:
    return Planner(lobby, inflation_m=SETTINGS.inflation_m, plan_cell_m=SETTINGS.plan_cell_m)


def clearance(lobby: LobbyMap, path: list[tuple[float, float]]) -> float:
    """Smallest distance from the path to the centre of an occupied cell of the raw map.

    Computed from the map itself, not from the planner's inflated grid.
    """
    reach = 20
    smallest = math.inf
    for (ax, ay), (bx, by) in zip(path, path[1:], strict=False):
        steps = max(2, int(math.hypot(bx - ax, by - ay) / 0.02))
        for t in np.linspace(0, 1, steps):
            x, y = ax + (bx - ax) * t, ay + (by - ay) * t
            row, col = lobby.to_cell(x, y)
            window = lobby.occupied[
                max(0, row - reach) : row + reach, max(0, col - reach) : col + reach
            ]
            cells = np.argwhere(window) + (max(0, row - reach), max(0, col - reach))
            if cells.size:
                cx = lobby.origin_x + (cells[:, 1] + 0.5) * lobby.resolution
                cy = lobby.origin_y + (lobby.shape[0] - 1 - cells[:, 0] + 0.5) * lobby.resolution
                smallest = min(smallest, float(np.hypot(cx - x, cy - y).min()))
    return smallest


def trips(lobby: LobbyMap) -> list[tuple[str, str]]:
    counters = [f"Q{i}" for i in range(1, 13)]
    return [("dock", q) for q in counters] + list(zip(counters, counters[1:], strict=False))


def test_inflate_grows_a_disc() -> None:
    grid = np.zeros((9, 9), dtype=bool)
    grid[4, 4] = True
    grown = inflate(grid, 2.0)
    assert grown.sum() == 13  # the cells within distance 2 of the centre
    assert grown[4, 2] and grown[2, 4] and not grown[2, 2]


def test_paths_to_every_counter_keep_clearance(lobby: LobbyMap, planner: Planner) -> None:
    for start, goal in trips(lobby):
        a, b = lobby.pose(start), lobby.pose(goal)
        path = planner.plan((a.x, a.y), (b.x, b.y))
        assert path[0] == (a.x, a.y) and path[-1] == (b.x, b.y)
        # the inflated obstacle is robot radius + margin around each occupied cell's area
        assert clearance(lobby, path) >= SETTINGS.inflation_m, (start, goal)


def test_shortcutting_leaves_a_straight_line_when_clear(lobby: LobbyMap, planner: Planner) -> None:
    a, b = lobby.pose("dock"), lobby.pose("Q12")
    assert planner.plan((a.x, a.y), (b.x, b.y)) == [(a.x, a.y), (b.x, b.y)]


def test_a_person_on_the_way_is_avoided(lobby: LobbyMap, planner: Planner) -> None:
    a, b = lobby.pose("dock"), lobby.pose("Q12")
    person = ((a.x + b.x) / 2, (a.y + b.y) / 2)
    path = planner.plan((a.x, a.y), (b.x, b.y), obstacles=[person], obstacle_radius_m=0.3)
    assert len(path) > 2
    grid = planner.with_obstacles([person], 0.3)
    for p, q in zip(path, path[1:], strict=False):
        assert planner.segment_free(p, q, grid)
    samples = [
        (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
        for p, q in zip(path, path[1:], strict=False)
        for t in np.linspace(0, 1, 50)
    ]
    assert (
        min(math.hypot(x - person[0], y - person[1]) for x, y in samples)
        >= 0.3 + SETTINGS.inflation_m - 0.05
    )


def test_no_path_through_a_wall_of_people(lobby: LobbyMap, planner: Planner) -> None:
    a, b = lobby.pose("dock"), lobby.pose("Q5")
    crowd = [(x / 2, 6.0) for x in range(0, 81)]
    with pytest.raises(NoPathError) as caught:
        planner.plan((a.x, a.y), (b.x, b.y), obstacles=crowd)
    assert caught.value.code == "no-path"


def test_goal_inside_an_obstacle_is_refused(lobby: LobbyMap, planner: Planner) -> None:
    a = lobby.pose("dock")
    with pytest.raises(NoPathError, match="inside an obstacle"):
        planner.plan((a.x, a.y), (10.0, 7.0))
