"""The public page of a procedure, ``/p/{code}``: what the kiosk's printed checklist links to.

A citizen scans the QR code on the checklist and reads, on a phone, in the language the
kiosk printed in (``?lang=vi|en|ko``; else the phone's Accept-Language; else Vietnamese):
documents, fees, processing time, steps, where to file, how the result comes back.
Plain escaped HTML, no JavaScript, like the ticket page. The captions are the
``procedure_page_*`` keys of central's catalogues (``central/locales``); the procedure's
own texts come from the procedure catalogue.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from central.pages.i18n import LANGUAGES, translate

_LOGGER = logging.getLogger(__name__)

LANGS = LANGUAGES

KEYS = tuple(
    f"procedure_page_{name}"
    for name in (
        "documents",
        "fees",
        "free",
        "time",
        "steps",
        "who",
        "online",
        "result",
        "legal",
        "sample",
        "original",
        "copy",
        "form",
        "counter",
        "post",
        "online_result",
        "working_days",
        "days",
        "hours",
        "same_day",
        "not_found",
    )
)
"""Every catalogue key this page uses (``central/locales/*.toml``; the tests check them)."""


def label(lang: str, name: str, **values: object) -> str:
    """The caption ``procedure_page_<name>`` in ``lang`` (Vietnamese for another language)."""
    return translate(lang if lang in LANGS else "vi", f"procedure_page_{name}", **values)


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
    text = label(lang, time["unit"], n=time["value"])
    note = tr(time.get("note"), lang)
    return f"{text} ({note})" if note else text


def _document(doc: dict[str, Any], lang: str) -> str:
    parts = []
    if doc.get("originals"):
        parts.append(f"{doc['originals']} {label(lang, 'original')}")
    if doc.get("copies"):
        parts.append(f"{doc['copies']} {label(lang, 'copy')}")
    if doc.get("form"):
        parts.append(f"{label(lang, 'form')} {doc['form']}")
    note = tr(doc.get("note"), lang)
    if note:
        parts.append(note)
    extra = f" ({'; '.join(parts)})" if parts else ""
    return html.escape(tr(doc["name"], lang) + extra)


def render_procedure_page(proc: dict[str, Any], lang: str, centre: str) -> str:
    """The page of one procedure (``proc`` as in the catalogue document)."""

    def items(values: list[str], tag: str = "ul") -> str:
        return f"<{tag}>" + "".join(f"<li>{v}</li>" for v in values) + f"</{tag}>"

    fees = [
        html.escape(f"{tr(f['label'], lang)}: {money(f['amount_vnd'], lang)}")
        for f in proc.get("fees", [])
    ] or [html.escape(label(lang, "free"))]
    if proc.get("exemptions"):
        fees.append(html.escape(tr(proc["exemptions"], lang)))
    where = proc.get("where", {})
    sections = [
        (label(lang, "documents"), items([_document(d, lang) for d in proc["documents"]])),
        (label(lang, "fees"), items(fees)),
        (label(lang, "time"), f"<p>{html.escape(duration(proc['processing_time'], lang))}</p>"),
        (label(lang, "steps"), items([html.escape(tr(s, lang)) for s in proc["steps"]], "ol")),
        (label(lang, "who"), f"<p>{html.escape(tr(proc['who_may_file'], lang))}</p>"),
        (
            label(lang, "result"),
            "<p>"
            + html.escape(
                ", ".join(
                    label(lang, "online_result" if r == "online" else r)
                    for r in proc["result_delivery"]
                )
            )
            + "</p>",
        ),
    ]
    if where.get("online"):
        url = html.escape(where["online"])
        sections.append((label(lang, "online"), f'<p><a href="{url}">{url}</a></p>'))
    if proc.get("legal_basis"):
        sections.append(
            (label(lang, "legal"), items([html.escape(x) for x in proc["legal_basis"]]))
        )
    body = "".join(f"<h2>{html.escape(title)}</h2>{content}" for title, content in sections)
    note = f'<p class="note">{html.escape(label(lang, "sample"))}</p>' if proc.get("sample") else ""
    name = html.escape(tr(proc["name"], lang))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{name}</title><style>{_STYLE}</style></head><body>"
        f"<p>{html.escape(centre)}</p><h1>{name}</h1>{note}{body}</body></html>"
    )


def render_not_found(lang: str) -> str:
    """A 404 page in ``lang``."""
    text = html.escape(label(lang, "not_found"))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{text}</title></head><body><p>{text}</p></body></html>"
    )
