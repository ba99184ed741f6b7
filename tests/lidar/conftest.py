"""Fixtures for the lidar tests: the sample lobby as the simulated sensor sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from drivers.lidar import SimWorld
from navigation.lobby import LobbyMap, load_lobby

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def lobby() -> LobbyMap:
    """The sample lobby shipped in config/lobby."""
    return load_lobby(ROOT / "config" / "lobby" / "lobby.yaml")


@pytest.fixture
def world(lobby: LobbyMap) -> SimWorld:
    """The lobby's walls and furniture, the sensor standing on the dock, nobody around."""
    dock = lobby.pose("dock")
    pose = (dock.x, dock.y, dock.theta)
    return SimWorld(lobby.occupied, lobby.resolution, lobby.origin_x, lobby.origin_y, lambda: pose)
