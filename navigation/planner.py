"""Path planning on the lobby grid: inflate obstacles, A*, shorten by line of sight.

Obstacles are grown by the robot's radius plus a margin (a disc dilation in numpy:
scipy is not in the project's dependencies, and a dilation by a disc of a few cells is a
few dozen array ORs at map load). A* then runs on a coarser grid (``plan_cell_m``, a
block is blocked when any of its fine cells is), which keeps a pure-Python A* inside the
planning budget on a 40 m x 25 m lobby at 5 cm; the path is then shortened greedily by
line of sight checked on the fine inflated grid, so the result never enters an inflated
cell except where the start itself stands in one (the robot may have stopped closer to
an obstacle than the margin; it is allowed to drive out).
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Iterable, Sequence

import numpy as np

from navigation.errors import NoPathError
from navigation.lobby import LobbyMap

_LOGGER = logging.getLogger(__name__)

Point = tuple[float, float]
_SQRT2 = math.sqrt(2.0)


def inflate(occupied: np.ndarray, radius_cells: float) -> np.ndarray:
    """Grow every occupied cell by a disc of ``radius_cells``."""
    grown = occupied.copy()
    rows, cols = occupied.shape
    reach = int(math.floor(radius_cells))
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            if (dx or dy) and dx * dx + dy * dy <= radius_cells * radius_cells:
                src = occupied[max(0, -dy) : rows - max(0, dy), max(0, -dx) : cols - max(0, dx)]
                grown[max(0, dy) : rows - max(0, -dy), max(0, dx) : cols - max(0, -dx)] |= src
    return grown


def _block_any(grid: np.ndarray, factor: int) -> np.ndarray:
    rows, cols = grid.shape
    pad_r, pad_c = (-rows) % factor, (-cols) % factor
    padded = np.pad(grid, ((0, pad_r), (0, pad_c)), constant_values=True)
    return padded.reshape(padded.shape[0] // factor, factor, -1, factor).any(axis=(1, 3))


class Planner:
    """Plans collision-free paths on one lobby map for a robot of a given size."""

    def __init__(self, lobby: LobbyMap, *, inflation_m: float, plan_cell_m: float = 0.10) -> None:
        self.lobby = lobby
        self.inflation_m = inflation_m
        self.factor = max(1, round(plan_cell_m / lobby.resolution))
        self.inflated = inflate(lobby.occupied, inflation_m / lobby.resolution)
        self._coarse = _block_any(self.inflated, self.factor)

    # --- geometry ------------------------------------------------------------------

    def is_free(self, x: float, y: float, grid: np.ndarray | None = None) -> bool:
        """True when (x, y) is on the map and outside every inflated obstacle."""
        grid = self.inflated if grid is None else grid
        row, col = self.lobby.to_cell(x, y)
        rows, cols = grid.shape
        return 0 <= row < rows and 0 <= col < cols and not grid[row, col]

    def segment_free(self, a: Point, b: Point, grid: np.ndarray | None = None) -> bool:
        """True when the straight segment a-b crosses no inflated cell (sampled per half cell)."""
        grid = self.inflated if grid is None else grid
        res = self.lobby.resolution
        steps = max(2, int(math.hypot(b[0] - a[0], b[1] - a[1]) / (res / 2)) + 2)
        t = np.linspace(0.0, 1.0, steps)
        xs, ys = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        cols = np.floor((xs - self.lobby.origin_x) / res).astype(np.int64)
        rows = grid.shape[0] - 1 - np.floor((ys - self.lobby.origin_y) / res).astype(np.int64)
        inside = (rows >= 0) & (rows < grid.shape[0]) & (cols >= 0) & (cols < grid.shape[1])
        if not inside.all():
            return False
        return not bool(grid[rows, cols].any())

    def with_obstacles(self, obstacles: Iterable[Point], radius_m: float) -> np.ndarray:
        """The fine inflated grid with discs (people) of ``radius_m`` + inflation added."""
        grid = self.inflated.copy()
        reach = (radius_m + self.inflation_m) / self.lobby.resolution
        rr, cc = np.ogrid[: grid.shape[0], : grid.shape[1]]
        for x, y in obstacles:
            row, col = self.lobby.to_cell(x, y)
            grid |= (rr - row) ** 2 + (cc - col) ** 2 <= reach * reach
        return grid

    # --- search --------------------------------------------------------------------

    def plan(
        self, start: Point, goal: Point, *, obstacles: Sequence[Point] = (), obstacle_radius_m: float = 0.3
    ) -> list[Point]:
        """A shortened collision-free path from ``start`` to ``goal``, both included."""
        fine = self.with_obstacles(obstacles, obstacle_radius_m) if obstacles else self.inflated
        coarse = _block_any(fine, self.factor) if obstacles else self._coarse
        if not self.is_free(*goal, grid=fine):
            raise NoPathError(f"goal ({goal[0]:.2f}, {goal[1]:.2f}) is inside an obstacle")
        cells = self._astar(coarse, self._coarse_cell(start, coarse), self._coarse_cell(goal, coarse))
        factor = self.factor
        points = [start]
        points += [self.lobby.to_world(r * factor + (factor - 1) / 2, c * factor + (factor - 1) / 2) for r, c in cells[1:-1]]
        points.append(goal)
        return self._shorten(points, fine)

    def _coarse_cell(self, point: Point, coarse: np.ndarray) -> tuple[int, int]:
        row, col = self.lobby.to_cell(*point)
        row, col = row // self.factor, col // self.factor
        rows, cols = coarse.shape
        if 0 <= row < rows and 0 <= col < cols and not coarse[row, col]:
            return row, col
        # the point stands in an inflated margin: start from the nearest free block within 1 m
        reach = max(1, round(1.0 / (self.lobby.resolution * self.factor)))
        r0, r1 = max(0, row - reach), min(rows, row + reach + 1)
        c0, c1 = max(0, col - reach), min(cols, col + reach + 1)
        free = np.argwhere(~coarse[r0:r1, c0:c1])
        if free.size == 0:
            raise NoPathError(f"({point[0]:.2f}, {point[1]:.2f}) is boxed in by obstacles")
        best = free[np.argmin(((free + (r0, c0) - (row, col)) ** 2).sum(axis=1))]
        return int(best[0] + r0), int(best[1] + c0)

    @staticmethod
    def _astar(grid: np.ndarray, start: tuple[int, int], goal: tuple[int, int]) -> list[tuple[int, int]]:
        rows, cols = grid.shape
        blocked = grid.ravel().tolist()
        s, g = start[0] * cols + start[1], goal[0] * cols + goal[1]
        gr, gc = goal
        cost = {s: 0.0}
        came: dict[int, int] = {}
        heap = [(0.0, 0.0, s)]
        moves = [(-1, 0, 1.0), (1, 0, 1.0), (0, -1, 1.0), (0, 1, 1.0),
                 (-1, -1, _SQRT2), (-1, 1, _SQRT2), (1, -1, _SQRT2), (1, 1, _SQRT2)]  # fmt: skip
        closed = set()
        while heap:
            _, here_cost, here = heapq.heappop(heap)
            if here == g:
                path = [here]
                while here in came:
                    here = came[here]
                    path.append(here)
                return [divmod(i, cols) for i in reversed(path)]
            if here in closed:
                continue
            closed.add(here)
            r, c = divmod(here, cols)
            for dr, dc, step in moves:
                nr, nc = r + dr, c + dc
                if not (0 <= nr < rows and 0 <= nc < cols):
                    continue
                n = nr * cols + nc
                # no cutting corners: a diagonal step needs both side cells free
                if blocked[n] or (dr and dc and (blocked[r * cols + nc] or blocked[nr * cols + c])):
                    continue
                new_cost = here_cost + step
                if new_cost < cost.get(n, math.inf):
                    cost[n] = new_cost
                    came[n] = here
                    ddr, ddc = abs(nr - gr), abs(nc - gc)
                    h = (ddr + ddc) + (_SQRT2 - 2) * min(ddr, ddc)
                    heapq.heappush(heap, (new_cost + h, new_cost, n))
        raise NoPathError("no path between the two points")

    def _shorten(self, points: list[Point], grid: np.ndarray) -> list[Point]:
        result = [points[0]]
        anchor = 0
        index = 1
        while index < len(points):
            if index + 1 < len(points) and self.segment_free(points[anchor], points[index + 1], grid):
                index += 1
                continue
            result.append(points[index])
            anchor = index
            index += 1
        return result
