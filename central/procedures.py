"""The procedure catalogue: what a centre tells citizens about each administrative procedure.

A catalogue is a document ``{"format": 1, "procedures": [Procedure...]}``, the same shape
in the YAML/JSON file a centre edits (``config/procedures.yaml`` is a sample), in central's
database and on the wire (``GET /api/v1/procedures``). A procedure holds what Vietnam's
national database of administrative procedures publishes: national code, field (the
ticket service), name and synonyms per language, steps, documents, processing time, fees
with exemptions, who may file, where, how the result is returned and the legal basis.

Validation reports every problem at once, one line each: ``FILE: PROCEDURE: KEY: reason``,
so a technician fixes a spreadsheet in one pass instead of one error per run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from central.errors import CentralError

_LOGGER = logging.getLogger(__name__)

FORMAT = 1
"""The catalogue format version this server reads and writes."""

_LANG = re.compile(r"^[a-z]{2,3}$")
_STRICT = ConfigDict(extra="forbid", frozen=True)


class CatalogueError(CentralError):
    """A catalogue file or import is invalid; ``problems`` holds one line each."""

    status = 422

    def __init__(self, problems: list[str]) -> None:
        super().__init__("bad-catalogue", "\n".join(problems))
        self.problems = problems


def _text(value: dict[str, str]) -> dict[str, str]:
    if "vi" not in value:
        raise ValueError("a 'vi' text is required")
    for lang, text in value.items():
        if not _LANG.match(lang):
            raise ValueError(f"{lang!r} is not a language code like 'vi'")
        if not text.strip():
            raise ValueError(f"the {lang!r} text is empty")
    return value


def _phrases(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for lang, items in value.items():
        if not _LANG.match(lang):
            raise ValueError(f"{lang!r} is not a language code like 'vi'")
        if any(not item.strip() or ";" in item for item in items):
            raise ValueError(f"the {lang!r} synonyms hold an empty phrase or a ';'")
    return value


Text = Annotated[dict[str, str], AfterValidator(_text)]
"""A text per language code; ``vi`` is required."""


class Document(BaseModel):
    """One document of the dossier."""

    model_config = _STRICT

    name: Text
    originals: int = Field(default=0, ge=0, le=20)
    """How many originals (bản chính) to bring."""
    copies: int = Field(default=0, ge=0, le=20)
    """How many copies (bản sao)."""
    form: str | None = Field(default=None, min_length=1, max_length=60)
    """The form's number where the document is a form, e.g. ``Mẫu CT01``."""
    note: Text | None = None


class Fee(BaseModel):
    """A fee or charge (phí, lệ phí) in VND."""

    model_config = _STRICT

    label: Text
    amount_vnd: int = Field(ge=0, le=1_000_000_000)


class ProcessingTime(BaseModel):
    """How long the centre takes (thời hạn giải quyết)."""

    model_config = _STRICT

    value: int = Field(ge=0, le=365)
    unit: Literal["working_days", "days", "hours", "same_day"]
    note: Text | None = None


class Where(BaseModel):
    """Where to file: counters (empty: every counter of the field) and the online portal."""

    model_config = _STRICT

    counters: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")]] = []
    online: str | None = Field(default=None, pattern=r"^https?://\S+$")


class Procedure(BaseModel):
    """One administrative procedure (thủ tục hành chính)."""

    model_config = _STRICT

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,47}$")
    national_code: str | None = Field(default=None, pattern=r"^\d\.\d{6}(\.\d{3})?$")
    """Code in the national database (e.g. ``2.000488``), where known."""
    field: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")
    """The ticket service (lĩnh vực) that handles it."""
    name: Text
    synonyms: Annotated[dict[str, list[str]], AfterValidator(_phrases)] = {}
    """What citizens call it, per language (search and voice)."""
    steps: list[Text] = Field(min_length=1, max_length=30)
    documents: list[Document] = Field(min_length=1, max_length=40)
    processing_time: ProcessingTime
    fees: list[Fee] = Field(default=[], max_length=20)
    """Empty: free of charge."""
    exemptions: Text | None = None
    who_may_file: Text
    where: Where = Where()
    result_delivery: list[Literal["counter", "post", "online"]] = Field(min_length=1)
    legal_basis: list[Annotated[str, Field(min_length=1, max_length=200)]] = []
    source: str = Field(min_length=1, max_length=300)
    """The public source of the facts."""
    sample: bool = False
    """True: a sample entry the centre must check before citizens rely on it."""


def _problem(source: str, procedure: str, err: Mapping[str, Any]) -> str:
    key = ".".join(str(part) for part in err["loc"]) or "(entry)"
    reason = re.sub(r"^Value error, ", "", str(err["msg"]))
    return f"{source}: {procedure}: {key}: {reason}"


def validate_catalogue(
    data: Any,
    source: str,
    *,
    fields: Sequence[str] | None = None,
    counters: Sequence[str] | None = None,
) -> list[Procedure]:
    """Check a parsed catalogue document; CatalogueError lists every problem.

    ``fields``/``counters``: the centre's service and counter codes, when known.
    """
    if not isinstance(data, dict):
        raise CatalogueError([f"{source}: -: (document): expected a table with 'procedures'"])
    problems: list[str] = []
    if data.get("format", FORMAT) != FORMAT:
        problems.append(f"{source}: -: format: {data.get('format')!r} is not format {FORMAT}")
    extra = set(data) - {"format", "procedures"}
    if extra:
        problems.append(f"{source}: -: {', '.join(sorted(extra))}: unknown key")
    raw = data.get("procedures")
    if not isinstance(raw, list):
        raise CatalogueError([*problems, f"{source}: -: procedures: expected a list"])
    found: list[Procedure] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        code = entry.get("code") if isinstance(entry, dict) else None
        label = code if isinstance(code, str) and code else f"#{i + 1}"
        if label in seen:
            problems.append(f"{source}: {label}: code: used by another procedure")
        seen.add(label)
        try:
            proc = Procedure.model_validate(entry)
        except ValidationError as exc:
            problems += [_problem(source, label, err) for err in exc.errors()]
            continue
        if fields is not None and proc.field not in fields:
            problems.append(f"{source}: {label}: field: unknown service {proc.field!r}")
        for counter in proc.where.counters:
            if counters is not None and counter not in counters:
                problems.append(f"{source}: {label}: where.counters: unknown counter {counter!r}")
        found.append(proc)
    if problems:
        raise CatalogueError(problems)
    return found


def document(procedures: Sequence[Procedure]) -> dict[str, Any]:
    """The catalogue document (defaults left out, so files stay short)."""
    return {
        "format": FORMAT,
        "procedures": [p.model_dump(mode="json", exclude_defaults=True) for p in procedures],
    }


def canonical(procedures: Sequence[Procedure]) -> bytes:
    """The document as canonical JSON bytes (sorted keys): stored and served as is."""
    return orjson.dumps(document(procedures), option=orjson.OPT_SORT_KEYS)


def etag_of(body: bytes) -> str:
    """A strong ETag for a canonical body."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def read_catalogue_file(path: Path, **known: Sequence[str] | None) -> list[Procedure]:
    """Read a ``.yaml``/``.yml``/``.json`` catalogue file and validate it."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError([f"{source}: -: (file): cannot read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError([f"{source}: -: (file): not UTF-8: {exc.reason}"]) from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CatalogueError([f"{source}: -: (syntax): {first}"]) from exc
    procedures = validate_catalogue(data, source, **known)
    _LOGGER.info("catalogue %s: %d procedures", source, len(procedures))
    return procedures


def write_catalogue_yaml(procedures: Sequence[Procedure], path: Path) -> None:
    """Write the catalogue as YAML (UTF-8, Vietnamese letters kept readable)."""
    text = yaml.safe_dump(document(procedures), allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
