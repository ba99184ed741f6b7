"""One exception tree for every device, as httpx has one for every transport.

Whatever a device does wrong, its driver raises a :class:`DeviceError`, so the kiosk
catches one family where it opens or uses an optional device, and every error carries a
short machine-readable ``code`` from the documented enum of its device (the logs, the
health endpoint and the screens use it; a code that is not in its enum cannot be raised)::

    DeviceError                        code: DeviceCode | PrinterCode | BaseCode | ...
    +-- DeviceURLError (ValueError)    device-url: unknown scheme, bad path, unknown option
    +-- PrinterError                   printer-*  (drivers/printer/base.py)
    |   +-- PrinterOffline             printer-offline
    |   +-- PrinterPaperOut            printer-paper-out
    |   +-- PrinterCoverOpen           printer-cover-open
    |   +-- PrinterJobInvalid          printer-job-invalid
    |   (PrinterError itself: printer-error, printer-failed)
    +-- BaseError                      base-*     (drivers/base/base.py)
    |   +-- BaseLinkError              base-link, base-port, base-write-timeout
    |   |   +-- BaseSilentError        base-silent
    |   |   +-- BaseReplyError         base-reply, base-reply-short/-crc/-garbage
    |   +-- BaseSetupError             base-setup
    +-- CameraError                    camera-*   (drivers/camera/base.py)
    |   +-- CameraDeviceError          camera-device
    |   +-- CameraTimeout              camera-timeout
    +-- AudioError                     audio-*    (drivers/audio/base.py)
        +-- AudioDeviceError           audio-device
        +-- AudioTimeout               audio-timeout
        +-- AudioFormatError           audio-format
    +-- LidarError                     lidar-*    (drivers/lidar/base.py)

Vendor exceptions (pyserial's ``SerialException``, python-escpos', OSError) are converted
inside the driver with ``raise ... from exc``; nothing else leaves ``drivers/``.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class DeviceCode(enum.StrEnum):
    """Codes shared by every device."""

    ERROR = "device-error"
    URL = "device-url"


class PrinterCode(enum.StrEnum):
    """Why a ticket did not print."""

    ERROR = "printer-error"
    OFFLINE = "printer-offline"
    PAPER_OUT = "printer-paper-out"
    COVER_OPEN = "printer-cover-open"
    JOB_INVALID = "printer-job-invalid"
    #: the printer's library raised something it does not document
    FAILED = "printer-failed"


class BaseCode(enum.StrEnum):
    """Why the robot base could not be used."""

    ERROR = "base-error"
    #: the serial link failed
    LINK = "base-link"
    #: a write did not finish within the write timeout
    WRITE_TIMEOUT = "base-write-timeout"
    #: the port could not be opened, or vanished (cable pulled)
    PORT = "base-port"
    #: no reply within the reply timeout
    SILENT = "base-silent"
    REPLY = "base-reply"
    REPLY_SHORT = "base-reply-short"
    REPLY_CRC = "base-reply-crc"
    REPLY_GARBAGE = "base-reply-garbage"
    #: the controller did not take a setting (read back differs)
    SETUP = "base-setup"


class CameraCode(enum.StrEnum):
    """Why no frame could be had."""

    ERROR = "camera-error"
    DEVICE = "camera-device"
    TIMEOUT = "camera-timeout"


class AudioCode(enum.StrEnum):
    """Why audio in or out failed."""

    ERROR = "audio-error"
    DEVICE = "audio-device"
    TIMEOUT = "audio-timeout"
    FORMAT = "audio-format"


class LidarCode(enum.StrEnum):
    """Why the lidar gives no scans."""

    ERROR = "lidar-error"
    #: the port could not be opened, or vanished (cable pulled)
    PORT = "lidar-port"
    #: no descriptor or no measurements within the timeout
    SILENT = "lidar-silent"
    #: a reply that is not the RPLIDAR protocol (wrong descriptor, bad bytes)
    REPLY = "lidar-reply"
    #: the sensor reports its own hardware error (health status 2)
    HEALTH = "lidar-health"


class DeviceError(Exception):
    """A device cannot be used as asked; ``code`` says why (see the module docstring).

    A subclass sets ``codes`` (its device's enum) and a default ``code``; a raiser may pass
    a more precise ``code=`` from the same enum (a string is looked up in it, so a typo
    fails where it is written, not in a log filter months later).
    """

    codes: ClassVar[type[enum.StrEnum]] = DeviceCode
    code: enum.StrEnum = DeviceCode.ERROR

    def __init__(self, message: str = "", *, code: enum.StrEnum | str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = self.codes(code)


class DeviceURLError(DeviceError, ValueError):
    """A device URL that cannot be used: unknown scheme, bad host/path, unknown option."""

    code = DeviceCode.URL
