"""The procedures screen in every language and orientation (normal and large text): the
keyboard with the fields, search results, a field's procedures and a procedure's answer
fit, with touch targets big enough and apart; and what each touch sends."""

from __future__ import annotations

import pygame
import pytest

from kiosk.procedures import phrasing as p
from kiosk.procedures.panel import _document, choice_heading
from kiosk.procedures.store import ProcedureStore
from kiosk.procedures.telex import compose
from kiosk.screen.model import ProcedureDetail, ProcedureItem, ProcedurePanel
from kiosk.screen.touchscreen import TouchScreen

from .screen_models import LANGUAGES, SCREENS, model
from .test_layout import _screen, check, smaller_in_large

STORE = ProcedureStore(None)


def _detail(code: str, lang: str) -> ProcedureDetail:
    proc = STORE.get(code)
    assert proc is not None
    return ProcedureDetail(
        code=code, name=proc.title(lang), field=proc.field,
        documents=tuple(_document(proc.text(d.name, lang), d.originals, d.copies, d.form, lang)
                        for d in proc.documents),
        fee=p.fee_summary(proc, lang), time=p.duration(proc.processing_time, lang),
        steps=tuple(proc.text(s, lang) for s in proc.steps),
        counters=tuple(p.counter_name(c, lang) for c in ("Quầy 1", "Quầy 2", "Quầy 3")),
        sample=proc.sample,
    )


def _panels(lang: str) -> dict[str, ProcedurePanel]:
    typed = "lys lichj tuw phaps"
    hits = STORE.search(compose(typed), limit=6)
    return {
        "fields": ProcedurePanel(),
        "results": ProcedurePanel(query=compose(typed), items=tuple(
            ProcedureItem(h.code, STORE.procedures[h.code].title(lang)) for h in hits)),
        "nothing": ProcedurePanel(query="xyzzy"),
        "field": ProcedurePanel(field_name="Tư pháp", items=tuple(
            ProcedureItem(x.code, x.title(lang)) for x in STORE.in_field("tu-phap"))),
        # the longest answer: four documents with long names
        "answer": ProcedurePanel(detail=_detail("giay-phep-lao-dong", lang)),
        "printing": ProcedurePanel(detail=_detail("ly-lich-tu-phap", lang),
                                   notice="checklist_printing"),
        # a spoken question back: its three procedures under the question
        "choices": ProcedurePanel(
            field_name=choice_heading(lang),
            items=tuple(ProcedureItem(c, STORE.procedures[c].title(lang))
                        for c in ("ket-hon", "khai-tu", "tam-tru"))),
    }


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_procedure_screens_fit(orientation: str, large: bool, language: str,
                               tmp_path_factory: pytest.TempPathFactory) -> None:
    screen = _screen(orientation)
    out = tmp_path_factory.mktemp("procedure-screens")
    problems = []
    for name, panel in _panels(language).items():
        screen.show(model("procedure_info", language, large_text=large, procedure=panel))
        screen.screenshot(out / f"{orientation}-{language}-procedure-{name}.png")
        problems += [f"{name}: {problem}" for problem in check(screen)]
    # on a robot the answer offers to lead the way to the counter
    screen.show(model("procedure_info", language, large_text=large, has_base=True,
                      procedure=_panels(language)["answer"]))
    screen.screenshot(out / f"{orientation}-{language}-procedure-answer-robot.png")
    problems += [f"robot answer: {problem}" for problem in check(screen)]
    assert any(t.target == "guide_me" for t in screen.targets)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("language", LANGUAGES)
def test_large_text_is_never_smaller_on_the_procedure_screens(orientation: str,
                                                               language: str) -> None:
    screen = _screen(orientation)
    problems = []
    for name, panel in _panels(language).items():
        def show(large: bool, panel: ProcedurePanel = panel) -> None:
            screen.show(model("procedure_info", language, large_text=large, procedure=panel))
        problems += [f"{name}: {p}" for p in smaller_in_large(screen, show)]
    assert not problems, "\n".join(problems)


def _targets(screen: TouchScreen) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for t in screen.targets:
        found.setdefault(t.target, []).append(t.value)
    return found


def test_what_the_procedure_screens_offer() -> None:
    screen = _screen("portrait")
    panels = _panels("vi")
    screen.show(model("procedure_info", "vi", procedure=panels["fields"]))
    targets = _targets(screen)
    assert len(targets["proc_key"]) == 28 and "erase" in targets["proc_key"]
    assert "tu-phap" in targets["proc_field"] and targets["back"]
    screen.show(model("procedure_info", "vi", procedure=panels["results"]))
    targets = _targets(screen)
    assert targets["proc_pick"][0] == "ly-lich-tu-phap"
    assert any(d.text == "lý lịch tư pháp" for d in screen.texts)  # Telex composed
    screen.show(model("procedure_info", "vi", procedure=panels["answer"]))
    targets = _targets(screen)
    assert targets["service"] == ["lao-dong-tbxh"] and targets["print_checklist"] == [None]
    texts = [d.text for d in screen.texts]
    assert "Lệ phí: 600.000 đồng" in texts and "Giấy tờ cần mang" in texts
    assert "Nơi nộp hồ sơ: Quầy 1, Quầy 2, Quầy 3" in texts
    assert pygame.display.get_surface() is not None


def test_a_long_answer_in_large_text_pages_and_shows_every_line() -> None:
    """Landscape in large text: the answer is longer than the screen, so it pages (at its
    full size) instead of shrinking; every document and step is on one of the pages."""
    screen = _screen("landscape")
    detail = _panels("vi")["answer"].detail
    assert detail is not None
    seen: list[str] = []
    page = 0
    while True:
        screen.show(model("procedure_info", "vi", large_text=True, page=page,
                          procedure=ProcedurePanel(detail=detail)))
        assert not check(screen)
        seen += [d.text for d in screen.texts]
        if "page_next" not in _targets(screen):
            break
        page += 1
        assert page < 10
    assert page >= 1, "the long answer fits one landscape screen in large text"
    for line in (*detail.documents, *detail.steps):
        assert sum(1 for text in seen if text.endswith(line)) == 1, line
    assert "page_prev" in _targets(screen)  # the last page goes back
