"""The robot base interface: drive with (linear, angular) speeds, read wheels, battery, switches.

Errors::

    BaseError                     base: the base cannot be used as asked
    +-- BaseLinkError             the serial link failed (port gone, write timed out)
    |   +-- BaseSilentError       no reply within the reply timeout (code base-silent)
    |   +-- BaseReplyError        a reply came but was short, garbage or failed its CRC
    +-- BaseSetupError            the controller did not take a setting (e.g. serial timeout)

Every error carries a short machine-readable ``code`` from :class:`drivers.errors.BaseCode`
(``base-link``, ``base-port`` for a port that is gone, ``base-write-timeout``,
``base-silent``, ``base-reply-short``, ``base-reply-crc``, ``base-reply-garbage``,
``base-setup``; a string passed as ``code=`` is looked up in it) that the safety
supervisor and the kiosk's logs use. ``BaseError`` is a :class:`drivers.errors.DeviceError`.
No reply of any kind raises anything else.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from drivers.base.clock import Clock
from drivers.errors import BaseCode, DeviceError


class BaseError(DeviceError):
    """The base cannot be used as asked. ``code`` is one of :class:`BaseCode`."""

    codes = BaseCode
    code = BaseCode.ERROR


class BaseLinkError(BaseError):
    """The serial link failed: port closed or vanished, write timed out."""

    code = BaseCode.LINK


class BaseSilentError(BaseLinkError):
    """The controller did not answer within the reply timeout."""

    code = BaseCode.SILENT


class BaseReplyError(BaseLinkError):
    """A reply arrived but was short, garbage or failed its CRC (``code`` says which)."""

    code = BaseCode.REPLY


class BaseSetupError(BaseError):
    """The controller did not take a setting (read back differs)."""

    code = BaseCode.SETUP


@dataclass(frozen=True)
class BaseState:
    """One reading of the base: wheel travel, battery and safety switches."""

    #: cumulative travel of the left and right wheel since start, metres (from encoders)
    left_m: float
    right_m: float
    #: main battery voltage, volts (None when not read in this cycle)
    battery_v: float | None
    #: emergency stop input (S3) active
    estop: bool
    #: bumper switches (S4 front, S5 rear) pressed
    bumper_front: bool
    bumper_rear: bool
    #: raw 32-bit controller status, for logs
    status_bits: int
    #: the base clock's time when the reading was taken, seconds
    stamp: float


class RobotBase(abc.ABC):
    """A differential-drive base. Every call is bounded by the backend's reply timeout."""

    #: the clock the base (and anything driving it) lives in; virtual in fast simulations
    clock: Clock
    #: distance between the wheels, metres
    track_m: float
    #: the fastest a wheel may be commanded, m/s
    max_wheel_mps: float

    @abc.abstractmethod
    def set_serial_timeout(self, seconds: float) -> None:
        """Make the controller stop the motors by itself after ``seconds`` without commands."""

    @property
    @abc.abstractmethod
    def serial_timeout_s(self) -> float:
        """The serial timeout the controller confirmed (read back), seconds."""

    @abc.abstractmethod
    def set_velocity(
        self, linear_mps: float, angular_radps: float, *, retries: int | None = None
    ) -> None:
        """Command body speeds (safe to repeat, so retried on a bad reply; ``retries``
        overrides the backend's count for this call)."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Command both wheels to zero speed now."""

    @abc.abstractmethod
    def read_state(self, *, battery: bool = False, retries: int | None = None) -> BaseState:
        """Read encoders and status (and the battery when ``battery``).

        ``retries`` overrides the backend's retries of a failed exchange for this call
        (the safety supervisor reads with none: the next tick is the retry).
        """

    @abc.abstractmethod
    def read_status(self, *, retries: int | None = None) -> int:
        """Read only the 32-bit status word (e-stop and bumpers): the fastest safety read."""

    @abc.abstractmethod
    def reset_estop(self) -> None:
        """Clear the controller's latched emergency stop (refused while still pressed)."""

    @property
    def connected(self) -> bool:
        """False while the link is down (cable pulled); the backend reconnects by itself."""
        return True

    @property
    def worst_exchange_s(self) -> float:
        """Longest one exchange can hold the link, seconds (bounds a stop's wait)."""
        return 0.0

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the device."""
