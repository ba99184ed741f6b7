"""Wiring the lidar to the robot: open it by URL, let a simulated one see the lobby.

``sim://`` on a robot whose base is simulated too sees the lobby map from the simulated
base's true pose, in the base's clock (virtual in the demo), so the people the demo and
the tests put in its world are seen as a real sensor would see them. Elsewhere the lidar
is opened as its URL says; an RPLIDAR on a robot whose base has the stop guard
(``guard=1``) is given to the guard (:func:`guarded_lidar`), which checks the protective
field in its real-time process, and the daemon's driver reads it through the guard's
relay. The health part reports the link and the fields.
"""

from __future__ import annotations

import logging
from typing import Any

from drivers.base import RobotBase
from drivers.base.sim_pty import SimulatedBase
from drivers.lidar import Lidar, LidarRelaySpec, SimWorld, open_lidar, relay_spec
from navigation.guide import Guide
from navigation.lobby import LobbyMap
from navigation.separation import fields_at, geometry
from navigation.settings import NavigationSettings

_LOGGER = logging.getLogger(__name__)


def guarded_lidar(url: str, settings: NavigationSettings) -> LidarRelaySpec | None:
    """For ``open_base(..., lidar=)``: the RPLIDAR named by ``url`` with the protective
    field of ``settings`` (used only when the base URL has ``guard=1``)."""
    return relay_spec(url, geometry(settings), settings.field_clear_s)


def open_robot_lidar(url: str, base: RobotBase, lobby: LobbyMap) -> Lidar | None:
    """The lidar named by ``url`` on ``base`` (None for none://): through the stop
    guard's relay when the guard owns it."""
    if url.startswith("sim:") and isinstance(base, SimulatedBase):
        sim = base.sim
        world = SimWorld(
            lobby.occupied, lobby.resolution, lobby.origin_x, lobby.origin_y, lambda: sim.pose
        )
        return open_lidar(url, world=world, clock=sim.clock)
    relayed = getattr(getattr(base, "guard", None), "lidar_path", None)
    return open_lidar(url, relayed_at=relayed)


def lidar_health(guide: Guide) -> dict[str, Any] | None:
    """The lidar's part of /health: link, counters, fields at the guiding pace, stops."""
    lidar, separation = guide.lidar, guide.supervisor.separation
    if lidar is None or separation is None:
        return None
    settings = guide.settings
    fields = fields_at(settings, settings.guide_speed_mps)
    fastest = fields_at(settings, settings.max_speed_mps)
    return {
        **lidar.health(),
        "protective_field_m": round(fields.protective_m, 2),
        "warning_field_m": round(fields.warning_m, 2),
        "at_speed_mps": settings.guide_speed_mps,
        "protective_field_at_max_m": round(fastest.protective_m, 2),
        "field_held": guide.supervisor.field_held,
        "protective_stops": len(separation.stops),
        "last_stop_distance_m": round(separation.stops[-1][1], 2) if separation.stops else None,
        "yields_to_walkers": len(guide.crossing.yields),  # let someone walking across pass
        "yielding": guide.crossing.yielding,
        "localisation": _localisation(guide),
    }


def _localisation(guide: Guide) -> dict[str, Any]:
    matches = guide.matches
    last = matches[-1] if matches else None
    return {
        "matches_at_stops": len(matches),
        "refused": sum(1 for _, _, m in matches if not m.accepted),
        "last_where": last[1] if last else None,
        "last_correction_m": round(last[2].shift_m, 3) if last else None,
        "last_fit": round(last[2].score, 2) if last else None,
    }
