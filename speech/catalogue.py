"""The service catalogue: what a citizen can ask for, in the words they use, per language.

Read from a TOML file (``config/catalogue.toml``; the layout is described at its top).
Every list is checked on load so a technician's typo is named with its key, not found
later as a phrase that never matches.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speech.errors import CatalogueError

_LOGGER = logging.getLogger(__name__)

#: the catalogue shipped with the kiosk
DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "config" / "catalogue.toml"
TOPICS = ("documents", "fees", "processing_time", "where", "overview")
COMMANDS = ("yes", "no", "repeat", "slower", "change_language", "help", "back")

Phrases = Mapping[str, tuple[str, ...]]
"""Phrases per language code; the first one is the display name where it names something."""


@dataclass(frozen=True)
class Procedure:
    """One administrative procedure of a service."""

    code: str
    service: str
    phrases: Phrases


@dataclass(frozen=True)
class Service:
    """One service (field) with its central-server code, names and procedures."""

    code: str
    names: Phrases
    procedures: tuple[Procedure, ...]
    prefix: str | None = None
    """The letter(s) central puts before this service's numbers ("A" for A012); lets the
    kiosk issue offline numbers even before it first reached central."""

    def name(self, lang: str) -> str:
        """Display name in ``lang`` (falls back to the code)."""
        names = self.names.get(lang)
        return names[0] if names else self.code


@dataclass(frozen=True)
class Catalogue:
    """Services, topics, commands, language names and dossier look-up phrases."""

    services: tuple[Service, ...]
    topics: Mapping[str, Phrases] = field(default_factory=dict)
    commands: Mapping[str, Phrases] = field(default_factory=dict)
    languages: Mapping[str, Phrases] = field(default_factory=dict)
    lookup: Phrases = field(default_factory=dict)

    def service(self, code: str) -> Service:
        """The service with ``code``; KeyError names the known codes."""
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(f"unknown service {code!r} ({', '.join(s.code for s in self.services)})")

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        """Every procedure of every service."""
        return tuple(p for s in self.services for p in s.procedures)


def _phrases(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: expected a table of language -> list of phrases")
    result: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if not isinstance(items, list) or not items:
            raise CatalogueError(f"{where}.{lang}: expected a non-empty list of phrases")
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise CatalogueError(f"{where}.{lang}: {item!r} is not a phrase")
        result[lang] = tuple(items)
    return result


def _named_groups(value: Any, where: str, allowed: tuple[str, ...] | None) -> dict[str, Phrases]:
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: expected a table")
    groups: dict[str, Phrases] = {}
    for name, phrases in value.items():
        if allowed is not None and name not in allowed:
            raise CatalogueError(f"{where}.{name}: unknown (known: {', '.join(allowed)})")
        groups[name] = _phrases(phrases, f"{where}.{name}")
    return groups


def parse_catalogue(data: Mapping[str, Any], source: str = "<catalogue>") -> Catalogue:
    """Build a catalogue from parsed TOML; CatalogueError names the bad key."""
    unknown = set(data) - {"services", "topics", "commands", "languages", "lookup"}
    if unknown:
        raise CatalogueError(f"{source}: unknown section(s) {', '.join(sorted(unknown))}")
    raw_services = data.get("services")
    if not isinstance(raw_services, dict) or not raw_services:
        raise CatalogueError(f"{source}: [services] is missing or empty")
    services = []
    for code, body in raw_services.items():
        where = f"{source}: services.{code}"
        if not isinstance(body, dict) or "names" not in body:
            raise CatalogueError(f"{where}: needs a names table")
        extra = set(body) - {"names", "procedures", "prefix"}
        if extra:
            raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        procedures = tuple(
            Procedure(
                code=pcode, service=code, phrases=_phrases(pbody, f"{where}.procedures.{pcode}")
            )
            for pcode, pbody in body.get("procedures", {}).items()
        )
        prefix = body.get("prefix")
        if prefix is not None and not (
            isinstance(prefix, str) and 1 <= len(prefix) <= 3 and prefix.isascii()
            and prefix.isalpha() and prefix.isupper()
        ):
            raise CatalogueError(f"{where}.prefix: {prefix!r} is not 1-3 capital letters")
        services.append(
            Service(
                code=code, names=_phrases(body["names"], f"{where}.names"), procedures=procedures,
                prefix=prefix,
            )
        )
    return Catalogue(
        services=tuple(services),
        topics=_named_groups(data.get("topics", {}), f"{source}: topics", TOPICS),
        commands=_named_groups(data.get("commands", {}), f"{source}: commands", COMMANDS),
        languages=_named_groups(data.get("languages", {}), f"{source}: languages", None),
        lookup=_phrases(data.get("lookup", {}), f"{source}: lookup"),
    )


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> Catalogue:
    """Read and check the catalogue TOML at ``path``."""
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except FileNotFoundError:
        raise CatalogueError(f"{path}: catalogue file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: not valid TOML ({exc})") from exc
    catalogue = parse_catalogue(data, str(path))
    _LOGGER.info(
        "catalogue %s: %d services, %d procedures",
        path,
        len(catalogue.services),
        len(catalogue.procedures),
    )
    return catalogue
