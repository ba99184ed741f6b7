"""Fixtures for navigation tests: the sample lobby and a simulated base at its dock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.base import open_base
from drivers.base.sim_pty import SimulatedBase
from drivers.lidar import SimWorld, open_lidar
from drivers.lidar.sim_pty import SimulatedLidar
from navigation.guide import Guide
from navigation.lobby import LobbyMap, load_lobby
from navigation.settings import NavigationSettings

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "lobby" / "lobby.yaml"


@pytest.fixture(scope="session")
def lobby() -> LobbyMap:
    """The sample lobby shipped in config/lobby."""
    return load_lobby(SAMPLE)


class Announcements(list[tuple[float, str, dict[str, Any]]]):
    """Every announcement with the base clock's time, in order."""

    def codes(self) -> list[str]:
        """Only the message codes."""
        return [code for _, code, _ in self]


@pytest.fixture
def sim_base(lobby: LobbyMap) -> Iterator[SimulatedBase]:
    """A simulated base standing on the dock, in virtual time."""
    dock = lobby.pose("dock")
    base = open_base(f"sim://?clock=virtual&x={dock.x}&y={dock.y}&theta={dock.theta}")
    assert isinstance(base, SimulatedBase)
    yield base
    base.close()


@pytest.fixture
def said() -> Announcements:
    """Collects announcements."""
    return Announcements()


@pytest.fixture
def make_guide(sim_base: SimulatedBase, lobby: LobbyMap, said: Announcements) -> Any:
    """Build a Guide on the simulated base with optional settings overrides."""

    def build(obstacles: Any = None, **overrides: Any) -> Guide:
        settings = NavigationSettings(**overrides)
        return Guide(
            sim_base,
            lobby,
            settings,
            lambda code, params: said.append((sim_base.clock.now(), code, params)),
            obstacles=obstacles,
        )

    return build


@pytest.fixture
def sim_lidar(sim_base: SimulatedBase, lobby: LobbyMap) -> Iterator[SimulatedLidar]:
    """A simulated RPLIDAR on the simulated base: it sees the lobby from the base's true
    pose, in the base's virtual time, through its own pty."""
    sim = sim_base.sim
    world = SimWorld(
        lobby.occupied, lobby.resolution, lobby.origin_x, lobby.origin_y, lambda: sim.pose
    )
    lidar = open_lidar("sim://", world=world, clock=sim.clock)
    assert isinstance(lidar, SimulatedLidar)
    assert lidar.wait_streaming(5.0)
    yield lidar
    lidar.close()
