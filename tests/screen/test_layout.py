"""Every screen in every language and orientation: texts fit, targets are big enough,
targets do not overlap, and every screen is written as a PNG to look at."""

from __future__ import annotations

from collections.abc import Callable

import pygame
import pytest

from kiosk.events import KioskEvent
from kiosk.screen.theme import MIN_TARGET_MM
from kiosk.screen.touchscreen import TouchScreen

from .screen_models import LANGUAGES, SCREENS, STATES, model, services

_SCREENS: dict[str, TouchScreen] = {}


def _screen(name: str) -> TouchScreen:
    _, width, height, dpi = next(s for s in SCREENS if s[0] == name)
    screen = _SCREENS.get(name)
    if screen is None or pygame.display.get_surface() is not screen.surface:
        posted: list[KioskEvent] = []
        screen = TouchScreen(width, height, fullscreen=False, post=posted.append, dpi=dpi)
        _SCREENS.clear()
        _SCREENS[name] = screen
    return screen


def check(screen: TouchScreen) -> list[str]:
    """Everything wrong with the screen as drawn."""
    problems = [f"text overflows {d.box}: {d.text!r} at {d.px}px"
                for d in screen.texts if not d.fits]
    bounds = screen.surface.get_rect()
    targets = [t for t in screen.targets if t.value != "anywhere"]
    smallest = screen.min_target_px
    for t in targets:
        if min(t.rect.width, t.rect.height) < smallest:
            problems.append(f"target {t.target}={t.value} is {t.rect.size}, under {smallest}px")
        if not bounds.contains(t.rect):
            problems.append(f"target {t.target}={t.value} leaves the screen: {t.rect}")
    for i, a in enumerate(targets):
        for b in targets[i + 1:]:
            if a.rect.colliderect(b.rect):
                problems.append(f"targets overlap: {a.target}={a.value} and {b.target}={b.value}")
    for d in screen.texts:
        if not bounds.contains(d.box):
            problems.append(f"text box leaves the screen: {d.text!r} {d.box}")
    return problems


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_fits(orientation: str, large: bool, language: str,
                           tmp_path_factory: pytest.TempPathFactory) -> None:
    screen = _screen(orientation)
    out = tmp_path_factory.mktemp("screens")
    problems = []
    for state in STATES:
        for has_base in (False, True) if state == "ticket_ready" else (False,):
            screen.show(model(state, language, large_text=large, has_base=has_base))
            screen.screenshot(out / f"{orientation}-{language}-{state}-{has_base}.png")
            assert screen.targets, f"{state} has nothing to touch"
            problems += [f"{state}: {p}" for p in check(screen)]
    assert not problems, "\n".join(problems)
    assert len(list(out.glob("*.png"))) == len(STATES) + 1


def test_the_check_catches_an_overflow_and_a_small_target() -> None:
    screen = _screen("portrait")
    screen.show(model("menu", "vi"))
    tiny = pygame.Rect(0, 0, screen.min_target_px - 1, 200)
    screen.canvas.target(tiny, "tiny")
    screen.canvas.text(pygame.Rect(0, 0, 40, 10), "Trung tâm Phục vụ hành chính công", 5, (0, 0, 0))
    problems = check(screen)
    assert any("tiny" in p and "under" in p for p in problems)
    assert any("overflows" in p for p in problems)


def test_min_target_is_15_mm_at_the_configured_dpi() -> None:
    screen = _screen("landscape")
    assert screen.min_target_px == pytest.approx(MIN_TARGET_MM / 25.4 * 149, abs=1)


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
def test_many_services_page_with_big_buttons(orientation: str) -> None:
    screen = _screen(orientation)
    many = services("vi", copies=4)  # 32 services
    codes_seen: list[str] = []
    page, pages = 0, None
    while True:
        screen.show(model("choose_service", "vi", services=many, page=page))
        shown = [t.value for t in screen.targets if t.target == "service"]
        assert shown and not set(shown) & set(codes_seen)
        codes_seen += [c for c in shown if c]
        label = next(d.text for d in screen.texts if d.text.startswith("Trang ") and "/" in d.text)
        if pages is None:
            pages = int(label.split("/")[1])
            assert pages >= 2
        assert label == f"Trang {page + 1} / {pages}"
        has_prev = screen.target_centre("page_prev") is not None
        has_next = screen.target_centre("page_next") is not None
        assert has_prev == (page > 0) and has_next == (page < pages - 1)
        assert not check(screen)
        if not has_next:
            break
        page += 1
    assert codes_seen == [s.code for s in many]


def smaller_in_large(screen: TouchScreen, show: Callable[[bool], None]) -> list[str]:
    """Texts drawn smaller in large text than in normal text (a box that does not grow
    with the letters shrinks them back, below what the citizen had without large text).
    Within 5 % counts as the same size: a button's icon grows with the text and may take
    a pixel of the label's room."""
    show(False)
    normal = {d.text: d.px for d in screen.texts}
    show(True)
    large = {d.text: d.px for d in screen.texts}
    return [f"{words!r} {large[words]}px in large text, {normal[words]}px in normal"
            for words in normal.keys() & large.keys() if large[words] < 0.95 * normal[words]]


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("language", LANGUAGES)
def test_large_text_is_never_smaller_than_normal_text(orientation: str, language: str) -> None:
    screen = _screen(orientation)
    problems = []
    for state in STATES:
        def show(large: bool, state: str = state) -> None:
            screen.show(model(state, language, large_text=large))
        problems += [f"{state}: {p}" for p in smaller_in_large(screen, show)]
    assert not problems, "\n".join(problems)
