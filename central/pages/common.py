"""What every page shares: the Jinja2 templates, the language, forms and tokens."""

from __future__ import annotations

import hmac
import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from central.catalogue import Catalogue
from central.pages.i18n import COOKIE, LANGUAGES, catalogue, page_language, translate
from central.store import Store

_LOGGER = logging.getLogger(__name__)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parents[1] / "templates"))
MAX_FORM_BYTES = 16 * 1024
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어"}


def cat_of(request: Request) -> Catalogue:
    """The app's Catalogue."""
    cat: Catalogue = request.app.state.catalogue
    return cat


def store_of(request: Request) -> Store:
    """The app's Store."""
    store: Store = request.app.state.store
    return store


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render ``template`` in the page's language; remembers a ``?lang=`` choice."""
    lang = context.get("lang") or page_language(request)
    cat = cat_of(request)

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    def service_name(code: str) -> str:
        service = cat.services.get(code)
        if service is None:
            return code
        return service.names.get(lang) or service.names["vi"]

    base = {
        "lang": lang,
        "t": t,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        "centre": cat.settings.centre_name,
        "service_name": service_name,
        "path": request.url.path,
        "translate": translate,
        "known_keys": catalogue("vi"),
    }
    response = TEMPLATES.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="strict")
    return response


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (first value of each field).

    Parsed here with the standard library: the pages' forms are a few short fields, and
    this spares the server the python-multipart dependency.
    """
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {key: values[0] for key, values in fields.items() if values}


def display_token_ok(request: Request) -> bool:
    """The ``?token=`` of a hall display or rating tablet is one of the configured ones."""
    given = request.query_params.get("token", "").encode()
    found = False
    for token in cat_of(request).settings.pages.display_tokens:
        found |= bool(given) and hmac.compare_digest(given, token.encode())
    return found


def refuse(request: Request, key: str, status_code: int) -> HTMLResponse:
    """A plain error page with the message ``key``."""
    return render(request, "error.html", {"message_key": key}, status_code=status_code)
