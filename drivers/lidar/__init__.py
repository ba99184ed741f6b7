"""Lidar drivers, chosen by URL.

``rplidar:///dev/kiosk-lidar?baud=115200`` reads a Slamtec RPLIDAR A1/A2 over USB serial
(:mod:`drivers.lidar.rplidar`); ``sim://`` starts a simulated A1 on a pseudo-terminal that
ray-casts the lobby map plus moving people (:mod:`drivers.lidar.sim`) and reads it with
the same driver and the same bytes; ``none://`` means no lidar is fitted (the kiosk's
config accepts it and opens nothing). Options (an option not listed is refused by name):

- both: ``yaw`` the sensor's mounting yaw on the robot, degrees (0 = its front looks
  ahead); ``min_quality`` samples weaker than this are dropped (0..63); ``max_range``
  metres; ``reply_timeout`` and ``silent`` seconds (no reply to a request; no samples while
  scanning, after which the sensor is restarted); ``spy=1`` logs requests and replies in hex
- rplidar only: ``baud`` (115200 for A1/A2M8, 256000 for A2M12), ``pwm`` A2 motor speed
- sim only: ``rate`` revolutions per second, ``samples`` per revolution, ``noise`` range
  noise (m, one sigma), ``seed``, ``scanning=1`` (left scanning by a previous client),
  ``x``, ``y``, ``theta`` where it stands when no robot carries it, ``clock=virtual``

On a robot whose base has the stop guard (``guard=1``), an ``rplidar://`` sensor is
owned by the guard, a real-time process that checks the protective field on every batch
before relaying it; this driver then reads it through the relay
(:mod:`drivers.lidar.relay`, ``open_lidar(url, relayed_at=...)``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from drivers.base.clock import Clock, MonotonicClock, VirtualClock
from drivers.lidar.base import Lidar, LidarError, ScanBatch
from drivers.lidar.fields import FieldGeometry
from drivers.lidar.relay import LidarRelaySpec
from drivers.lidar.rplidar import RPLidar
from drivers.lidar.world import Person, SimWorld
from drivers.url import DeviceURL, DeviceURLError, parse_device_url

__all__ = [
    "FieldGeometry",
    "Lidar",
    "LidarError",
    "LidarRelaySpec",
    "Person",
    "SCHEMES",
    "ScanBatch",
    "SimWorld",
    "URL_OPTIONS",
    "open_lidar",
    "relay_spec",
]

_COMMON = frozenset({"yaw", "min_quality", "max_range", "reply_timeout", "silent", "spy"})
#: every lidar backend and the URL options it reads
URL_OPTIONS: dict[str, frozenset[str]] = {
    "rplidar": _COMMON | {"baud", "pwm"},
    "sim": _COMMON | {"rate", "samples", "noise", "seed", "scanning", "x", "y", "theta", "clock"},
}
SCHEMES = tuple(URL_OPTIONS)


def _driver_options(url: DeviceURL) -> dict[str, Any]:
    return {
        "mount_yaw_rad": math.radians(url.option_float("yaw", 0.0, low=-360.0, high=360.0)),
        "min_quality": url.option_int("min_quality", 0, low=0, high=63),
        "max_range_m": url.option_float("max_range", 12.0, low=0.5, high=40.0),
        "reply_timeout_s": url.option_float("reply_timeout", 0.5, low=0.01, high=5.0),
        "silent_s": url.option_float("silent", 1.0, low=0.1, high=10.0),
        "spy": url.option_bool("spy"),
    }


def relay_spec(url: str, geometry: FieldGeometry, clear_s: float) -> LidarRelaySpec | None:
    """What the base's stop guard needs to relay the RPLIDAR named by ``url`` and check
    its protective field (``geometry``) itself; None for ``sim://`` and ``none://`` (the
    simulated sensor lives in the daemon's process). Raises DeviceURLError for a bad URL."""
    if url.startswith("none:"):
        return None
    parsed = parse_device_url(url, URL_OPTIONS)
    if parsed.scheme != "rplidar":
        return None
    if not parsed.path:
        raise DeviceURLError(f"{url}: no device path (rplidar:///dev/kiosk-lidar)")
    options = _driver_options(parsed)
    return LidarRelaySpec(
        parsed.path,
        baud=parsed.option_int("baud", 115200, low=9600, high=3_000_000),
        mount_yaw_rad=options["mount_yaw_rad"],
        min_quality=options["min_quality"],
        max_range_m=options["max_range_m"],
        geometry=geometry,
        clear_s=clear_s,
    )


def open_lidar(
    url: str,
    *,
    world: SimWorld | None = None,
    clock: Clock | None = None,
    relayed_at: str | None = None,
) -> Lidar | None:
    """Open and start the lidar named by ``url`` (None for ``none://``).

    ``world`` and ``clock`` are for ``sim://``: what the simulated sensor sees (the lobby
    and the robot's true pose) and whose time it lives in (the simulated base's).
    ``relayed_at``: an ``rplidar://`` sensor is read through the stop guard's relay at
    this path (:mod:`drivers.lidar.relay`), with the URL's other options. Raises
    DeviceURLError for a bad URL; a sensor that does not answer yet is retried by the
    driver's thread (``connected`` says whether it streams).
    """
    if url.startswith("none:"):
        parse_device_url(url, {"none": frozenset()})
        return None
    parsed = parse_device_url(url, URL_OPTIONS)
    options = _driver_options(parsed)
    lidar: RPLidar
    if parsed.scheme == "rplidar":
        if not parsed.path:
            raise DeviceURLError(f"{url}: no device path (rplidar:///dev/kiosk-lidar)")
        lidar = RPLidar(
            relayed_at or parsed.path,
            clock=clock or MonotonicClock(),
            baud=parsed.option_int("baud", 115200, low=9600, high=3_000_000),
            pwm=parsed.option_int("pwm", 660, low=0, high=1023),
            **options,
        )
    else:
        from drivers.lidar.sim import SimRPLidar
        from drivers.lidar.sim_pty import SimulatedLidar

        clock_name = parsed.options.get("clock", "real")
        if clock_name not in ("real", "virtual"):
            raise DeviceURLError(f"{url}: option clock={clock_name!r} is not real or virtual")
        if clock is None:
            clock = VirtualClock() if clock_name == "virtual" else MonotonicClock()
        if world is None:
            pose = (
                parsed.option_float("x", 0.0, low=-1e4, high=1e4),
                parsed.option_float("y", 0.0, low=-1e4, high=1e4),
                parsed.option_float("theta", 0.0, low=-7.0, high=7.0),
            )
            # an empty floor with nothing but people: the sensor standing on its own
            world = SimWorld(np.zeros((1, 1), dtype=bool), 0.05, -1e4, -1e4, lambda: pose)
        sensor = SimRPLidar(
            world,
            clock,
            rotation_hz=parsed.option_float("rate", 5.5, low=1.0, high=20.0),
            samples_per_rev=parsed.option_int("samples", 360, low=36, high=3600),
            noise_m=parsed.option_float("noise", 0.005, low=0.0, high=0.5),
            seed=parsed.option_int("seed", 0, low=0, high=2**31),
            scanning=parsed.option_bool("scanning"),
        )
        lidar = SimulatedLidar(sensor, **options)
    lidar.start()
    return lidar
