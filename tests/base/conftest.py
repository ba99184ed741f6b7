"""Fixtures for the robot base tests: a simulated base on a virtual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.base import open_base
from drivers.base.sim_pty import SimulatedBase


@pytest.fixture
def sim_base() -> Iterator[SimulatedBase]:
    """The real driver on a pty, talking to a simulated RoboClaw in virtual time."""
    base = open_base("sim://?clock=virtual")
    assert isinstance(base, SimulatedBase)
    yield base
    base.close()
