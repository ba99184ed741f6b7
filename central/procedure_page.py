"""The public page of a procedure, ``/p/{code}``: what the kiosk's printed checklist links to.

A citizen scans the QR code on the checklist and reads, on a phone, in the language the
kiosk printed in (``?lang=vi|en|ko``; else the phone's Accept-Language; else Vietnamese):
documents, fees, processing time, steps, where to file, how the result comes back.
Plain escaped HTML, no JavaScript, like the ticket page.
"""

from __future__ import annotations

import html
import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)

LANGS = ("vi", "en", "ko")

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "documents": "Giấy tờ cần mang",
        "fees": "Phí, lệ phí",
        "free": "Không mất phí",
        "time": "Thời gian giải quyết",
        "steps": "Các bước",
        "who": "Ai được nộp",
        "where": "Nơi nộp",
        "online": "Nộp trực tuyến",
        "result": "Nhận kết quả",
        "legal": "Căn cứ pháp lý",
        "sample": "Thông tin mẫu: trung tâm đang kiểm tra lại. Vui lòng hỏi quầy trước khi nộp.",
        "original": "bản chính",
        "copy": "bản sao",
        "form": "mẫu",
        "counter": "tại quầy",
        "post": "qua bưu điện",
        "online_result": "trực tuyến",
        "working_days": "{n} ngày làm việc",
        "days": "{n} ngày",
        "hours": "{n} giờ",
        "same_day": "Trong ngày",
        "not_found": "Không tìm thấy thủ tục",
        "vnd": "đồng",
    },
    "en": {
        "documents": "Documents to bring",
        "fees": "Fees and charges",
        "free": "Free of charge",
        "time": "Processing time",
        "steps": "Steps",
        "who": "Who may file",
        "where": "Where to file",
        "online": "File online",
        "result": "How you receive the result",
        "legal": "Legal basis",
        "sample": "Sample information being checked by the centre. Please ask at the counter.",
        "original": "original",
        "copy": "copy",
        "form": "form",
        "counter": "at the counter",
        "post": "by post",
        "online_result": "online",
        "working_days": "{n} working days",
        "days": "{n} days",
        "hours": "{n} hours",
        "same_day": "The same day",
        "not_found": "Procedure not found",
        "vnd": "VND",
    },
    "ko": {
        "documents": "준비 서류",
        "fees": "수수료",
        "free": "무료",
        "time": "처리 기간",
        "steps": "절차",
        "who": "신청 자격",
        "where": "신청 장소",
        "online": "온라인 신청",
        "result": "결과 수령 방법",
        "legal": "법적 근거",
        "sample": "센터에서 확인 중인 예시 정보입니다. 신청 전에 창구에 문의하십시오.",
        "original": "원본",
        "copy": "사본",
        "form": "서식",
        "counter": "창구",
        "post": "우편",
        "online_result": "온라인",
        "working_days": "{n} 근무일",
        "days": "{n}일",
        "hours": "{n}시간",
        "same_day": "당일",
        "not_found": "절차를 찾을 수 없습니다",
        "vnd": "동",
    },
}

_STYLE = (
    "body{font-family:sans-serif;margin:1em;max-width:34em;line-height:1.4}"
    "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.2em}"
    ".note{background:#fff3cd;padding:.5em}"
)


def pick_language(asked: str | None, accept: str) -> str:
    """``?lang=`` when known, else the first known language of Accept-Language, else vi."""
    if asked in LANGS:
        return str(asked)
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGS:
            return code
    return "vi"


def tr(text: dict[str, str] | None, lang: str) -> str:
    """A catalogue text in ``lang``, else in Vietnamese."""
    if not text:
        return ""
    return text.get(lang) or text["vi"]


def money(amount: int, lang: str) -> str:
    """200000 -> "200.000 đồng" (vi), "200,000 VND" (en), "200,000동" (ko)."""
    grouped = f"{amount:,}"
    if lang == "vi":
        return grouped.replace(",", ".") + " đồng"
    return f"{grouped}동" if lang == "ko" else f"{grouped} VND"


def duration(time: dict[str, Any], lang: str) -> str:
    """A processing time as words of ``lang``."""
    labels = LABELS.get(lang, LABELS["vi"])
    text = labels[time["unit"]].format(n=time["value"])
    note = tr(time.get("note"), lang)
    return f"{text} ({note})" if note else text


def _document(doc: dict[str, Any], lang: str, labels: dict[str, str]) -> str:
    parts = []
    if doc.get("originals"):
        parts.append(f"{doc['originals']} {labels['original']}")
    if doc.get("copies"):
        parts.append(f"{doc['copies']} {labels['copy']}")
    if doc.get("form"):
        parts.append(f"{labels['form']} {doc['form']}")
    note = tr(doc.get("note"), lang)
    if note:
        parts.append(note)
    extra = f" ({'; '.join(parts)})" if parts else ""
    return html.escape(tr(doc["name"], lang) + extra)


def render_procedure_page(proc: dict[str, Any], lang: str, centre: str) -> str:
    """The page of one procedure (``proc`` as in the catalogue document)."""
    labels = LABELS.get(lang, LABELS["vi"])

    def items(values: list[str], tag: str = "ul") -> str:
        return f"<{tag}>" + "".join(f"<li>{v}</li>" for v in values) + f"</{tag}>"

    fees = [
        html.escape(f"{tr(f['label'], lang)}: {money(f['amount_vnd'], lang)}")
        for f in proc.get("fees", [])
    ] or [html.escape(labels["free"])]
    if proc.get("exemptions"):
        fees.append(html.escape(tr(proc["exemptions"], lang)))
    where = proc.get("where", {})
    sections = [
        (labels["documents"], items([_document(d, lang, labels) for d in proc["documents"]])),
        (labels["fees"], items(fees)),
        (labels["time"], f"<p>{html.escape(duration(proc['processing_time'], lang))}</p>"),
        (labels["steps"], items([html.escape(tr(s, lang)) for s in proc["steps"]], "ol")),
        (labels["who"], f"<p>{html.escape(tr(proc['who_may_file'], lang))}</p>"),
        (
            labels["result"],
            "<p>"
            + html.escape(
                ", ".join(
                    labels["online_result" if r == "online" else r] for r in proc["result_delivery"]
                )
            )
            + "</p>",
        ),
    ]
    if where.get("online"):
        url = html.escape(where["online"])
        sections.append((labels["online"], f'<p><a href="{url}">{url}</a></p>'))
    if proc.get("legal_basis"):
        sections.append((labels["legal"], items([html.escape(x) for x in proc["legal_basis"]])))
    body = "".join(f"<h2>{html.escape(title)}</h2>{content}" for title, content in sections)
    note = f'<p class="note">{html.escape(labels["sample"])}</p>' if proc.get("sample") else ""
    name = html.escape(tr(proc["name"], lang))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{name}</title><style>{_STYLE}</style></head><body>"
        f"<p>{html.escape(centre)}</p><h1>{name}</h1>{note}{body}</body></html>"
    )


def render_not_found(lang: str) -> str:
    """A 404 page in ``lang``."""
    text = html.escape(LABELS.get(lang, LABELS["vi"])["not_found"])
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{text}</title></head><body><p>{text}</p></body></html>"
    )
