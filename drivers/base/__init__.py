"""Robot base drivers, chosen by URL.

``serial:///dev/kiosk-base?baud=115200&address=128`` drives a RoboClaw over packet serial;
``sim://`` starts a simulated RoboClaw in-process on a pseudo-terminal and drives it with
the same code and the same bytes. The port is opened with pyserial's ``serial_for_url``,
so its URL handlers work as pyserial users expect: ``socket://host:port`` (a controller
behind ser2net), ``spy:///dev/ttyUSB0?file=/tmp/spy.txt`` (pyserial's own hex dump), and
``loop://`` (a loopback, for trying the driver without hardware). Their own options
(``logging``; spy's ``file``, ``color``, ``raw``, ``all``) are passed on to pyserial.
Options of the driver (all optional; an option not listed here is refused by name):

- ``baud`` (serial only), ``address`` (128..135)
- ``counts_per_m`` encoder counts per metre of wheel travel, ``track`` wheel separation (m)
- ``max_wheel`` fastest wheel speed the driver will command (m/s)
- ``timeout`` the controller's serial timeout set at start and read back (s, default 0.5)
- ``reply_timeout`` how long to wait for a reply (s; 0.02 on serial, 0.1 on sim, 0.5 on a
  virtual-clock sim, where a withheld reply costs 0.02 s of virtual time), ``retries``
  for commands safe to repeat (default 2)
- ``spy=1`` logs every exchange in hex
- ``guard=1`` (not sim) puts the stop guard between the driver and the port: a small
  real-time process of its own (:mod:`drivers.base.guard`) that polls the bumpers and the
  emergency stop at 200 Hz and stops the wheels itself, whatever the daemon's process is
  doing (recommended on a robot: the daemon's own safety thread shares Python's GIL);
  given an RPLIDAR (``open_base(url, lidar=...)``) it checks the lidar's protective field
  in the same real-time process
- sim only: ``clock=virtual`` (time moves only when the driving code sleeps), ``x``, ``y``,
  ``theta`` the starting pose, ``battery`` volts, ``noise`` probability of a flipped bit
  per byte on the line, ``seed``
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from drivers.base.base import (
    BaseError,
    BaseLinkError,
    BaseReplyError,
    BaseSetupError,
    BaseSilentError,
    BaseState,
    RobotBase,
)
from drivers.base.clock import Clock, MonotonicClock, VirtualClock
from drivers.url import DeviceURL, DeviceURLError, parse_device_url

if TYPE_CHECKING:
    from drivers.lidar.relay import LidarRelaySpec

__all__ = [
    "BaseError",
    "BaseLinkError",
    "BaseReplyError",
    "BaseSetupError",
    "BaseSilentError",
    "BaseState",
    "Clock",
    "MonotonicClock",
    "RobotBase",
    "SCHEMES",
    "URL_OPTIONS",
    "VirtualClock",
    "open_base",
]

#: the driver's options, on every scheme
_DRIVER = frozenset({"address", "counts_per_m", "track", "max_wheel", "timeout",
                     "reply_timeout", "retries", "spy"})
_GUARD = frozenset({"guard"})
_SIM = frozenset({"clock", "x", "y", "theta", "battery", "noise", "seed"})
#: options pyserial's URL handlers read themselves (passed on in the port URL)
_PYSERIAL: dict[str, frozenset[str]] = {
    "socket": frozenset({"logging"}),
    "loop": frozenset({"logging"}),
    "spy": frozenset({"file", "color", "raw", "all"}),
}
#: every base backend and the URL options it reads
URL_OPTIONS: dict[str, frozenset[str]] = {
    "serial": _DRIVER | _GUARD | {"baud"},
    "sim": _DRIVER | _SIM,
    **{scheme: _DRIVER | _GUARD | {"baud"} | own for scheme, own in _PYSERIAL.items()},
}
SCHEMES = tuple(URL_OPTIONS)
_LOGGER = logging.getLogger(__name__)


def _pyserial_port(url: DeviceURL) -> str:
    """The port for ``serial_for_url``: a device path, or the URL with pyserial's options."""
    if url.scheme == "serial":
        if not url.path:
            raise DeviceURLError(f"{url.raw}: no device path (serial:///dev/ttyUSB0)")
        return url.path
    own = {k: v for k, v in url.options.items() if k in _PYSERIAL[url.scheme]}
    query = "&".join(f"{k}={v}" if v else k for k, v in own.items())
    return f"{url.scheme}://{url.netloc}{url.path}" + (f"?{query}" if query else "")


def _driver_options(url: DeviceURL) -> dict[str, Any]:
    # the simulator is a thread on a shared CPU, not a microcontroller: give it longer to
    # answer; in virtual time waiting costs nothing (a withheld reply costs 0.02 s there)
    reply_timeout = 0.02
    if url.scheme == "sim":
        reply_timeout = 0.5 if url.options.get("clock") == "virtual" else 0.1
    return {
        "address": url.option_int("address", 128, low=128, high=135),
        "counts_per_m": url.option_float("counts_per_m", 4000.0, low=10.0, high=1e6),
        "track_m": url.option_float("track", 0.42, low=0.1, high=2.0),
        "max_wheel_mps": url.option_float("max_wheel", 1.2, low=0.05, high=3.0),
        "reply_timeout_s": url.option_float("reply_timeout", reply_timeout, low=0.002, high=1.0),
        "retries": url.option_int("retries", 2, low=0, high=5),
        "spy": url.option_bool("spy"),
    }


def open_base(url: str, *, lidar: LidarRelaySpec | None = None) -> RobotBase:
    """Open the base named by ``url``, set its serial timeout and read it back.

    ``lidar``: with ``guard=1``, the stop guard also relays this lidar and checks its
    protective field (the lidar driver then opens ``base.guard.lidar_path``); ignored
    without a guard. Raises DeviceURLError for a bad URL and BaseError when the
    controller does not answer or does not take the serial timeout.
    """
    parsed = parse_device_url(url, URL_OPTIONS)
    options = _driver_options(parsed)
    serial_timeout = parsed.option_float("timeout", 0.5, low=0.1, high=25.5)
    base: RobotBase
    if parsed.scheme != "sim":
        from drivers.base.roboclaw import RoboClawBase

        port = _pyserial_port(parsed)
        baud = parsed.option_int("baud", 115200, low=1200, high=3_000_000)
        guard = None
        if parsed.option_bool("guard"):
            from drivers.base.guard_process import GuardProcess

            try:
                # the guard waits half the driver's reply timeout for the controller, so
                # that its relayed answer still reaches the driver in time
                guard = GuardProcess(port, baud=baud, address=options["address"],
                                     reply_timeout_s=options["reply_timeout_s"] / 2,
                                     counts_per_m=options["counts_per_m"], lidar=lidar,
                                     log=_LOGGER.warning)
            except OSError as exc:
                raise BaseLinkError(str(exc), code="base-port") from exc
            port = guard.path
        try:
            base = RoboClawBase(port, baud=baud, **options)
        except BaseError:
            if guard is not None:
                guard.close()
            raise
        base.guard = guard
    else:
        from drivers.base.sim import SimController
        from drivers.base.sim_pty import SimulatedBase

        clock_name = parsed.options.get("clock", "real")
        if clock_name not in ("real", "virtual"):
            raise DeviceURLError(f"{url}: option clock={clock_name!r} is not real or virtual")
        clock: Clock = VirtualClock() if clock_name == "virtual" else MonotonicClock()
        controller = SimController(
            clock,
            address=options["address"],
            counts_per_m=options["counts_per_m"],
            track_m=options["track_m"],
            battery_v=parsed.option_float("battery", 25.2, low=0.0, high=60.0),
            pose=(
                parsed.option_float("x", 0.0, low=-1e4, high=1e4),
                parsed.option_float("y", 0.0, low=-1e4, high=1e4),
                parsed.option_float("theta", 0.0, low=-7.0, high=7.0),
            ),
            seed=parsed.option_int("seed", 0, low=0, high=2**31),
        )
        controller.noise = parsed.option_float("noise", 0.0, low=0.0, high=1.0)
        base = SimulatedBase(controller, **options)
    try:
        # a controller left moving (a killed process, a timeout stop that resumes on the
        # next valid packet) gets zero speed before anything else
        base.stop()
        base.set_serial_timeout(serial_timeout)
    except BaseError:
        base.close()
        raise
    return base
