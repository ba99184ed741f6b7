"""Settings of the central queue server, loaded from TOML.

The model is embeddable: the kiosk's config can hold a ``[central]`` table with the same
fields (the demo runs central in-process). Cross-field checks (unknown services on a
counter, duplicate codes, prefixes or tokens) live in a model validator so they also run
when embedded; the loader turns every pydantic error into one line naming the file, the
key and the reason.
"""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from central.errors import ConfigError
from central.face_settings import FaceSettings
from central.pages_settings import PagesSettings

_LOGGER = logging.getLogger(__name__)

_CODE = r"^[a-z0-9][a-z0-9_-]{0,31}$"
_FROZEN = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


CounterAssignment = Literal["at_call", "at_issue"]
"""``at_call``: any counter of the field may call a ticket (the citizen waits in the field's
waiting area); ``at_issue``: central names the counter when the ticket is issued."""


class ServiceSettings(BaseModel):
    """One field (lĩnh vực) citizens queue for."""

    model_config = _FROZEN

    code: str = Field(pattern=_CODE)
    """Stable code used on the wire, e.g. ``tu-phap``."""
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$")
    """Letter(s) in front of the ticket number (``A`` gives ``A001``)."""
    names: dict[str, str] = Field(min_length=1)
    """Display name per language code; ``vi`` is required."""
    default_service_time_s: int = Field(default=300, ge=10, le=7200)
    """Seconds per citizen assumed until enough tickets were completed to measure it."""
    counter_assignment: CounterAssignment | None = None
    """This field's own ``counter_assignment`` (none: the centre's, the top-level key)."""

    @field_validator("names")
    @classmethod
    def _needs_vi(cls, names: dict[str, str]) -> dict[str, str]:
        if "vi" not in names:
            raise ValueError("a 'vi' name is required")
        return names


class CounterSettings(BaseModel):
    """One counter (quầy) and the services it serves."""

    model_config = _FROZEN

    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    """Counter code on the wire, e.g. ``Q1``."""
    name: str = Field(min_length=1, max_length=64)
    """Name shown to citizens, e.g. ``Quầy 1``."""
    services: list[str] = Field(min_length=1)
    """Codes of the services this counter calls tickets for."""
    token: str = Field(min_length=16, max_length=256)
    """Bearer token of the counter's terminal."""
    pin: str | None = Field(default=None, pattern=r"^[0-9]{4,12}$")
    """PIN an officer may type to sign in on ``/counter/`` (the token works too)."""


class KioskSettings(BaseModel):
    """One kiosk allowed to issue tickets."""

    model_config = _FROZEN

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    """Kiosk id, e.g. ``K1``."""
    token: str = Field(min_length=16, max_length=256)
    """Bearer token of the kiosk."""
    offline_prefix: str = Field(pattern=r"^[A-Z0-9]{1,4}$")
    """Prefix of numbers the kiosk issues while central is unreachable (``K1-A007``)."""


class PriorityCategory(BaseModel):
    """A priority category set by law or by the centre's regulation."""

    model_config = _FROZEN

    code: str = Field(pattern=_CODE)
    """Code on the wire, e.g. ``elderly``."""
    names: dict[str, str] = Field(min_length=1)
    """Display name per language code."""


class PriorityPolicy(BaseModel):
    """How priority tickets are ordered against regular ones."""

    model_config = _FROZEN

    policy: Literal["strict", "interleaved"] = "interleaved"
    """``strict``: every priority ticket first; ``interleaved``: one after every N regular."""
    every_n: int = Field(default=5, ge=1, le=100)
    """N for ``interleaved``: regular tickets called between two priority tickets."""


class DossierLookupSettings(BaseModel):
    """Dossier status look-up by kiosks (``GET /api/v1/dossiers/{code}``) and its guards."""

    model_config = _FROZEN

    adapter: str = Field(default="central.dossiers:DatabaseDossiers", pattern=r"^[\w.]+:\w+$")
    """``module:Class`` answering look-ups; the default keeps dossiers in central's database
    (a centre plugs in its provincial system with one class, see docs/wire-api.md)."""
    second_factor: Literal["none", "phone_last4", "birth_year"] = "none"
    """Also require the last 4 digits of the applicant's phone or the birth year."""
    rate_per_minute: int = Field(default=20, ge=1, le=10000)
    """Look-ups one kiosk may make per minute (codes are often sequential: guessable)."""
    max_misses: int = Field(default=5, ge=1, le=1000)
    """Misses in a row (unknown code, wrong second factor) before a kiosk is locked out."""
    lockout_s: int = Field(default=300, ge=1, le=86400)
    """How long a locked-out kiosk gets no answers."""
    log_key: str | None = Field(default=None, min_length=16, max_length=256)
    """Key of the hash under which codes appear in the log (none: random per start)."""


class CentralSettings(BaseModel):
    """Everything the central server needs; see ``config/central.example.toml``."""

    model_config = _FROZEN

    database_url: str = Field(default="sqlite:///central.db", min_length=1)
    """SQLAlchemy URL: ``sqlite:///path.db`` or ``postgresql+psycopg://user@host/db``."""
    public_base_url: str = Field(default="http://127.0.0.1:8700", pattern=r"^https?://\S+$")
    """Base of the public ticket page links (``status_url``), without trailing slash."""
    centre_name: str = Field(default="Trung tâm Phục vụ hành chính công", min_length=1)
    """Name of the centre shown on the public page."""
    timezone: str = "Asia/Ho_Chi_Minh"
    """IANA zone that defines the local day for numbering (never UTC)."""
    sqlite_in_event_loop: bool = True
    """SQLite only: run each (sub-millisecond) transaction on the event loop thread instead
    of a worker thread. Measured 860 vs 450 tickets/s; the cost is that a database locked
    by another process stalls every request for up to the 5 s busy timeout."""
    recent_window: int = Field(default=20, ge=1, le=1000)
    """How many recently completed tickets feed the mean service time."""
    services: list[ServiceSettings] = Field(min_length=1)
    """Services (fields) in display order."""
    counters: list[CounterSettings] = Field(min_length=1)
    """Counters and the services each serves."""
    kiosks: list[KioskSettings] = Field(default_factory=list)
    """Kiosks (and the online portal) allowed to issue tickets."""
    priority_categories: list[PriorityCategory] = Field(default_factory=list)
    """Priority categories a ticket may carry."""
    priority: PriorityPolicy = PriorityPolicy()
    """Priority ordering policy."""
    counter_assignment: CounterAssignment = "at_call"
    """``at_call``: a ticket is for the field and the first free counter of the field calls
    it; ``at_issue``: central assigns an open counter of the field (the one with the fewest
    tickets assigned and waiting) when the ticket is issued, prints it on the ticket, and
    only that counter calls it. A field can override it (``services.counter_assignment``)."""
    pages: PagesSettings = PagesSettings()
    """The counter, display, rating and report pages."""
    faces: FaceSettings = FaceSettings()
    """Face-based dossier lookup: key, retention, limits (off by default)."""
    procedures_file: str | None = None
    """Procedure catalogue (YAML/JSON) loaded when the database holds none yet; relative
    to the settings file. ``central catalogue import`` replaces it later."""
    dossier_lookup: DossierLookupSettings = DossierLookupSettings()
    """Dossier status look-up."""

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ValueError(
                f"{url!r} is not a database URL (sqlite:///FILE or "
                "postgresql+psycopg://USER@HOST/DB)"
            ) from None
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"{parsed.get_backend_name()!r} is not supported: use sqlite:///FILE or "
                "postgresql+psycopg://USER@HOST/DB"
            )
        return url

    @field_validator("public_base_url")
    @classmethod
    def _strip_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {zone!r}") from exc
        return zone

    @model_validator(mode="after")
    def _consistent(self) -> CentralSettings:
        problems: list[str] = []
        problems += _duplicates("services", "code", [s.code for s in self.services])
        problems += _duplicates("services", "prefix", [s.prefix for s in self.services])
        problems += _duplicates("counters", "code", [c.code for c in self.counters])
        problems += _duplicates("kiosks", "id", [k.id for k in self.kiosks])
        problems += _duplicates("kiosks", "offline_prefix", [k.offline_prefix for k in self.kiosks])
        problems += _duplicates(
            "priority_categories", "code", [p.code for p in self.priority_categories]
        )
        tokens = [c.token for c in self.counters] + [k.token for k in self.kiosks]
        if len(set(tokens)) != len(tokens):
            problems.append("counters/kiosks.token: a token is used twice")
        known = {s.code for s in self.services}
        served: set[str] = set()
        for i, counter in enumerate(self.counters):
            for code in counter.services:
                if code not in known:
                    problems.append(f"counters.{i}.services: unknown service {code!r}")
                served.add(code)
        for i, service in enumerate(self.services):
            if service.code not in served:
                problems.append(f"services.{i}: no counter serves {service.code!r}")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def _duplicates(section: str, key: str, values: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for i, value in enumerate(values):
        if value in seen:
            out.append(f"{section}.{i}.{key}: duplicate value {value!r}")
        seen.add(value)
    return out


def format_validation_error(source: str, exc: ValidationError) -> list[str]:
    """One line per problem: ``FILE: key: reason``."""
    lines: list[str] = []
    for err in exc.errors():
        key = ".".join(str(part) for part in err["loc"]) or "(top level)"
        message = re.sub(r"^Value error, ", "", err["msg"])
        for part in message.split("\n"):
            if ": " in part and not err["loc"]:
                lines.append(f"{source}: {part}")
            else:
                lines.append(f"{source}: {key}: {part}")
    return lines


def load_settings(path: str | Path) -> CentralSettings:
    """Read and validate a TOML settings file; raises ConfigError listing every problem."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError([f"{source}: (file): cannot read: {exc.strerror}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{source}: (toml): {exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{source}: (toml): not UTF-8: {exc.reason}"]) from exc
    try:
        settings = CentralSettings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc)) from exc
    if settings.procedures_file and not Path(settings.procedures_file).is_absolute():
        resolved = str(Path(path).resolve().parent / settings.procedures_file)
        settings = settings.model_copy(update={"procedures_file": resolved})
    _LOGGER.info(
        "loaded %s: %d services, %d counters, %d kiosks",
        source,
        len(settings.services),
        len(settings.counters),
        len(settings.kiosks),
    )
    return settings
