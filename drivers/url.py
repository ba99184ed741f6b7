"""Parse a device URL and pick its backend by scheme.

Every device is chosen by one URL in config (``usb://04b8:0e15``, ``serial:///dev/ttyUSB0?baud=19200``,
``sim://``). This module holds the parsing shared by all device folders, so that every
folder reports a bad URL the same way: naming the URL, what was wrong, and the schemes it
supports.

Every device folder declares, per scheme, the options its backends read (``URL_OPTIONS``:
scheme -> option names). :func:`parse_device_url` refuses any other option, naming the
ones the scheme takes, so ``sim://?timout=3`` is an error instead of a silent default;
``kiosk check-config`` calls :func:`check_device_url` with the same declarations, so a URL
that passes the check is one the daemon opens.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from drivers.errors import DeviceURLError

__all__ = ["DeviceURL", "DeviceURLError", "URLOptions", "check_device_url", "parse_device_url"]

#: scheme -> the options its backend reads
URLOptions = Mapping[str, Collection[str]]


@dataclass(frozen=True)
class DeviceURL:
    """A parsed device URL: ``scheme://netloc/path?key=value``."""

    raw: str
    scheme: str
    netloc: str
    path: str
    options: dict[str, str]

    def option_int(self, key: str, default: int, *, low: int, high: int) -> int:
        """Read an integer option, checking its range; raise DeviceURLError naming it."""
        value = self.options.get(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise DeviceURLError(
                f"{self.raw}: option {key}={value!r} is not a whole number"
            ) from None
        if not low <= number <= high:
            raise DeviceURLError(f"{self.raw}: option {key}={number} is outside {low}..{high}")
        return number

    def option_float(self, key: str, default: float, *, low: float, high: float) -> float:
        """Read a decimal option, checking its range; raise DeviceURLError naming it."""
        value = self.options.get(key)
        if value is None:
            return default
        try:
            number = float(value)
        except ValueError:
            raise DeviceURLError(f"{self.raw}: option {key}={value!r} is not a number") from None
        if not low <= number <= high:
            raise DeviceURLError(f"{self.raw}: option {key}={number} is outside {low}..{high}")
        return number

    def option_bool(self, key: str, default: bool = False) -> bool:
        """Read a yes/no option (1/0, true/false, yes/no, on/off)."""
        value = self.options.get(key)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise DeviceURLError(f"{self.raw}: option {key}={value!r} is not yes/no")


def parse_device_url(raw: str, supported: URLOptions) -> DeviceURL:
    """Split ``raw``; check its scheme is one of ``supported`` and its options are ones that
    scheme declares. Raises :class:`DeviceURLError` naming what is wrong."""
    if not isinstance(raw, str) or "://" not in raw:
        raise DeviceURLError(
            f"{raw!r} is not a device URL (expected scheme://...; supported: "
            f"{', '.join(s + '://' for s in supported)})"
        )
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in supported:
        raise DeviceURLError(
            f"{raw}: unknown scheme {scheme!r}; "
            f"supported: {', '.join(s + '://' for s in supported)}"
        )
    options: dict[str, str] = {}
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if len(values) != 1:
            raise DeviceURLError(f"{raw}: option {key!r} given {len(values)} times")
        options[key] = values[0]
    unknown = sorted(set(options) - set(supported[scheme]))
    if unknown:
        takes = ", ".join(sorted(supported[scheme])) or "no options"
        raise DeviceURLError(
            f"{raw}: unknown option(s) {', '.join(unknown)}; {scheme}:// takes {takes}"
        )
    return DeviceURL(raw=raw, scheme=scheme, netloc=parts.netloc, path=parts.path, options=options)


def check_device_url(raw: str, supported: URLOptions) -> str:
    """``raw`` if :func:`parse_device_url` accepts it (the config validator's check)."""
    parse_device_url(raw, supported)
    return raw
