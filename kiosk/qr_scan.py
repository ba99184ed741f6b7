"""Reading a booking's QR code from the camera while the booking screen is up.

zxing-cpp decodes (a wheel with no system library, unlike pyzbar's libzbar). What a QR
code holds is untrusted: it is cut to a sane length, stripped of control characters and
accepted only when it is a booking code in central's alphabet, alone or at the end of a
URL (``https://.../b/B7K3Q9``). Anything else (a payment QR, a hostile string) becomes a
polite "this is not a booking" on screen and a log line, never a request to central.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from drivers.camera import Camera, CameraError
from kiosk.events import KioskEvent, QRScanned
from kiosk.flow import BOOKING_ALPHABET, BOOKING_CODE_LENGTH
from kiosk.flow_dossier import DOSSIER_CODE

_LOGGER = logging.getLogger(__name__)

#: longest QR text looked at; a booking URL is well under this
MAX_QR_TEXT = 512
_CODE = re.compile(rf"(?:^|/)([{BOOKING_ALPHABET}]{{{BOOKING_CODE_LENGTH}}})/?$")
#: the same QR seen again within this time is one scan, not many
REPEAT_S = 3.0


def booking_code_from_qr(text: str) -> str | None:
    """The booking code a QR code holds, or None when it holds anything else."""
    if not isinstance(text, str) or len(text) > MAX_QR_TEXT:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    match = _CODE.search(text.strip())
    return match.group(1) if match else None


_TICKET = re.compile(r"^https?://[^\s/]+/t/([A-Za-z0-9_-]{8,32})/?$")
_OFFLINE_TICKET = re.compile(r"^https?://[^\s/]+/t/key/([A-Za-z0-9_-]{1,16})/([A-Za-z0-9_-]{8,64})/?$")


def ticket_ref_from_qr(text: str) -> str | None:
    """The ticket a queue ticket's QR names (``https://.../t/{public_id}``, or
    ``.../t/key/{kiosk}/{key}`` printed offline, as ``key:{kiosk}:{key}``), or None."""
    if not isinstance(text, str) or len(text) > MAX_QR_TEXT:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    offline = _OFFLINE_TICKET.match(text.strip())
    if offline:
        return f"key:{offline.group(1)}:{offline.group(2)}"
    match = _TICKET.match(text.strip())
    return match.group(1) if match else None


def dossier_code_from_qr(text: str) -> str | None:
    """The dossier code a receipt's QR holds (alone, or the last part of a URL), or None.

    The same guards as a booking's: a sane length, no control characters, and only
    letters, digits, dots and dashes in the code (central's rule)."""
    if not isinstance(text, str) or len(text) > MAX_QR_TEXT:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    last = text.strip().rstrip("/").rsplit("/", 1)[-1]
    if "/" in text and not text.strip().lower().startswith(("https://", "http://")):
        return None
    return last.upper() if DOSSIER_CODE.match(last.upper()) else None


def decode_qr(pixels: npt.NDArray[np.uint8]) -> list[str]:
    """The texts of the QR codes in an RGB frame."""
    import zxingcpp  # only the kiosk with a camera needs it

    results = zxingcpp.read_barcodes(pixels)
    return [r.text for r in results if r.valid and r.format == zxingcpp.BarcodeFormat.QRCode]


async def scan(camera: Camera, *, active: Callable[[], bool],
               post: Callable[[KioskEvent], None], interval_s: float = 0.2) -> None:
    """While ``active()``, look for QR codes and post each new one as QRScanned."""
    last: tuple[str, float] | None = None
    while active():
        try:
            frame = await asyncio.to_thread(camera.read, 1.0)
        except CameraError as exc:
            _LOGGER.warning("QR scan: %s", exc)
            await asyncio.sleep(1.0)
            continue
        for text in await asyncio.to_thread(decode_qr, frame.pixels):
            now = time.monotonic()
            if last is not None and last[0] == text and now - last[1] < REPEAT_S:
                continue
            last = (text, now)
            code, dossier = booking_code_from_qr(text), dossier_code_from_qr(text)
            ticket = ticket_ref_from_qr(text)
            shown = text[:60].encode("unicode_escape").decode("ascii")
            if ticket is not None:
                dossier = None  # a queue ticket's URL, not a receipt
            if dossier is not None:  # a receipt: its code is never logged (issue 8)
                shown = ""
            elif code is None and ticket is None:
                _LOGGER.warning("QR code that is neither a booking nor a receipt: %r", shown)
            post(QRScanned(code, shown, dossier, ticket))
        await asyncio.sleep(interval_s)
