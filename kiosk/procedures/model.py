"""The procedure catalogue as the kiosk reads it (docs/wire-api.md, "Procedure catalogue").

The kiosk shares no code with central (ARCHITECTURE.md), so the wire shape is declared
again here, leniently: unknown keys are ignored (a newer central may add some), but what
the screens and the voice need is checked, with one line per problem naming the source,
the procedure, the key and the reason, like central's own check.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

_LOGGER = logging.getLogger(__name__)

_LENIENT = ConfigDict(extra="ignore", frozen=True)
Text = dict[str, str]


class ProcedureCatalogueError(Exception):
    """A catalogue that cannot be used; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class DocumentInfo(BaseModel):
    """A document to bring."""

    model_config = _LENIENT
    name: Text
    originals: int = Field(default=0, ge=0)
    copies: int = Field(default=0, ge=0)
    form: str | None = None
    note: Text | None = None


class FeeInfo(BaseModel):
    """A fee in VND."""

    model_config = _LENIENT
    label: Text
    amount_vnd: int = Field(ge=0)


class TimeInfo(BaseModel):
    """Processing time."""

    model_config = _LENIENT
    value: int = Field(ge=0)
    unit: str = Field(pattern=r"^(working_days|days|hours|same_day)$")
    note: Text | None = None


class WhereInfo(BaseModel):
    """Where to file."""

    model_config = _LENIENT
    counters: list[str] = []
    online: str | None = None


class ProcedureInfo(BaseModel):
    """One procedure, as the screens and the voice use it."""

    model_config = _LENIENT
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,47}$")
    national_code: str | None = None
    field: str = Field(min_length=1, max_length=32)
    name: Text
    synonyms: dict[str, list[str]] = {}
    steps: list[Text] = Field(min_length=1)
    documents: list[DocumentInfo] = Field(min_length=1)
    processing_time: TimeInfo
    fees: list[FeeInfo] = []
    exemptions: Text | None = None
    who_may_file: Text
    where: WhereInfo = WhereInfo()
    result_delivery: list[str] = []
    legal_basis: list[str] = []
    source: str = ""
    sample: bool = False

    def text(self, value: Text | None, lang: str) -> str:
        """A text in ``lang``, else Vietnamese ("" for none)."""
        if not value:
            return ""
        return value.get(lang) or value.get("vi") or next(iter(value.values()), "")

    def title(self, lang: str) -> str:
        """The procedure's name in ``lang``."""
        return self.text(self.name, lang)


def parse_document(data: Any, source: str) -> list[ProcedureInfo]:
    """Check a catalogue document; ProcedureCatalogueError lists every problem."""
    if not isinstance(data, dict) or not isinstance(data.get("procedures"), list):
        raise ProcedureCatalogueError([f"{source}: -: procedures: expected a list"])
    problems: list[str] = []
    found: list[ProcedureInfo] = []
    seen: set[str] = set()
    for i, entry in enumerate(data["procedures"]):
        code = entry.get("code") if isinstance(entry, dict) else None
        label = code if isinstance(code, str) and code else f"#{i + 1}"
        try:
            proc = ProcedureInfo.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                key = ".".join(str(p) for p in err["loc"]) or "(entry)"
                reason = re.sub(r"^Value error, ", "", err["msg"])
                problems.append(f"{source}: {label}: {key}: {reason}")
            continue
        if "vi" not in proc.name:
            problems.append(f"{source}: {label}: name: a 'vi' name is required")
        if proc.code in seen:
            problems.append(f"{source}: {label}: code: used by another procedure")
        seen.add(proc.code)
        found.append(proc)
    if problems:
        raise ProcedureCatalogueError(problems)
    return found


def read_file(path: Path) -> list[ProcedureInfo]:
    """Read a ``.yaml``/``.json`` catalogue file (the bundled copy or the cache)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except OSError as exc:
        raise ProcedureCatalogueError([f"{path}: -: (file): {exc.strerror}"]) from exc
    except (ValueError, yaml.YAMLError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ProcedureCatalogueError([f"{path}: -: (syntax): {first}"]) from exc
    return parse_document(data, str(path))
