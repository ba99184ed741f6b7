"""The pygame touchscreen: renders what the flow says and turns touches into events.

It decides nothing. :meth:`TouchScreen.show` draws a :class:`ScreenModel` (through the
``draw_<state>`` functions of the screen modules) and remembers every text box and touch
target it drew (:attr:`TouchScreen.texts`, :attr:`TouchScreen.targets`) so tests can check
them; :meth:`TouchScreen.pump` turns mouse/finger events into :class:`~kiosk.events.Touch`
by hit-testing those targets. A touch that hits no target still posts ``Touch("screen")``:
the flow ignores it but the daemon restarts the idle timer, so "touch to continue" works.
Scripted citizens tap a target by posting a real pygame mouse event at its centre.

Animation (the rotating greeting, the idle countdown) redraws only its own region over a
snapshot of the static screen, so a frame costs a few blits.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import pygame

from kiosk.events import KioskEvent, Shutdown, Touch, TouchValue
from kiosk.screen import frame as frames
from kiosk.screen import (
    screens_dossier,
    screens_forms,
    screens_main,
    screens_overlay,
    screens_procedures,
    screens_ticket,
)
from kiosk.screen.canvas import Canvas, DrawnText, Target
from kiosk.screen.model import PriorityButton, ScreenModel, ServiceButton, TicketPanel
from kiosk.screen.texts import text
from kiosk.screen.theme import BACKGROUND, GO, WARNING_S, Metrics

__all__ = ["PriorityButton", "ScreenModel", "ServiceButton", "TicketPanel", "TouchScreen"]

_LOGGER = logging.getLogger(__name__)

Draw = Callable[[Canvas, ScreenModel, frames.Frame], object]

DRAWERS: dict[str, Draw] = {
    "idle": screens_main.draw_idle,
    "menu": screens_main.draw_menu,
    "choose_service": screens_main.draw_choose_service,
    "choose_priority": screens_main.draw_choose_priority,
    "help": screens_main.draw_help,
    "procedure_info": screens_procedures.draw_procedure_info,
    "dossier_lookup": screens_dossier.draw_dossier_lookup,
    "ticket_ready": screens_ticket.draw_ticket_ready,
    "booking": screens_forms.draw_booking,
    "rating": screens_forms.draw_rating,
    "rating_sent": screens_forms.draw_rating_sent,
    "redeeming": lambda c, m, f: screens_main.draw_message(c, m, f, "redeeming"),
    "issue_ticket": lambda c, m, f: screens_main.draw_message(c, m, f, "issuing"),
}

#: states whose timer is the idle timeout: they show the countdown before it runs out
COUNTDOWN_STATES = frames.BACK_STATES | {"ticket_ready"}


class TouchScreen:
    """One pygame window (or an off-screen surface under SDL's dummy driver)."""

    def __init__(
        self,
        width: int,
        height: int,
        *,
        fullscreen: bool,
        post: Callable[[KioskEvent], None],
        dpi: float = 96.0,
    ) -> None:
        pygame.display.init()
        pygame.font.init()
        flags = (
            pygame.FULLSCREEN if fullscreen and os.environ.get("SDL_VIDEODRIVER") != "dummy" else 0
        )
        self.surface = pygame.display.set_mode((width, height), flags)
        pygame.display.set_caption("kiosk")
        self.width, self.height = width, height
        self._post = post
        self.dpi = dpi
        self.canvas = Canvas(self.surface, Metrics(width, height, dpi))
        self.model: ScreenModel | None = None
        self.time_left: Callable[[], float | None] = lambda: None
        self._static: pygame.Surface | None = None
        self._static_texts = 0
        self._greeting: pygame.Rect | None = None
        self._shown_at = time.monotonic()
        self._countdown: tuple[int, pygame.Rect] | None = None

    def configure(
        self, *, dpi: float | None = None, time_left: Callable[[], float | None] | None = None
    ) -> None:
        """Set the screen's DPI (touch targets in mm) and where the idle countdown reads."""
        if dpi is not None:
            self.dpi = dpi
        if time_left is not None:
            self.time_left = time_left

    @property
    def texts(self) -> list[DrawnText]:
        """Every caption drawn on the current screen (box, size, whether it fitted)."""
        return self.canvas.texts

    @property
    def targets(self) -> list[Target]:
        """Every touch target on the current screen."""
        return self.canvas.targets

    @property
    def min_target_px(self) -> int:
        """The smallest allowed touch target side on this screen."""
        return self.canvas.metrics.min_target_px

    # -- drawing --------------------------------------------------------------------

    def show(self, model: ScreenModel) -> None:
        """Draw ``model`` and flip the display."""
        self.model = model
        self.canvas.metrics = Metrics(self.width, self.height, self.dpi, model.large_text)
        self.canvas.clear(BACKGROUND)
        frame = frames.layout(self.canvas)
        frames.draw_header(self.canvas, model, frame)
        draw = DRAWERS.get(model.state)
        result = (
            draw(self.canvas, model, frame)
            if draw
            else screens_main.draw_message(self.canvas, model, frame)
        )
        if model.error and model.state not in ("booking",):
            box = pygame.Rect(
                frame.content.left,
                frame.content.bottom - self.canvas.metrics.px(12),
                frame.content.width,
                self.canvas.metrics.px(11),
            )
            frames.banner(self.canvas, box, text(model.language, model.error))
        if model.choices:  # voice asked back: its choices over whatever is shown
            screens_overlay.draw_choices(self.canvas, model, frame)
        elif model.way_text:  # voice answered "where is ...": the way on the lobby map
            screens_overlay.draw_way(self.canvas, model, frame)
        self._greeting = result if isinstance(result, pygame.Rect) else None
        # Only the regions the animation redraws are kept, not the whole screen: a full
        # copy of 1080x1920 costs 2 ms of every page turn.
        self._static = self.surface.subsurface(self._greeting).copy() if self._greeting else None
        self._countdown_at = frames.countdown_rect(self.canvas, frame)
        self._under_countdown = self.surface.subsurface(self._countdown_at).copy()
        self._static_texts = len(self.canvas.texts)
        self._shown_at = time.monotonic()
        self._countdown = None
        self.tick(force=True)

    def tick(self, now: float | None = None, *, force: bool = False) -> bool:
        """Advance the animation; returns True if something was redrawn."""
        model = self.model
        if model is None:
            return False
        t = (time.monotonic() if now is None else now) - self._shown_at
        dirty: list[pygame.Rect] = []
        if self._greeting is not None and self._static is not None:
            dirty += self._animate_greeting(model, self._static, t)
        dirty += self._animate_countdown(model, force)
        if dirty or force:
            if force:
                pygame.display.flip()
            else:
                pygame.display.update(dirty)
            return True
        return False

    def _animate_greeting(
        self, model: ScreenModel, static: pygame.Surface, t: float
    ) -> list[pygame.Rect]:
        box = self._greeting
        assert box is not None
        del self.canvas.texts[self._static_texts :]
        self.surface.blit(static, box)
        language, pulse = screens_main.greeting_phase(t, model.languages)
        if model.person_seen:
            language = model.language
        self.canvas.text(box, text(language, "welcome"), 7.5, (255, 255, 255), bold=True)
        bar = pygame.Rect(box.left + box.width // 4, box.bottom - 8, box.width // 2, 6)
        pygame.draw.rect(self.surface, GO, bar.inflate(int(-bar.width * (1 - pulse)), 0))
        return [box]

    def _animate_countdown(self, model: ScreenModel, force: bool) -> list[pygame.Rect]:
        if model.state not in COUNTDOWN_STATES:
            return []
        left = self.time_left()
        seconds = int(left + 0.999) if left is not None and left <= WARNING_S else None
        shown = self._countdown
        if shown is not None and (seconds is None or seconds != shown[0]):
            self.surface.blit(self._under_countdown, shown[1])
            del self.canvas.texts[self._static_texts :]
            self._countdown = None
            if seconds is None:
                return [shown[1]]
        if seconds is None or (self._countdown is not None and not force):
            return []
        rect = self._countdown_at
        frames.countdown(self.canvas, model, rect, max(0, seconds))
        self._countdown = (seconds, rect)
        return [rect]

    def show_greeting_in(self, language: str) -> bool:
        """Advance the attract screen's rotating greeting to ``language`` (the screenshot
        tour shows each language's greeting); False if it is not rotating through it."""
        model = self.model
        if model is None or self._greeting is None or language not in model.languages:
            return False
        index = model.languages.index(language)
        return self.tick(self._shown_at + 3.0 * index + 0.5, force=True)

    # -- input ----------------------------------------------------------------------

    def pump(self) -> None:
        """Turn pending pygame input into Touch events and advance the animation."""
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self._post(Shutdown())
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                self._hit(event.pos)
            elif event.type == pygame.FINGERDOWN:
                self._hit((int(event.x * self.width), int(event.y * self.height)))
        self.tick()

    def _hit(self, pos: tuple[int, int]) -> None:
        for target in reversed(self.canvas.targets):
            if target.rect.collidepoint(pos):
                self._post(Touch(target.target, target.value))
                return
        self._post(Touch("screen"))

    def target_centre(self, target: str, value: TouchValue = None) -> tuple[int, int] | None:
        """Where ``target`` is drawn now (scripted citizens tap there)."""
        # An exact value first: tap("start") means the start button, not a language's.
        for exact in (True, False):
            for drawn in reversed(self.canvas.targets):
                if drawn.target == target and (
                    drawn.value == value or (not exact and value is None)
                ):
                    return drawn.rect.center
        return None

    def covered(self, target: str, value: TouchValue = None) -> bool:
        """True when something drawn later (the voice's panel) lies over ``target``."""
        pos = self.target_centre(target, value)
        if pos is None:
            return False
        top = next((t for t in reversed(self.canvas.targets) if t.rect.collidepoint(pos)), None)
        return top is not None and top.target != target

    def tap(self, target: str, value: TouchValue = None) -> bool:
        """Post a real mouse press at ``target``'s centre; False if it is not on screen."""
        pos = self.target_centre(target, value)
        if pos is None:
            return False
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        return True

    def spoken_text(self) -> str:
        """What "read aloud" says: the screen's captions in reading order."""
        seen: list[str] = []
        for drawn in self.canvas.texts:
            if drawn.speak and drawn.text not in seen:
                seen.append(drawn.text)
        return ". ".join(s.rstrip(".…") for s in seen)

    def screenshot(self, path: Path) -> None:
        """Save what is on screen as PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))

    def close(self) -> None:
        """Close the window."""
        pygame.display.quit()
