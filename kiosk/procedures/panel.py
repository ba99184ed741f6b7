"""The procedures screen's model, built from the visit and the catalogue in use.

The search box shows what the citizen typed composed as Telex ("lys lichj" -> "lý lịch");
with something typed the list holds the best matches, with a field chosen that field's
procedures, with a procedure chosen its answer (documents, fee, time, steps, where).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from kiosk.flow import Visit
from kiosk.procedures import phrasing as p
from kiosk.procedures.desk import ProcedureDesk
from kiosk.procedures.telex import compose
from kiosk.screen.model import DossierPanel, ProcedureDetail, ProcedureItem, ProcedurePanel

_LOGGER = logging.getLogger(__name__)

#: how many results or procedures a list shows
LISTED = 6


def procedure_panel(
    desk: ProcedureDesk, visit: Visit, route_picture: Callable[[str], bytes | None]
) -> ProcedurePanel:
    """What the procedures screen shows for ``visit``."""
    lang = p.lang_of(visit.language)
    store = desk.store
    query = compose(visit.proc_keys)
    if desk.choices:  # a spoken question back: its choices, touchable
        items = tuple(
            ProcedureItem(code, found.title(lang))
            for code in desk.choices[:3]
            if (found := store.get(code)) is not None
        )
        return ProcedurePanel(query=query, field_name=choice_heading(lang), items=items)
    proc = store.get(visit.proc_code)
    if proc is not None:
        counters = desk.counter_names(proc.field)
        detail = ProcedureDetail(
            code=proc.code,
            name=proc.title(lang),
            field=proc.field,
            documents=tuple(
                _document(proc.text(d.name, lang), d.originals, d.copies, d.form, lang)
                for d in proc.documents
            ),
            fee=p.fee_summary(proc, lang),
            time=p.duration(proc.processing_time, lang),
            steps=tuple(proc.text(step, lang) for step in proc.steps),
            counters=tuple(p.counter_name(c, lang) for c in counters),
            sample=proc.sample,
            route_png=route_picture(desk.counter_codes(proc.field)[0])
            if desk.counter_codes(proc.field)
            else None,
        )
        return ProcedurePanel(query=query, detail=detail, notice=visit.proc_notice)
    if query.strip():
        hits = store.search(query, limit=LISTED)
        items = tuple(ProcedureItem(h.code, store.procedures[h.code].title(lang)) for h in hits)
        return ProcedurePanel(query=query, items=items)
    if visit.proc_field is not None:
        items = tuple(
            ProcedureItem(x.code, x.title(lang)) for x in store.in_field(visit.proc_field)
        )
        return ProcedurePanel(
            field_name=desk.field_name(visit.proc_field, lang), items=items[:LISTED]
        )
    return ProcedurePanel()


def choice_heading(lang: str) -> str:
    """The question over the procedures a spoken question could mean ("Which procedure
    do you mean?"): the spoken question back without its list."""
    head = p.ANSWERS[p.lang_of(lang)]["clarify"].split("{choices}")[0].rstrip(": ")
    return head if head.endswith("?") else head + "?"


def _document(name: str, originals: int, copies: int, form: str | None, lang: str) -> str:
    words = {"vi": ("bản chính", "bản sao"), "en": ("original", "copy"), "ko": ("원본", "사본")}
    original, copy = words[lang]
    parts = [f"{originals} {original}"] if originals else []
    parts += [f"{copies} {copy}"] if copies else []
    parts += [form] if form else []
    return f"{name} ({', '.join(parts)})" if parts else name


def dossier_panel(desk: ProcedureDesk, visit: Visit, clock: Callable[[], float]) -> DossierPanel:
    """What the dossier screen shows for ``visit`` (the answer comes from the desk)."""
    look, view = visit.dossier, desk.dossier_shown
    left = look.locked_until - clock() if look.phase == "locked" else 0.0
    locked_min = math.ceil(left / 60) if left > 0 else 0
    panel = DossierPanel(
        phase=look.phase,
        code=look.code,
        factor=look.factor,
        factor_kind=look.factor_kind,
        error=look.error,
        locked_min=locked_min,
    )
    if look.phase != "result" or view is None:
        return panel if look.phase != "result" else DossierPanel()
    lang = p.lang_of(visit.language)
    return DossierPanel(
        phase="result",
        code=view.code,
        procedure=view.procedure_name(lang),
        applicant=view.applicant,
        status=view.status,
        received_on=p.spoken_date(view.received_on, lang),
        appointment_on=p.spoken_date(view.appointment_on, lang) if view.appointment_on else None,
        missing=tuple(view.missing),
        pickup=p.counter_name(view.pickup.name, lang) if view.pickup else None,
        fee_due=p.money(view.fee_due_vnd, lang) if view.fee_due_vnd else "",
        more=len(desk.dossiers_more),
    )
