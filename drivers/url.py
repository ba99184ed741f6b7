"""Parse a device URL and pick its backend by scheme.

Every device is chosen by one URL in config (``usb://04b8:0e15``, ``serial:///dev/ttyUSB0?baud=19200``,
``sim://``). This module holds the parsing shared by all device folders, so that every
folder reports a bad URL the same way: naming the URL, what was wrong, and the schemes it
supports.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit


class DeviceURLError(ValueError):
    """A device URL that cannot be used: unknown scheme, bad host/path or option."""

    code = "device-url"


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


def parse_device_url(raw: str, supported: tuple[str, ...]) -> DeviceURL:
    """Split ``raw`` and check its scheme is one of ``supported``."""
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
    return DeviceURL(raw=raw, scheme=scheme, netloc=parts.netloc, path=parts.path, options=options)
