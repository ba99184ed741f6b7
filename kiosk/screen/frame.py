"""The frame every screen shares: the header with the tools and languages, the footer
with "back", and the banners (faults, errors, the idle countdown).

The language buttons, "read aloud", "large text" and "call staff" are on every screen
a citizen uses, in the same place, so they are found once and then always. Portrait puts
tools and languages on two rows; landscape on one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

from kiosk.screen import icons
from kiosk.screen.canvas import Canvas
from kiosk.screen.model import ScreenModel
from kiosk.screen.texts import LANGUAGE_NAMES, text
from kiosk.screen.theme import (
    BUTTON,
    GO,
    INK,
    MUTED,
    ON_DARK,
    SELECTED,
    WARNING_BG,
)

_LOGGER = logging.getLogger(__name__)

#: states with a "back" button, and states where the citizen can call staff
BACK_STATES = frozenset({"menu", "choose_service", "choose_priority", "booking", "rating",
                         "help", "procedure_info", "dossier_lookup"})
HELP_STATES = frozenset({"menu", "choose_service", "choose_priority", "booking", "rating",
                         "ticket_ready", "procedure_info", "dossier_lookup"})


@dataclass(frozen=True)
class Frame:
    """Where the parts of a screen go."""

    header: pygame.Rect
    content: pygame.Rect
    footer: pygame.Rect
    gap: int


def layout(canvas: Canvas) -> Frame:
    """Split the screen into header, content and footer for its orientation."""
    m = canvas.metrics
    gap = m.px(1.5)
    row = m.target(8.5)
    name_h = m.px(4.5)
    header_h = name_h + (2 * row + 2 * gap if m.portrait else row + gap) + gap
    footer_h = m.target(10) + 2 * gap
    header = pygame.Rect(0, 0, m.width, header_h)
    footer = pygame.Rect(0, m.height - footer_h, m.width, footer_h)
    content = pygame.Rect(gap * 2, header.bottom + gap, m.width - 4 * gap,
                          footer.top - header.bottom - 2 * gap)
    return Frame(header, content, footer, gap)


def draw_header(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Centre name, tool buttons and language buttons."""
    m, gap = canvas.metrics, frame.gap
    name_box = pygame.Rect(2 * gap, gap // 2, m.width - 4 * gap, m.px(4.5))
    canvas.text(name_box, model.centre_name, 2.6, ON_DARK, speak=False)
    row = m.target(8.5)
    top = name_box.bottom + gap // 2
    tools: list[tuple[str, str, icons.Painter]] = [
        ("read_aloud", "read_aloud", icons.speaker),
        ("large_text", "large_text", icons.letters),
    ]
    if model.can_talk:
        tools.append(("talk", "talk", icons.microphone))
    if "help" in model.features and model.state in HELP_STATES:
        tools.append(("help", "call_staff", icons.hand))
    languages = model.languages
    if m.portrait:
        _row(canvas, model, pygame.Rect(2 * gap, top, m.width - 4 * gap, row), tools, ())
        _row(canvas, model, pygame.Rect(2 * gap, top + row + gap, m.width - 4 * gap, row), (),
             languages)
    else:
        _row(canvas, model, pygame.Rect(2 * gap, top, m.width - 4 * gap, row), tools, languages)


def _row(canvas: Canvas, model: ScreenModel, area: pygame.Rect,
         tools: list[tuple[str, str, icons.Painter]] | tuple[()],
         languages: tuple[str, ...]) -> None:
    gap = canvas.metrics.px(1.5)
    count = len(tools) + len(languages)
    if not count:
        return
    width = (area.width - gap * (count - 1)) // count
    x = area.left
    for key, target, painter in tools:
        rect = pygame.Rect(x, area.top, width, area.height)
        colour = SELECTED if key == "large_text" and model.large_text else MUTED
        icon = canvas.button(rect, text(model.language, key), target, colour=colour, size=2.6,
                             icon_side=min(area.height * 2 // 3, width // 3), speak=False)
        painter(canvas.surface, icon, ON_DARK)
        x += width + gap
    for code in languages:
        rect = pygame.Rect(x, area.top, width, area.height)
        colour = SELECTED if code == model.language else BUTTON
        canvas.button(rect, LANGUAGE_NAMES.get(code, code), "language", code, colour=colour,
                      size=3.0, speak=False)
        x += width + gap


def draw_back(canvas: Canvas, model: ScreenModel, frame: Frame) -> pygame.Rect:
    """The back button (where the state has one); returns the footer space left of it."""
    m, gap = canvas.metrics, frame.gap
    inner = frame.footer.inflate(-4 * gap, -2 * gap)
    if model.state not in BACK_STATES:
        return inner
    back = pygame.Rect(inner.left, inner.top, max(m.target(24), inner.width // 4), inner.height)
    icon = canvas.button(back, text(model.language, "back"), "back", colour=MUTED, size=3.6,
                         icon_side=inner.height // 2)
    icons.arrow(canvas.surface, icon, ON_DARK, left=True)
    return pygame.Rect(back.right + gap, inner.top, inner.right - back.right - gap, inner.height)


def banner(canvas: Canvas, rect: pygame.Rect, words: str, size: float = 3.0) -> None:
    """A pale box with dark text for faults and errors."""
    pygame.draw.rect(canvas.surface, WARNING_BG, rect, border_radius=canvas.metrics.px(1))
    pad = canvas.metrics.px(1.2)
    canvas.text(rect.inflate(-2 * pad, -pad), words, size, INK)


def countdown_rect(canvas: Canvas, frame: Frame) -> pygame.Rect:
    """Where the idle warning goes: over the bottom of the content, above the footer."""
    height = canvas.metrics.target(12)
    return pygame.Rect(frame.content.left, frame.footer.top - height - frame.gap,
                       frame.content.width, height)


def countdown(canvas: Canvas, model: ScreenModel, rect: pygame.Rect, seconds: int) -> None:
    """The idle warning: touching anywhere keeps the visit."""
    words = f"{text(model.language, 'timeout_warning', seconds=seconds)}. " \
            f"{text(model.language, 'touch_to_stay')}"
    banner(canvas, rect, words, 3.4)


def draw_keypad(canvas: Canvas, language: str, keys: Sequence[str], origin: tuple[int, int],
                key_size: tuple[int, int], columns: int, gap: int, *, target: str, size: float,
                erase_size: float, ok_label: str = "") -> None:
    """Keys of ``key_size``, ``columns`` across from ``origin`` (top left); ``erase`` and
    ``ok`` are worded in ``language`` (``ok`` as ``ok_label``), the others show their own
    character and are not read aloud."""
    (left, top), (key_w, key_h) = origin, key_size
    for i, key in enumerate(keys):
        row, col = divmod(i, columns)
        rect = pygame.Rect(left + col * (key_w + gap), top + row * (key_h + gap), key_w, key_h)
        if key == "erase":
            canvas.button(rect, text(language, "erase"), target, key, colour=MUTED,
                          size=erase_size)
        elif key == "ok":
            canvas.button(rect, text(language, ok_label), target, key, colour=GO, size=3.0)
        else:
            canvas.button(rect, key, target, key, colour=BUTTON, size=size, speak=False)
