"""Spreadsheets in and out of the procedure catalogue (``central catalogue import|export``).

Centres keep their procedure lists in Excel. A procedure's facts are nested (documents with
counts and forms, several fees, steps), so a spreadsheet of one row per procedure would
have to cram lists into cells. This layout has one row per fact instead, and so round-trips
without loss::

    procedure | key                   | value          | vi              | en        | ko
    khai-sinh | field                 | tu-phap        |                 |           |
    khai-sinh | name                  |                | Đăng ký khai sinh | Birth ... | 출생 신고
    khai-sinh | synonyms              |                | khai sinh; làm giấy khai sinh | ... | ...
    khai-sinh | documents.1.name      |                | Tờ khai ...     | ...       | ...
    khai-sinh | documents.1.originals | 1              |                 |           |
    khai-sinh | fees.1.amount_vnd     | 200000         |                 |           |

Language-neutral facts go in ``value``; texts in one column per language (any header that
is a language code). Lists are numbered from 1 (``steps.2``, ``legal_basis.1``); short
lists (``result_delivery``, ``where.counters``, synonyms) are ``;``-separated in a cell.
Every bad row is reported with its row number; nothing is imported unless all rows are good.
openpyxl reads and writes ``.xlsx``; the csv module (UTF-8 with BOM, as Excel writes) the rest.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from central.procedures import (
    CatalogueError,
    Procedure,
    document,
    read_catalogue_file,
    validate_catalogue,
    write_catalogue_yaml,
)

_LOGGER = logging.getLogger(__name__)

FIXED = ("procedure", "key", "value")
_LANG = re.compile(r"^[a-z]{2,3}$")
_TEXT_KEYS = re.compile(
    r"^(name|exemptions|who_may_file|processing_time\.note|steps\.\d+"
    r"|documents\.\d+\.(name|note)|fees\.\d+\.label)$"
)
_INT_KEYS = re.compile(
    r"^(processing_time\.value|documents\.\d+\.(originals|copies)"
    r"|fees\.\d+\.amount_vnd)$"
)
_STR_KEYS = re.compile(
    r"^(field|national_code|source|processing_time\.unit|where\.online"
    r"|documents\.\d+\.form|legal_basis\.\d+)$"
)
_LIST_KEYS = ("result_delivery", "where.counters")

Row = dict[str, str]


def _flatten(
    proc: dict[str, Any], langs: Sequence[str]
) -> Iterator[tuple[str, str, dict[str, str]]]:
    """``(key, value, texts)`` for every fact of a procedure document."""

    def walk(prefix: str, value: Any) -> Iterator[tuple[str, str, dict[str, str]]]:
        if _TEXT_KEYS.match(prefix):
            yield prefix, "", dict(value)
        elif prefix == "synonyms":
            yield prefix, "", {lang: "; ".join(items) for lang, items in value.items()}
        elif prefix in _LIST_KEYS:
            yield prefix, "; ".join(value), {}
        elif isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list):
            for i, inner in enumerate(value, 1):
                yield from walk(f"{prefix}.{i}", inner)
        elif isinstance(value, bool):
            yield prefix, "true" if value else "false", {}
        else:
            yield prefix, str(value), {}

    for key, inner in proc.items():
        if key != "code":
            yield from walk(key, inner)


def to_rows(procedures: Sequence[Procedure]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the spreadsheet form."""
    langs: list[str] = ["vi"]
    for proc in procedures:
        for text in (proc.name, *proc.steps):
            langs += [lang for lang in text if lang not in langs]
    header = [*FIXED, *langs]
    rows = []
    for proc in document(procedures)["procedures"]:
        for key, value, texts in _flatten(proc, langs):
            rows.append([proc["code"], key, value, *(texts.get(lang, "") for lang in langs)])
    return header, rows


def _set(target: dict[str, Any], key: str, value: Any) -> None:
    """Set ``a.2.b`` in nested dicts/lists (list positions from 1)."""
    parts = key.split(".")
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt: Any = value if last else ([] if parts[i + 1].isdigit() else {})
        if part.isdigit():
            index = int(part) - 1
            if index < 0 or index > len(node):
                raise ValueError(f"item {part} follows item {len(node)}: number items 1, 2, 3...")
            if index == len(node):
                node.append(nxt)
            elif last:
                node[index] = value
            node = node[index]
        else:
            if last:
                node[part] = value
            node = node.setdefault(part, nxt)


def _cell(value: str, key: str, texts: dict[str, str]) -> Any:
    is_text = bool(_TEXT_KEYS.match(key)) or key == "synonyms"
    if is_text and value:
        raise ValueError("a text goes in the language columns, not in 'value'")
    if (
        not is_text
        and any(texts.values())
        and (_INT_KEYS.match(key) or _STR_KEYS.match(key) or key in _LIST_KEYS or key == "sample")
    ):
        raise ValueError("this key takes 'value'; the language columns must be empty")
    if _TEXT_KEYS.match(key):
        return {lang: text for lang, text in texts.items() if text}
    if key == "synonyms":
        return {
            lang: [p.strip() for p in t.split(";") if p.strip()]
            for lang, t in texts.items()
            if t.strip()
        }
    if key in _LIST_KEYS:
        return [p.strip() for p in value.split(";") if p.strip()]
    if _INT_KEYS.match(key):
        digits = re.sub(r"[ .,_]", "", value)
        if not digits.isdigit():
            raise ValueError(f"{value!r} is not a whole number")
        return int(digits)
    if key == "sample":
        if value.lower() not in ("true", "false", "1", "0", "yes", "no", "có", "không"):
            raise ValueError(f"{value!r} is not true or false")
        return value.lower() in ("true", "1", "yes", "có")
    if _STR_KEYS.match(key):
        if not value:
            raise ValueError("the value column is empty")
        return value
    raise ValueError("unknown key")


def from_rows(header: Sequence[str], rows: Sequence[Sequence[str]], source: str) -> list[Procedure]:
    """Build and validate the catalogue; CatalogueError names each bad row by number (the
    header is row 1)."""
    names = [h.strip().lower() for h in header]
    if tuple(names[:3]) != FIXED or not all(_LANG.match(n) for n in names[3:]):
        raise CatalogueError(
            [
                f"{source}: row 1: header must be procedure, key, value, then "
                "language codes (vi, en, ko...)"
            ]
        )
    langs = names[3:]
    procs: dict[str, dict[str, Any]] = {}
    row_of: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for number, raw in enumerate(rows, 2):
        cells = [(c or "").strip() for c in raw] + [""] * (len(names) - len(raw))
        if not any(cells):
            continue
        code, key = cells[0], cells[1]
        texts = dict(zip(langs, cells[3:], strict=False))
        try:
            if not code or not key:
                raise ValueError("procedure and key are required")
            value = _cell(cells[2], key, texts)
            _set(procs.setdefault(code, {"code": code}), key, value)
        except (ValueError, AttributeError, TypeError) as exc:
            problems.append(f"{source}: row {number}: {code or '-'}: {key or '-'}: {exc}")
            continue
        row_of[(code, key)] = number
    if problems:
        raise CatalogueError(problems)
    try:
        return validate_catalogue({"procedures": list(procs.values())}, source)
    except CatalogueError as exc:
        raise CatalogueError([_with_row(line, row_of, source) for line in exc.problems]) from exc


def _with_row(line: str, row_of: dict[tuple[str, str], int], source: str) -> str:
    """Add the row number to a validation line ``FILE: CODE: KEY: reason`` when known."""
    parts = line[len(source) + 2 :].split(": ", 2)
    if len(parts) < 3:
        return line
    code, key, _reason = parts
    # pydantic counts list items from 0, the sheet from 1
    sheet_key = re.sub(r"\.(\d+)", lambda m: f".{int(m.group(1)) + 1}", key)
    candidates = [k for (c, k), _n in row_of.items() if c == code]
    for candidate in (sheet_key, *sorted(candidates, key=len, reverse=True)):
        if (code, candidate) in row_of and (
            candidate == sheet_key or sheet_key.startswith(candidate + ".")
        ):
            return f"{source}: row {row_of[(code, candidate)]}: {line[len(source) + 2 :]}"
    return line


def _xlsx_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        values = [[_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    if not values:
        return [], []
    return values[0], values[1:]


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_file(path: Path, **known: Sequence[str] | None) -> list[Procedure]:
    """Read ``.xlsx``, ``.csv``, ``.yaml``/``.yml`` or ``.json`` into a validated catalogue."""
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return read_catalogue_file(path, **known)
    try:
        if suffix == ".xlsx":
            header, rows = _xlsx_rows(path)
        elif suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as stream:
                table = list(csv.reader(stream))
            header, rows = (table[0], table[1:]) if table else ([], [])
        else:
            raise CatalogueError([f"{source}: -: (file): use .xlsx, .csv, .yaml or .json"])
    except OSError as exc:
        raise CatalogueError([f"{source}: -: (file): cannot read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise CatalogueError([f"{source}: -: (file): not UTF-8: {exc.reason}"]) from exc
    except (ValueError, KeyError) as exc:  # openpyxl: not a workbook
        raise CatalogueError([f"{source}: -: (file): not a readable .xlsx: {exc}"]) from exc
    procedures = from_rows(header, rows, source)
    if not procedures:
        raise CatalogueError([f"{source}: -: (file): no procedures in it"])
    if known:
        validate_catalogue(document(procedures), source, **known)
    return procedures


def export_file(procedures: Sequence[Procedure], path: Path) -> None:
    """Write the catalogue as ``.xlsx``, ``.csv`` or ``.yaml`` (by the file's suffix)."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        write_catalogue_yaml(procedures, path)
        return
    header, rows = to_rows(procedures)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(rows)
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "procedures"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        raise CatalogueError([f"{path}: -: (file): use .xlsx, .csv or .yaml"])
