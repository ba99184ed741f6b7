"""The procedure catalogue in use on this kiosk, and where it came from.

Order of preference: what central served (kept in ``<state_dir>/procedures.json`` with
its ETag, so a restart while central is down still answers with the centre's own facts),
else the copy bundled in ``config/procedures.yaml`` (a kiosk that never reached central).
A refresh sends the ETag back and central answers 304 until the catalogue changes; a bad
download is logged and the catalogue in use stays.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from kiosk.procedures.model import (
    ProcedureCatalogueError,
    ProcedureInfo,
    parse_document,
    read_file,
)
from kiosk.procedures.remote import ProcedureRemote, RemoteError
from kiosk.procedures.search import Hit, ProcedureIndex

_LOGGER = logging.getLogger(__name__)

BUNDLED = Path(__file__).resolve().parents[2] / "config" / "procedures.yaml"
CACHE_NAME = "procedures.json"


class ProcedureStore:
    """The catalogue, its search index and its origin (``central``, ``cache``, ``bundled``
    or ``none``)."""

    def __init__(self, state_dir: Path | None, bundled: Path = BUNDLED) -> None:
        self.cache_path = state_dir / CACHE_NAME if state_dir is not None else None
        self.etag: str | None = None
        self.origin = "none"
        self._set([])
        if not self._load_cache():
            try:
                self._set(read_file(bundled))
                self.origin = "bundled"
            except ProcedureCatalogueError as exc:
                _LOGGER.error("no procedure catalogue: %s", exc.problems[0])

    def _set(self, procedures: list[ProcedureInfo]) -> None:
        self.procedures = {p.code: p for p in procedures}
        self.index = ProcedureIndex(procedures)

    def _load_cache(self) -> bool:
        if self.cache_path is None or not self.cache_path.exists():
            return False
        try:
            saved = json.loads(self.cache_path.read_text(encoding="utf-8"))
            procedures = parse_document(saved["document"], str(self.cache_path))
            etag = str(saved["etag"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            _LOGGER.warning("procedure cache %s unusable (%s): ignored", self.cache_path, exc)
            return False
        except ProcedureCatalogueError as exc:
            _LOGGER.warning("procedure cache unusable: %s", exc.problems[0])
            return False
        self._set(procedures)
        self.etag, self.origin = etag, "cache"
        return True

    async def refresh(self, remote: ProcedureRemote) -> bool:
        """Ask central for a newer catalogue; True when it changed. Never raises for central
        being down or answering garbage: the catalogue in use stays."""
        try:
            fresh = await remote.catalogue(self.etag)
        except RemoteError as exc:
            _LOGGER.info("procedure catalogue not refreshed: %s", exc)
            return False
        if fresh is None:
            self.origin = "central" if self.origin == "cache" else self.origin
            return False
        try:
            procedures = parse_document(fresh.document, "central /api/v1/procedures")
        except ProcedureCatalogueError as exc:
            _LOGGER.error("central sent a bad catalogue (kept the old one): %s", exc.problems[0])
            return False
        self._set(procedures)
        self.etag, self.origin = fresh.etag, "central"
        self._save(fresh.document)
        _LOGGER.info("procedure catalogue %s: %d procedures", fresh.etag, len(procedures))
        return True

    def _save(self, document: object) -> None:
        if self.cache_path is None:
            return
        try:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.cache_path.with_suffix(".tmp")
            body = json.dumps({"etag": self.etag, "document": document}, ensure_ascii=False)
            temporary.write_text(body, encoding="utf-8")
            os.replace(temporary, self.cache_path)
        except OSError as exc:
            _LOGGER.warning("procedure cache not saved (%s): kept in memory", exc.strerror)

    def get(self, code: str | None) -> ProcedureInfo | None:
        """The procedure with ``code``."""
        return self.procedures.get(code or "")

    def in_field(self, field: str) -> list[ProcedureInfo]:
        """The procedures of one field (ticket service), in catalogue order."""
        return [p for p in self.procedures.values() if p.field == field]

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """Best matches for what the citizen typed or said."""
        return self.index.search(query, limit=limit)
