"""The services a citizen can choose, as central last described them.

The list comes from central and is cached on disk, so a kiosk restarted during an outage
still shows the same fields and issues offline numbers with the right service prefixes.
A cache file that does not parse is reported and ignored, never trusted.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from pydantic import ValidationError

from kiosk.tickets.wire import CategoryInfo, ServiceInfo, ServicesBody

_LOGGER = logging.getLogger(__name__)


class ServiceCatalogue:
    """Services and priority categories, with an on-disk cache."""

    def __init__(self, cache_path: Path) -> None:
        self._cache_path = cache_path
        self._body = ServicesBody(services=[], priority_categories=[])
        #: True once the list came from central (now or in the cache), False for a fallback
        self.from_central = False
        self._load_cache()

    @property
    def services(self) -> list[ServiceInfo]:
        """The services in central's order."""
        return list(self._body.services)

    @property
    def priority_categories(self) -> list[CategoryInfo]:
        """The priority categories central accepts."""
        return list(self._body.priority_categories)

    def codes(self) -> frozenset[str]:
        """The service codes a citizen may choose."""
        return frozenset(s.code for s in self._body.services)

    def get(self, code: str) -> ServiceInfo | None:
        """A service by code, or None."""
        return next((s for s in self._body.services if s.code == code), None)

    def update(self, body: ServicesBody) -> None:
        """Take central's answer and write it to the cache atomically."""
        self._body = body
        self.from_central = True
        tmp = self._cache_path.with_suffix(".tmp")
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(body.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, self._cache_path)

    def _load_cache(self) -> None:
        try:
            raw = self._cache_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        try:
            self._body = ServicesBody.model_validate(json.loads(raw))
            self.from_central = True
        except (json.JSONDecodeError, ValidationError) as exc:
            _LOGGER.error("%s: service cache unreadable, ignoring it: %s", self._cache_path, exc)

    def fall_back_to(self, path: Path) -> None:
        """Central never reached and nothing cached: offer the services of the kiosk's own
        catalogue at ``path`` (with central's prefixes) until central answers, so citizens
        still get offline numbers (not cached: it did not come from central)."""
        fallback = services_from_voice_catalogue(path)
        if fallback is not None:
            self._body = fallback
            self.from_central = False
            _LOGGER.error("TECHNICIAN: central never reached and no cached service list: "
                          "offering the %d services of %s, offline numbers until it answers",
                          len(fallback.services), path)


def services_from_voice_catalogue(path: Path) -> ServicesBody | None:
    """The services the kiosk's own catalogue names, with central's prefixes, for a kiosk
    that has never reached central: citizens still get (offline) numbers. Services without
    a prefix are left out; counters are unknown until central answers."""
    from speech.catalogue import load_catalogue
    from speech.errors import CatalogueError

    try:
        catalogue = load_catalogue(path)
    except CatalogueError as exc:
        _LOGGER.error("no fallback service list: %s", exc)
        return None
    services = [
        ServiceInfo(code=s.code, prefix=s.prefix,
                    names={lang: names[0] for lang, names in s.names.items() if names})
        for s in catalogue.services if s.prefix
    ]
    return ServicesBody(services=services, priority_categories=[]) if services else None
