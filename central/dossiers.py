"""Dossier status: the adapter interface, the reference adapter and what a kiosk may show.

A centre's dossiers live in its provincial system (the "một cửa điện tử" software); the
kiosk only asks "what is the status of dossier X". ``DossierAdapter`` is that one question;
a centre plugs in its provincial system by writing one subclass and naming it in central's
settings (``[dossier_lookup] adapter = "mymodule:ProvinceDossiers"``). The reference
adapter, ``DatabaseDossiers``, keeps dossiers in central's own database, filled by the
counters' endpoints (``POST /api/v1/dossiers`` and ``.../status``).

What leaves central for a public screen is ``public_view``: never the full name (it is
masked, "Nguyễn Văn An" -> "Nguyễn V. A."), never the phone or birth year.
"""

from __future__ import annotations

import abc
import importlib
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, insert, select, update

from central.db import dossiers
from central.errors import Conflict, NotFound
from central.settings import CentralSettings
from central.store import Store

_LOGGER = logging.getLogger(__name__)

STATUSES = ("received", "in_progress", "needs_documents", "ready", "returned")
"""Statuses a counter sets; ``overdue`` is derived (appointment passed, not yet ready)."""
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.\-]{3,39}$"
"""Dossier codes as centres print them: letters, digits, dots and dashes."""


@dataclass(frozen=True)
class Dossier:
    """A dossier as an adapter returns it (full data: it stays inside central)."""

    code: str
    applicant_name: str
    status: str
    received_on: str
    procedure: str | None = None
    procedure_name: dict[str, str] | None = None
    appointment_on: str | None = None
    completed_on: str | None = None
    missing: list[str] = field(default_factory=list)
    pickup_counter: str | None = None
    fee_due_vnd: int = 0
    phone_last4: str | None = None
    birth_year: int | None = None


class DossierAdapter(abc.ABC):
    """The one question central asks a dossier system. Subclass it for a provincial system:
    ``__init__(settings, store)``, then ``find``."""

    def __init__(self, settings: CentralSettings, store: Store) -> None:
        self.settings = settings
        self.store = store

    @abc.abstractmethod
    async def find(self, code: str) -> Dossier | None:
        """The dossier with ``code`` (already validated against CODE_PATTERN), or None."""


def load_adapter(settings: CentralSettings, store: Store) -> DossierAdapter:
    """Instantiate the ``module:Class`` named in the settings."""
    module_name, _, class_name = settings.dossier_lookup.adapter.partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, DossierAdapter)):
        raise TypeError(f"{settings.dossier_lookup.adapter} is not a DossierAdapter")
    adapter: DossierAdapter = cls(settings, store)
    return adapter


def _from_row(row: Any) -> Dossier:
    return Dossier(
        code=row.code,
        applicant_name=row.applicant_name,
        status=row.status,
        received_on=row.received_on,
        procedure=row.procedure,
        procedure_name=orjson.loads(row.procedure_name) if row.procedure_name else None,
        appointment_on=row.appointment_on,
        completed_on=row.completed_on,
        missing=orjson.loads(row.missing),
        pickup_counter=row.pickup_counter,
        fee_due_vnd=row.fee_due_vnd,
        phone_last4=row.phone_last4,
        birth_year=row.birth_year,
    )


def get_dossier(conn: Connection, code: str) -> Dossier | None:
    """The stored dossier (reference adapter), codes compared case-insensitively."""
    row = conn.execute(select(dossiers).where(dossiers.c.code == code.upper())).one_or_none()
    return None if row is None else _from_row(row)


def create_dossier(conn: Connection, body: dict[str, Any], now_us: int) -> Dossier:
    """Store a new dossier; 409 duplicate-dossier when the code exists."""
    code = body["code"].upper()
    if get_dossier(conn, code) is not None:
        raise Conflict("duplicate-dossier", f"dossier {code} already exists")
    phone = body.get("phone")
    conn.execute(
        insert(dossiers).values(
            code=code,
            procedure=body.get("procedure"),
            procedure_name=orjson.dumps(body["procedure_name"]).decode()
            if body.get("procedure_name")
            else None,
            applicant_name=body["applicant_name"],
            status="received",
            received_on=body["received_on"],
            appointment_on=body.get("appointment_on"),
            missing="[]",
            fee_due_vnd=0,
            phone_last4=re.sub(r"\D", "", phone)[-4:] if phone else None,
            birth_year=body.get("birth_year"),
            updated_us=now_us,
        )
    )
    found = get_dossier(conn, code)
    assert found is not None
    return found


def set_status(conn: Connection, code: str, body: dict[str, Any], now_us: int) -> Dossier:
    """Change a dossier's status (and what goes with it); 404 unknown-dossier."""
    if get_dossier(conn, code) is None:
        raise NotFound("unknown-dossier", "no such dossier")
    status = body["status"]
    values: dict[str, Any] = {
        "status": status,
        "missing": orjson.dumps(body.get("missing") or []).decode(),
        "pickup_counter": body.get("pickup_counter"),
        "fee_due_vnd": body.get("fee_due_vnd") or 0,
        "updated_us": now_us,
    }
    if body.get("appointment_on"):
        values["appointment_on"] = body["appointment_on"]
    values["completed_on"] = body.get("completed_on") if status in ("ready", "returned") else None
    conn.execute(update(dossiers).where(dossiers.c.code == code.upper()).values(**values))
    found = get_dossier(conn, code)
    assert found is not None
    return found


class DatabaseDossiers(DossierAdapter):
    """The reference adapter: dossiers in central's own database."""

    async def find(self, code: str) -> Dossier | None:
        """Look the code up in the ``dossiers`` table."""
        return await self.store.run(lambda conn: get_dossier(conn, code), read_only=True)


def mask_name(name: str) -> str:
    """ "Nguyễn Văn An" -> "Nguyễn V. A."; the family name stays, the rest become initials."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0], *(w[0].upper() + "." for w in words[1:])])


def shown_status(dossier: Dossier, today: str) -> str:
    """The status a citizen sees: ``overdue`` once the appointment passed while in work."""
    if (
        dossier.status in ("received", "in_progress")
        and dossier.appointment_on is not None
        and dossier.appointment_on < today
    ):
        return "overdue"
    return dossier.status


def public_view(
    dossier: Dossier, today: str, procedure_names: dict[str, str] | None, counter_name: str | None
) -> dict[str, Any]:
    """The wire ``Dossier`` a kiosk may show on a public screen."""
    status = shown_status(dossier, today)
    pickup = None
    if status == "ready" and dossier.pickup_counter:
        pickup = {"code": dossier.pickup_counter, "name": counter_name or dossier.pickup_counter}
    return {
        "code": dossier.code,
        "procedure": {
            "code": dossier.procedure,
            "names": procedure_names or dossier.procedure_name or {},
        },
        "applicant": mask_name(dossier.applicant_name),
        "status": status,
        "received_on": dossier.received_on,
        "appointment_on": dossier.appointment_on,
        "completed_on": dossier.completed_on,
        "missing": dossier.missing if status == "needs_documents" else [],
        "pickup": pickup,
        "fee_due_vnd": dossier.fee_due_vnd if status == "ready" else 0,
    }


def is_date(text: str) -> bool:
    """True for a real YYYY-MM-DD date."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
