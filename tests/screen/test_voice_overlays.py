"""The voice's overlays on every screen size and language: the question back with its
three choices and the way to a place on the lobby map fit, their targets are big enough,
and a touch on the panel closes it instead of pressing a button hidden under it."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from kiosk.config import load_config
from kiosk.events import KioskEvent, Touch
from kiosk.screen.model import ChoiceButton
from kiosk.screen.touchscreen import TouchScreen
from kiosk.screen_view import ScreenView
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.voice_dialogue import choice_labels, question_for

from .screen_models import LANGUAGES, ROOT, SCREENS, model

CHOICES = ("declare_priority", "queue_status", "take_ticket")


def _way_png(folder: Path) -> bytes | None:
    config = load_config(ROOT / "config" / "kiosk.sim.toml")
    return ScreenView(config, ServiceCatalogue(folder / "services.json")).route_picture("Q5")


@pytest.mark.parametrize("orientation", [s[0] for s in SCREENS])
@pytest.mark.parametrize("language", LANGUAGES)
def test_voice_overlays_fit_and_swallow_touches(
    orientation: str, language: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _, width, height, dpi = next(s for s in SCREENS if s[0] == orientation)
    posted: list[KioskEvent] = []
    screen = TouchScreen(width, height, fullscreen=False, post=posted.append, dpi=dpi)
    out = tmp_path_factory.mktemp("overlays")
    buttons = tuple(
        ChoiceButton(code, label.capitalize()) for code, label in choice_labels(CHOICES, language)
    )
    png = _way_png(out)
    assert png is not None, "the sample lobby map draws a route to Q5"
    for name, changes in (
        ("choices", {"choices": buttons, "choice_question": question_for(CHOICES, language)}),
        ("way", {"way_text": "Counter 5 is straight ahead, about 20 metres away.", "way_png": png}),
    ):
        for large in (False, True):
            screen.show(model("menu", language, large_text=large, **changes))
            screen.screenshot(out / f"{orientation}-{language}-{name}-{large}.png")
            assert all(d.fits for d in screen.texts), [d.text for d in screen.texts if not d.fits]
            bounds = screen.surface.get_rect()
            choices = [t for t in screen.targets if t.target == "voice_choice"]
            assert len(choices) == (3 if name == "choices" else 0)
            for t in choices:
                assert min(t.rect.size) >= screen.min_target_px and bounds.contains(t.rect)
            assert not any(
                a.rect.colliderect(b.rect) for i, a in enumerate(choices) for b in choices[i + 1 :]
            )
            panel = next(t for t in screen.targets if t.target == "close_overlay")
            # a point of the panel outside the choices closes it; a choice is its own
            spot = (panel.rect.left + 2, panel.rect.top + 2)
            posted.clear()
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=spot, button=1))
            screen.pump()
            assert posted == [Touch("close_overlay")]
            if choices:
                posted.clear()
                assert screen.tap("voice_choice", "take_ticket")
                screen.pump()
                assert posted == [Touch("voice_choice", "take_ticket")]
    screen.close()


def test_a_panel_over_a_button_is_known() -> None:
    posted: list[KioskEvent] = []
    screen = TouchScreen(1080, 1920, fullscreen=False, post=posted.append, dpi=102.0)
    buttons = tuple(ChoiceButton(c, label) for c, label in choice_labels(CHOICES, "vi"))
    screen.show(model("menu", "vi", choices=buttons, choice_question="?"))
    # scripted citizens (the demo) put the panel away before pressing what it hides
    assert screen.covered("back") is False  # the footer is not under the panel
    assert screen.covered("voice_choice", "take_ticket") is False
    panel = next(t for t in screen.targets if t.target == "close_overlay")
    drawn_before = screen.targets[: screen.targets.index(panel)]
    hidden = [t for t in drawn_before if panel.rect.collidepoint(t.rect.center)]
    assert hidden and all(screen.covered(t.target, t.value) for t in hidden)
    screen.show(model("menu", "vi"))
    assert not any(screen.covered(t.target, t.value) for t in hidden)
    screen.close()
