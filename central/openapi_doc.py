"""The published OpenAPI document, made to say what the server really answers.

FastAPI documents each route's declared status and the error bodies listed on its
router. This module adds what a client (or an OpenAPI-driven test such as schemathesis)
must also know: the 200 replay answers of the idempotent POSTs, the HTML 404 of the
public ticket and procedure pages, the ``Allow`` header of a 405, and the service and
priority codes of *this* centre as enums, so that a body the schema accepts is one the
server accepts (a code that only matches the pattern is ``422 unknown-service`` /
``unknown-priority``).
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from central.settings import CentralSettings

_LOGGER = logging.getLogger(__name__)

#: idempotent POSTs: the same key with the same body answers 200 with what 201 created
_REPLAYS = (
    ("/api/v1/tickets", "post"),
    ("/api/v1/bookings", "post"),
    ("/api/v1/ratings", "post"),
    ("/api/v1/help-requests", "post"),
)
_HTML_404 = {
    "description": "No such ticket: a short HTML page saying so",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
_HTML_404_PROCEDURE = {
    "description": "No such procedure: a short HTML page saying so",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}


def install_openapi(app: FastAPI, settings: CentralSettings) -> None:
    """Replace ``app.openapi`` with the completed document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            complete(schema, settings)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(schema: dict[str, Any], settings: CentralSettings) -> None:
    """Add replays, HTML 404s, 405 ``Allow`` and this centre's codes to ``schema``."""
    paths: dict[str, dict[str, Any]] = schema.get("paths", {})
    for path, method in _REPLAYS:
        operation = paths.get(path, {}).get(method)
        created = operation and operation["responses"].get("201")
        if operation is not None and created:
            operation["responses"]["200"] = {
                "description": "A replay: this idempotency key was already used with the same "
                "body; the answer is what was created then",
                "content": created.get("content", {}),
            }
    for path, item in paths.items():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            if path.startswith("/t/"):
                responses["404"] = _HTML_404
            elif path.startswith("/p/"):
                responses["404"] = _HTML_404_PROCEDURE
            responses.setdefault(
                "405",
                {
                    "description": "Method not allowed on this path",
                    "headers": {
                        "Allow": {
                            "description": "The methods this path accepts",
                            "schema": {"type": "string"},
                        }
                    },
                    "content": {"application/json": {"schema": _ERROR_REF}},
                },
            )
    _narrow_codes(schema, settings)


def _narrow_codes(schema: dict[str, Any], settings: CentralSettings) -> None:
    components = schema.get("components", {}).get("schemas", {})
    _ticket_variants(components, settings)
    services = [s.code for s in settings.services]
    priorities = [p.code for p in settings.priority_categories]
    for name in ("BookingRequest",):
        properties = components.get(name, {}).get("properties", {})
        if "service" in properties:
            properties["service"]["enum"] = services
    rating = components.get("RatingRequest", {}).get("properties", {})
    if "counter" in rating:
        codes = [c.code for c in settings.counters]
        rating["counter"] = {
            "anyOf": [{"type": "string", "enum": codes}, {"type": "null"}],
            "title": "Counter",
        }
    for variant in components.get("TicketRequest", {}).get("oneOf", []):
        properties = variant["properties"]
        if "priority" in properties:
            choices: list[dict[str, Any]] = [{"type": "null"}]
            if priorities:
                choices.insert(0, {"type": "string", "enum": priorities})
            properties["priority"] = {
                "anyOf": choices,
                "title": "Priority",
                "description": properties["priority"].get("description", ""),
            }


def _ticket_variants(components: dict[str, Any], settings: CentralSettings) -> None:
    """``TicketRequest`` as one variant per service, so that an offline number's letters
    are tied to its service (``K1-A007`` is a ``tu-phap`` number): JSON Schema has no
    other way to say it. Which kiosk prefix is allowed depends on the token (403 for
    another kiosk's range), so every configured kiosk prefix is documented."""
    base = components.get("TicketRequest")
    offline = components.get("OfflineIssue")
    if base is None or offline is None:
        return
    kiosks = "|".join(re.escape(k.offline_prefix) for k in settings.kiosks) or "[A-Z0-9]{1,4}"
    variants = []
    for service in settings.services:
        properties = copy.deepcopy(base["properties"])
        properties["service"] = {"type": "string", "const": service.code, "title": "Service"}
        number = {
            "type": "string",
            "pattern": f"^({kiosks})-{re.escape(service.prefix)}[0-9]{{3,4}}$",
            "description": "The number the kiosk printed: its prefix, the service's letters",
        }
        issue = copy.deepcopy(offline)
        issue["properties"]["number"] = number
        issue["title"] = f"OfflineIssue ({service.code})"
        properties["offline"] = {"anyOf": [issue, {"type": "null"}]}
        variant = {key: value for key, value in base.items() if key != "properties"}
        variant.update(properties=properties, title=f"TicketRequest ({service.code})")
        variants.append(variant)
    components["TicketRequest"] = {
        "title": "TicketRequest",
        "description": base.get("description", ""),
        "oneOf": variants,
    }
