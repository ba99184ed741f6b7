"""The kiosk's configuration: one TOML file, validated before anything starts.

Every problem becomes one line ``file: key: reason`` so a technician reading the journal
knows exactly what to fix, and the daemon exits non-zero without touching any device.
pydantic does the checking (types, ranges, unknown keys); device URLs are checked by the
drivers' own URL parser so the list of supported schemes has one source.
"""

from __future__ import annotations

import logging
import re
import sys
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from drivers.audio import IN_OPTIONS, OUT_OPTIONS
from drivers.base import URL_OPTIONS as BASE_OPTIONS
from drivers.camera import URL_OPTIONS as CAMERA_OPTIONS
from drivers.lidar import URL_OPTIONS as LIDAR_OPTIONS
from drivers.printer import URL_OPTIONS as PRINTER_OPTIONS
from drivers.url import DeviceURLError, URLOptions, check_device_url
from kiosk.faces.settings import FaceSettings
from kiosk.greeting import GreetingSettings
from kiosk.health import HealthSettings
from kiosk.presence import PresenceSettings
from navigation.settings import NavigationSettings
from speech.settings import SpeechSettings

_LOGGER = logging.getLogger(__name__)

_STRICT = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

# Each device's URL is checked against the options its backends declare (drivers/url.py),
# the very check the driver makes when the daemon opens it; none:// means "not fitted".
_NONE: URLOptions = {"none": frozenset()}
DEVICE_URL_OPTIONS: dict[str, URLOptions] = {
    "printer": PRINTER_OPTIONS,
    "camera": {**CAMERA_OPTIONS, **_NONE},
    "audio_in": {**IN_OPTIONS, **_NONE},
    "audio_out": OUT_OPTIONS,
    "base": {**BASE_OPTIONS, **_NONE},
    "lidar": {**LIDAR_OPTIONS, **_NONE},
}


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` holds one line per problem."""

    code = "config-invalid"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class KioskSection(BaseModel):
    """Who this kiosk is and where it keeps its state."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    """This kiosk's id as central knows it (e.g. "K1")."""
    centre_name: str = Field(min_length=1, max_length=120)
    """The centre's name, printed at the top of every ticket."""
    centre_names: dict[str, str] = {}
    """The centre's name in other languages (``{en = "...", ko = "..."}``), shown on the
    screen's header and printed on the ticket in the visit's language; a language without
    one shows ``centre_name``."""
    state_dir: Path = Path("/var/lib/kiosk")
    """Where the ticket journal, the service cache and ticket previews live."""
    languages: tuple[str, ...] = ("vi", "en", "ko")
    """Languages offered to citizens, first one is the default."""
    catalogue: Path = Path("config/catalogue.toml")
    """Service and procedure names with spoken synonyms per language (voice intents)."""
    timezone: str = "Asia/Ho_Chi_Minh"
    """IANA zone of the centre: the local day of offline numbers and the time printed on
    tickets (set it as central's ``timezone``)."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {zone!r}") from exc
        return zone

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one language is needed")
        for code in value:
            if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", code):
                raise ValueError(f"{code!r} is not a language code like 'vi' or 'en'")
        return value


class CentralSection(BaseModel):
    """How to reach the centre's central queue API."""

    model_config = _STRICT

    url: str = Field(pattern=r"^https?://[^\s/]+(/.*)?$")
    """Base URL of the central queue API, e.g. "http://10.0.0.2:8700"."""
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/.*)?$")
    """Central's address as a citizen's phone reaches it (QR codes); defaults to ``url``."""
    token: str = Field(min_length=8)
    """This kiosk's bearer token (central's config has the same one)."""
    budget_ms: int = Field(default=800, ge=100, le=10_000)
    """How long a citizen waits for central before the kiosk issues an offline number."""
    connect_timeout_s: float = Field(default=0.5, gt=0, le=10)
    """TCP connect timeout for every call to central."""
    offline_prefix: str = Field(pattern=r"^[A-Z0-9]{1,4}$")
    """Prefix of this kiosk's own numbers when central is down ("K1" gives "K1-A007")."""
    breaker_failures: int = Field(default=1, ge=1, le=20)
    """Failed calls in a row after which later citizens go straight to offline numbers
    (until the background sync finds central answering again)."""
    sync_interval_s: float = Field(default=5.0, ge=0.2, le=600)
    """How often offline tickets are replayed to central (and central is probed)."""


class DevicesSection(BaseModel):
    """One URL per device; the scheme picks the backend (see README)."""

    model_config = _STRICT

    printer: str = "sim://"
    """Ticket printer: usb://VID:PID, tcp://HOST:9100, serial:///dev/ttyUSB0?baud=19200,
    file:///path, sim://"""
    printer_timeout_s: float = Field(default=3.0, gt=0, le=30)
    """Write and status timeout for the printer."""
    camera: str = "none://"
    """Camera: v4l2:///dev/video0, dir://path, video://file.mp4, sim://, none://"""
    audio_in: str = "none://"
    """Microphone: alsa://default, wav://dir, sim://, none://"""
    audio_out: str = "null://"
    """Speaker: pygame://, null://, sim://"""
    base: str = "none://"
    """Robot base: serial:///dev/kiosk-base?baud=115200&guard=1 (guard: the stop guard
    process), socket://host:port (ser2net), spy:///dev/ttyUSB0?file=spy.txt, loop://, sim://,
    none:// for a fixed kiosk."""
    lidar: str = "none://"
    """The robot's 2D lidar: rplidar:///dev/kiosk-lidar?baud=115200 (Slamtec RPLIDAR A1/A2),
    sim:// (sees the lobby map and simulated people), none://. Needs a base."""

    @field_validator("printer", "camera", "audio_in", "audio_out", "base", "lidar")
    @classmethod
    def _device_url(cls, value: str, info: ValidationInfo) -> str:
        return _check_url(value, DEVICE_URL_OPTIONS[str(info.field_name)])


class FlowSection(BaseModel):
    """Timeouts of the visitor flow."""

    model_config = _STRICT

    idle_timeout_s: float = Field(default=45, ge=5, le=600)
    """Without a touch for this long, the kiosk returns to the attract screen and forgets."""
    ticket_ready_s: float = Field(default=20, ge=3, le=600)
    """How long the ticket screen stays up (the number stays large) before returning."""


class ScreenSection(BaseModel):
    """The touchscreen."""

    model_config = _STRICT

    width: int = Field(default=1080, ge=320, le=7680)
    """Width in pixels."""
    height: int = Field(default=1920, ge=240, le=7680)
    """Height in pixels."""
    dpi: float = Field(default=96, ge=50, le=600)
    """Dots per inch, used to size touch targets in millimetres."""
    fullscreen: bool = True
    """Open the window fullscreen (off on a developer's laptop)."""


class FeaturesSection(BaseModel):
    """Which menu entries citizens see; a centre switches off what it does not use."""

    model_config = _STRICT

    booking: bool = True
    """Redeem a ticket booked online (typed code; QR when a camera driver exists)."""
    rating: bool = True
    """Rate the service after being served (sent to central)."""
    help: bool = True
    """A "call staff" button on every screen (logs a STAFF line for the floor staff)."""
    procedure_info: bool = False
    """Procedure information: search or browse procedures, their documents, fee, time and
    counters, print the checklist; spoken questions answered aloud."""
    dossier_lookup: bool = False
    """Dossier status look-up: the code typed on a keypad or the receipt's QR code shown to
    the camera; status, dates, what is missing, where to collect (central's answer)."""
    rating_levels: int = Field(default=5, ge=3, le=5)
    """How many levels the rating scale has (3 to 5 faces)."""

    def enabled(self) -> frozenset[str]:
        """The names of the switched-on features, as the visitor flow checks them."""
        names = ("booking", "rating", "help", "procedure_info", "dossier_lookup")
        return frozenset(n for n in names if getattr(self, n))


class TicketsSection(BaseModel):
    """Printing and keeping tickets."""

    model_config = _STRICT

    preview_dir: Path | None = None
    """If set, every printed ticket is also written there as a PNG."""


class KioskConfig(BaseModel):
    """The whole kiosk configuration file."""

    model_config = _STRICT

    kiosk: KioskSection
    central: CentralSection
    devices: DevicesSection = DevicesSection()
    flow: FlowSection = FlowSection()
    screen: ScreenSection = ScreenSection()
    tickets: TicketsSection = TicketsSection()
    navigation: NavigationSettings = NavigationSettings()
    presence: PresenceSettings = PresenceSettings()
    greeting: GreetingSettings = GreetingSettings()
    health: HealthSettings = HealthSettings()
    speech: SpeechSettings | None = None
    """Voice in and out; leave the section out for a kiosk without voice."""
    features: FeaturesSection = FeaturesSection()
    faces: FaceSettings = FaceSettings()
    """Dossier lookup by face (off by default; needs the faces extra and a camera)."""


def _check_url(value: str, options: URLOptions) -> str:
    try:
        return check_device_url(value, options)
    except DeviceURLError as exc:
        raise ValueError(str(exc)) from None


def load_config(path: Path | str, *, overrides: dict[str, Any] | None = None) -> KioskConfig:
    """Read and validate ``path``; raise :class:`ConfigError` with one line per problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: TOML syntax: {exc}"]) from None
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
    _anchor_paths(raw, path.resolve().parent)
    try:
        return KioskConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError([_problem_line(path, err) for err in exc.errors()]) from None


#: where the defaults that name files in this project (the lobby map, the catalogue) live
PROJECT_ROOT = Path(__file__).resolve().parents[1]
_PATH_KEYS = ("kiosk.state_dir", "kiosk.catalogue", "tickets.preview_dir", "navigation.map_path")
_PROJECT_DEFAULTS = {"kiosk.catalogue": "config/catalogue.toml",
                     "navigation.map_path": "config/lobby/lobby.yaml"}


def _anchor_paths(raw: dict[str, Any], config_dir: Path) -> None:
    """Relative paths in the file are relative to the file's folder, and the defaults that
    name project files to the project, so the daemon finds them whatever its working
    directory (systemd starts it in /)."""
    for dotted in _PATH_KEYS:
        *parents, leaf = dotted.split(".")
        node: Any = raw
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get(leaf), str):
            node[leaf] = str(config_dir / Path(node[leaf]).expanduser())
        elif dotted in _PROJECT_DEFAULTS and (node is None or isinstance(node, dict)):
            _set_dotted(raw, dotted, str(PROJECT_ROOT / _PROJECT_DEFAULTS[dotted]))
    languages = raw.get("speech", {}).get("languages", {}) if isinstance(raw.get("speech"), dict) \
        else {}
    for language in languages.values() if isinstance(languages, dict) else ():
        if isinstance(language, dict) and isinstance(language.get("model_path"), str):
            language["model_path"] = str(config_dir / Path(language["model_path"]).expanduser())


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = raw
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value


def _problem_line(path: Path, err: Any) -> str:
    key = ".".join(str(part) for part in err["loc"]) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        reason = "unknown key (typo?)"
    elif kind == "missing":
        reason = "required key is missing"
    else:
        reason = err["msg"].removeprefix("Value error, ")
        if "input" in err and kind not in ("value_error",) and not isinstance(err["input"], dict):
            reason += f" (got {err['input']!r})"
    return f"{path}: {key}: {reason}"


def load_config_or_report(path: Path | str) -> KioskConfig | None:
    """The config, or None after printing one line per problem to stderr (the commands
    then exit 2: a config error does not fix itself by restarting)."""
    try:
        return load_config(path)
    except ConfigError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return None
