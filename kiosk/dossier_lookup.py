"""The daemon's side of a dossier look-up (issue 8): ask central, post the answer, log
only a keyed hash of the code and the outcome, keep codes out of the transcript.

The hash key is drawn when the process starts (``secrets``): lines of one run can be
matched with each other ("the same code tried five times"), but a code cannot be found
back from the log by hashing guesses offline, and no key has to be configured or kept.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from kiosk.events import DossierAnswer, KioskEvent
from kiosk.flow_dossier import DossierLook
from kiosk.procedures.desk import ProcedureDesk
from kiosk.procedures.remote import RemoteError

_LOGGER = logging.getLogger(__name__)

_KEY = secrets.token_bytes(16)
_IN_PATH = re.compile(r"(/api/v1/dossiers/)([^\s\"?/]+)")


def keyed_hash(code: str) -> str:
    """A short keyed hash of a dossier code, for the log."""
    return hmac.new(_KEY, code.upper().encode(), hashlib.sha256).hexdigest()[:12]


class _NoCodesInUrls(logging.Filter):
    """httpx logs every request's URL at INFO: a dossier code in a path becomes its hash."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/api/v1/dossiers/" in message:
            record.msg = _IN_PATH.sub(lambda m: m.group(1) + "#" + keyed_hash(m.group(2)), message)
            record.args = ()
        return True


logging.getLogger("httpx").addFilter(_NoCodesInUrls())


def redact(event: dict[str, Any]) -> dict[str, Any]:
    """A described event (kiosk.events.describe) without a dossier code or factor in it:
    typed keys become "*", a scanned receipt's code its keyed hash."""
    if event.get("type") == "Touch" and event.get("target") in ("dossier_key", "face_key"):
        if event.get("value") not in ("erase", "ok"):
            return {**event, "value": "*"}
    if event.get("type") == "QRScanned" and event.get("dossier"):
        return {**event, "dossier": "#" + keyed_hash(str(event["dossier"]))}
    return event


async def look_up(
    desk: ProcedureDesk, look: DossierLook, language: str, post: Callable[[KioskEvent], None]
) -> None:
    """Ask central for ``look.code`` (with the factor, if typed); post DossierAnswer."""
    desk.show_dossiers([])
    tag = keyed_hash(look.code)
    try:
        view = await desk.lookup(look.code, language, look.factor or None)
    except RemoteError as exc:
        _LOGGER.info("dossier #%s: %s", tag, exc.code)
        post(DossierAnswer(False, None, exc.code, exc.retry_after_s, exc.factor_kind))
        return
    desk.show_dossiers([view])
    _LOGGER.info("dossier #%s: found (%s)", tag, view.status)
    post(DossierAnswer(True, view.status))
