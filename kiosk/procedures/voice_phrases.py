"""Procedure names and spoken synonyms for the intent matcher, from the procedure catalogue.

Central's procedure catalogue (docs/wire-api.md) is the one source of what citizens call
each procedure; the voice must not keep a second list in step. The kiosk hands the
catalogue's procedures (wire shape, plain dicts) to these functions (here in kiosk/, which
wires speech/: speech/ may not import the kiosk, and its matcher needs only the result):

- :func:`procedure_phrases` -> ``{lang: {procedure code: (name, synonym, ...)}}``, the
  phrases a matcher compares an utterance with (name first);
- :func:`with_procedures` -> the service catalogue with its procedures replaced by the
  catalogue's (services unknown to it keep theirs), for :class:`speech.intents.IntentParser`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from speech.catalogue import Catalogue, Procedure

_LOGGER = logging.getLogger(__name__)


def procedure_phrases(
    procedures: Iterable[Mapping[str, Any]],
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per language, per procedure code: its name then its synonyms (duplicates dropped)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for proc in procedures:
        names: Mapping[str, str] = proc.get("name") or {}
        synonyms: Mapping[str, list[str]] = proc.get("synonyms") or {}
        for lang in {*names, *synonyms}:
            phrases = [names[lang]] if lang in names else []
            phrases += [s for s in synonyms.get(lang, []) if s not in phrases]
            out.setdefault(lang, {})[str(proc["code"])] = tuple(phrases)
    return out


def with_procedures(catalogue: Catalogue, procedures: Iterable[Mapping[str, Any]]) -> Catalogue:
    """``catalogue`` whose services' procedures come from the procedure catalogue."""
    by_field: dict[str, list[Procedure]] = {}
    listed = list(procedures)
    phrases = procedure_phrases(listed)
    for proc in listed:
        code = str(proc["code"])
        per_lang = {lang: codes[code] for lang, codes in phrases.items() if code in codes}
        by_field.setdefault(str(proc["field"]), []).append(
            Procedure(code=code, service=str(proc["field"]), phrases=per_lang)
        )
    services = tuple(
        replace(s, procedures=tuple(by_field[s.code])) if s.code in by_field else s
        for s in catalogue.services
    )
    return replace(catalogue, services=services)
