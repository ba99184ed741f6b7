"""The checklist of a procedure, printed on the ticket printer for the citizen to take home.

What to bring (each document with originals, copies and form), fee, time, where, and a QR
code to the procedure's public page on central (``/p/{code}?lang=..``), which the citizen
reads on a phone in the language the kiosk printed in. Drawn as a raster with the ticket's
fonts (Vietnamese on printer code pages is unreliable: DOMAIN.md).
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from PIL.Image import Image

from drivers.printer.base import Cut, PrintJob, RasterImage
from kiosk.procedures import phrasing as p
from kiosk.procedures.model import ProcedureInfo
from kiosk.tickets.render import render_printout

_LOGGER = logging.getLogger(__name__)

LABELS = {
    "vi": {
        "bring": "Giấy tờ cần mang",
        "fee": "Lệ phí",
        "time": "Thời gian giải quyết",
        "where": "Nơi nộp",
        "original": "bản chính",
        "copy": "bản sao",
        "form": "mẫu",
        "scan": "Quét mã để xem đầy đủ trên điện thoại",
        "sample": "Thông tin mẫu, trung tâm đang kiểm tra lại: vui lòng hỏi quầy.",
    },
    "en": {
        "bring": "Documents to bring",
        "fee": "Fee",
        "time": "Processing time",
        "where": "Where to file",
        "original": "original",
        "copy": "copy",
        "form": "form",
        "scan": "Scan for the full page on your phone",
        "sample": "Sample information being checked by the centre: please ask a counter.",
    },
    "ko": {
        "bring": "준비 서류",
        "fee": "수수료",
        "time": "처리 기간",
        "where": "신청 장소",
        "original": "원본",
        "copy": "사본",
        "form": "서식",
        "scan": "휴대폰으로 스캔하여 전체 내용을 확인하십시오",
        "sample": "센터에서 확인 중인 예시 정보입니다. 창구에 문의하십시오.",
    },
}


def public_page_url(public_base: str, code: str, lang: str) -> str:
    """Central's public page of the procedure, in ``lang``."""
    return f"{public_base.rstrip('/')}/p/{quote(code)}?lang={quote(p.lang_of(lang))}"


def checklist_blocks(
    proc: ProcedureInfo, lang: str, centre: str, counters: list[str], public_base: str
) -> list[tuple[str, str]]:
    """The printout as ``(style, text)`` blocks (see ``render_printout``)."""
    lang = p.lang_of(lang)
    words = LABELS[lang]
    blocks = [
        ("title", centre),
        ("rule", ""),
        ("value", proc.title(lang)),
        ("caption", words["bring"]),
    ]
    for i, doc in enumerate(proc.documents, 1):
        parts = []
        if doc.originals:
            parts.append(f"{doc.originals} {words['original']}")
        if doc.copies:
            parts.append(f"{doc.copies} {words['copy']}")
        if doc.form:  # as the form names itself ("Mẫu CT01", "Phụ lục III-1")
            parts.append(doc.form)
        extra = f" ({', '.join(parts)})" if parts else ""
        blocks.append(("body", f"[ ] {i}. {proc.text(doc.name, lang)}{extra}"))
    blocks += [
        ("rule", ""),
        ("caption", words["fee"]),
        ("body", p.fee_summary(proc, lang)),
        ("caption", words["time"]),
        ("body", p.duration(proc.processing_time, lang)),
    ]
    if counters:
        names = ", ".join(p.counter_name(c, lang) for c in counters)
        blocks += [("caption", words["where"]), ("body", names)]
    if proc.sample:
        blocks.append(("small", words["sample"]))
    url = public_page_url(public_base, proc.code, lang)
    blocks += [("qr", url), ("small", words["scan"])]
    return blocks


def render_checklist(
    proc: ProcedureInfo,
    lang: str,
    *,
    centre: str,
    counters: list[str],
    public_base: str,
    width_px: int,
) -> Image:
    """The checklist as a 1-bit image ``width_px`` wide."""
    blocks = checklist_blocks(proc, lang, centre, counters, public_base)
    return render_printout(blocks, width_px)


def checklist_job(image: Image, code: str) -> PrintJob:
    """The print job of a rendered checklist."""
    return PrintJob((RasterImage(image, align="center"), Cut()), label=f"checklist {code}")
