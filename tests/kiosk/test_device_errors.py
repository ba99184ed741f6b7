"""One device error family: every driver error is a DeviceError with a documented code,
and the kiosk opens optional devices catching that one family."""

from __future__ import annotations

import enum
import inspect

import pytest

import drivers.audio.base as audio
import drivers.base.base as base
import drivers.camera.base as camera
import drivers.printer.base as printer
from drivers.errors import BaseCode, DeviceError, DeviceURLError
from drivers.url import parse_device_url
from kiosk.wiring import open_optional

DRIVER_MODULES = (audio, base, camera, printer)


def _errors() -> list[type[Exception]]:
    found = [
        cls
        for module in DRIVER_MODULES
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Exception) and cls.__module__ == module.__name__
    ]
    assert len(found) >= 15
    return found


def test_every_driver_error_is_a_device_error_with_a_code_of_its_enum() -> None:
    for cls in _errors():
        assert issubclass(cls, DeviceError), cls
        assert isinstance(cls.code, enum.StrEnum) and cls.code in set(cls.codes), cls
        assert cls.__doc__


def test_every_documented_code_is_in_the_module_docstring() -> None:
    import drivers.errors

    doc = drivers.errors.__doc__ or ""
    for cls in _errors():
        assert cls.__name__ in doc, cls


def test_a_code_string_is_checked_against_the_enum() -> None:
    assert base.BaseLinkError("port gone", code="base-port").code is BaseCode.PORT
    with pytest.raises(ValueError, match="base-prot"):
        base.BaseLinkError("port gone", code="base-prot")  # a typo fails where it is written


def test_a_bad_url_is_a_device_error_and_a_value_error() -> None:
    with pytest.raises(DeviceError) as caught:
        parse_device_url("floppy://a", {"sim": frozenset()})
    assert isinstance(caught.value, ValueError) and caught.value.code == "device-url"


@pytest.mark.parametrize(
    "error",
    [
        camera.CameraTimeout("no frame within 1 s"),
        base.BaseSilentError("no reply", code="base-silent"),
        audio.AudioDeviceError("no ALSA device hw:2"),
        printer.PrinterOffline("no answer"),
        DeviceURLError("sim://?x=1: unknown option"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_the_kiosk_runs_without_any_broken_device(
    error: DeviceError, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> object:
        raise error

    assert open_optional("part", "sim://", broken) is None
    assert str(error.code) in caplog.text and "TECHNICIAN" in caplog.text
