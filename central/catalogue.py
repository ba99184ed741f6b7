"""The centre as configured, indexed for the request path, plus the clock.

Built once from CentralSettings so no request walks the settings lists; also the one
place that turns instants into the local day (Asia/Ho_Chi_Minh by default, never UTC).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

from central.settings import CentralSettings, CounterSettings, KioskSettings, ServiceSettings

_LOGGER = logging.getLogger(__name__)

Clock = Callable[[], datetime]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_now() -> datetime:
    """The default clock: the current instant, timezone-aware."""
    return datetime.now(UTC)


def fingerprint(body: dict[str, object]) -> str:
    """A stable hash of a request body, to tell an idempotent replay from a conflict."""
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a kiosk (``kind='kiosk'``) or a counter terminal."""

    kind: str
    name: str


class Catalogue:
    """Indexed view of the settings: services, counters, kiosks, tokens, the local day."""

    def __init__(self, settings: CentralSettings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self._clock = clock or utc_now
        self.services: dict[str, ServiceSettings] = {s.code: s for s in settings.services}
        self.counters: dict[str, CounterSettings] = {c.code: c for c in settings.counters}
        self.kiosks: dict[str, KioskSettings] = {k.id: k for k in settings.kiosks}
        #: every kiosk's offline prefix (a number in another kiosk's range is forbidden)
        self.offline_prefixes = frozenset(k.offline_prefix for k in settings.kiosks)
        self.priorities = {p.code for p in settings.priority_categories}
        self.counters_of: dict[str, list[CounterSettings]] = {s: [] for s in self.services}
        for counter in settings.counters:
            for code in counter.services:
                self.counters_of[code].append(counter)
        # service -> (valid until, monotonic clock; mean seconds): see estimate.py
        self.mean_service_cache: dict[str, tuple[float, float]] = {}
        self._tokens: list[tuple[bytes, Principal]] = [
            (k.token.encode(), Principal("kiosk", k.id)) for k in settings.kiosks
        ] + [(c.token.encode(), Principal("counter", c.code)) for c in settings.counters]

    def now(self) -> datetime:
        """The current instant from the injected clock (aware, any offset)."""
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the clock must return timezone-aware datetimes")
        return moment

    def local_day(self, moment: datetime) -> str:
        """The calendar day of ``moment`` in the centre's zone, as YYYY-MM-DD."""
        return moment.astimezone(self.zone).date().isoformat()

    def to_local_iso(self, micros: int) -> str:
        """Epoch microseconds to an ISO 8601 string with the local offset."""
        return datetime.fromtimestamp(micros / 1_000_000, self.zone).isoformat(timespec="seconds")

    def authenticate(self, token: str) -> Principal | None:
        """The principal owning ``token``; every token is compared in constant time."""
        given = token.encode()
        found: Principal | None = None
        for secret, principal in self._tokens:
            # no early exit: the time taken must not tell which token nearly matched
            if hmac.compare_digest(secret, given):
                found = principal
        return found

    def assigns_at_issue(self, service: str) -> bool:
        """Central names the counter when it issues a ticket of ``service`` (the field's
        ``counter_assignment``, else the centre's)."""
        configured = self.services.get(service)
        policy = configured.counter_assignment if configured else None
        return (policy or self.settings.counter_assignment) == "at_issue"

    def counter_ref(self, code: str | None) -> dict[str, str] | None:
        """``{"code", "name"}`` of counter ``code`` (None for none; the code as its name when
        the counter is no longer configured)."""
        if code is None:
            return None
        counter = self.counters.get(code)
        return {"code": code, "name": counter.name if counter else code}

    def counter_refs(self, service: str) -> list[dict[str, str]]:
        """``[{"code", "name"}]`` of the counters serving ``service``."""
        return [{"code": c.code, "name": c.name} for c in self.counters_of.get(service, [])]


def to_micros(moment: datetime) -> int:
    """Aware datetime to integer epoch microseconds."""
    # integer arithmetic: float timestamps can be a microsecond off
    return (moment - _EPOCH) // timedelta(microseconds=1)
