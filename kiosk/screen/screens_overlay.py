"""What voice puts over any screen: the question back with at most three touchable
choices, and the way to a place on the lobby map.

Both cover the middle of the screen on a white panel and go away with the next touch or
utterance (the daemon clears them). A touch on the panel itself only closes it
(``close_overlay`` means nothing to the flow); a touch on a choice posts
``Touch("voice_choice", intent)``, which the kiosk carries out as if the intent had been
said (kiosk/inputs.py).
"""

from __future__ import annotations

import io
import logging

import pygame

from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame
from kiosk.screen.model import ScreenModel
from kiosk.screen.theme import BUTTON, INK, PANEL

_LOGGER = logging.getLogger(__name__)

#: never more choices than this on screen (issue 10: "at most three")
MAX_CHOICES = 3


def _panel(canvas: Canvas, frame: Frame, height: int) -> pygame.Rect:
    """A white panel of ``height`` at the bottom of the content, that swallows touches."""
    c, gap = frame.content, frame.gap
    height = min(height, c.height)
    panel = pygame.Rect(c.left, c.bottom - height, c.width, height)
    pygame.draw.rect(canvas.surface, PANEL, panel, border_radius=canvas.metrics.px(1.6))
    pygame.draw.rect(
        canvas.surface, BUTTON, panel, width=max(2, gap // 3), border_radius=canvas.metrics.px(1.6)
    )
    canvas.target(panel, "close_overlay")
    return panel.inflate(-2 * gap, -2 * gap)


def draw_choices(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """The question back and its choices, one big button each."""
    m, gap = canvas.metrics, frame.gap
    choices = model.choices[:MAX_CHOICES]
    button_h = m.target(16)
    question_h = m.px(12)
    inner = _panel(canvas, frame, question_h + len(choices) * (button_h + gap) + 3 * gap)
    canvas.text(
        pygame.Rect(inner.left, inner.top, inner.width, question_h),
        model.choice_question,
        3.6,
        INK,
        bold=True,
    )
    top = inner.top + question_h + gap
    for choice in choices:
        rect = pygame.Rect(inner.left, top, inner.width, button_h)
        canvas.button(rect, choice.name, "voice_choice", choice.code, colour=BUTTON, size=4.2)
        top += button_h + gap


def draw_way(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """The spoken way to a place, with the lobby map and the route when there is one."""
    m, gap = canvas.metrics, frame.gap
    words_h = m.px(14)
    picture = None
    if model.way_png is not None:
        try:
            picture = pygame.image.load(io.BytesIO(model.way_png))
        except pygame.error as exc:
            _LOGGER.warning("way picture unreadable (%s): the words only", exc)
    room_h = 0
    if picture is not None:  # as tall as the picture at the panel's width, at most 2/3
        fitted = (frame.content.width - 2 * gap) * picture.get_height() // picture.get_width()
        room_h = min(frame.content.height * 2 // 3, fitted + gap)
    inner = _panel(canvas, frame, words_h + room_h + 3 * gap)
    canvas.text(
        pygame.Rect(inner.left, inner.top, inner.width, words_h),
        model.way_text,
        3.6,
        INK,
        bold=True,
    )
    if picture is None:
        return
    room = pygame.Rect(
        inner.left, inner.top + words_h + gap, inner.width, inner.height - words_h - gap
    )
    scale = min(room.width / picture.get_width(), room.height / picture.get_height())
    size = (max(1, int(picture.get_width() * scale)), max(1, int(picture.get_height() * scale)))
    scaled = pygame.transform.smoothscale(picture, size)
    canvas.surface.blit(scaled, scaled.get_rect(center=room.center))
