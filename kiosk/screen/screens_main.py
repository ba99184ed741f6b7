"""The attract, menu, service, priority, help and message screens.

Each ``draw_<state>`` draws into the frame's content area and the footer; none of them
decides anything: they show the model and record touch targets that post events.
"""

from __future__ import annotations

import logging
import math

import pygame

from kiosk.screen import icons
from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame, banner, draw_back
from kiosk.screen.model import ScreenModel
from kiosk.screen.texts import LANGUAGE_NAMES, text
from kiosk.screen.theme import BUTTON, GO, ON_DARK, PRIORITY, SELECTED

_LOGGER = logging.getLogger(__name__)


def title(canvas: Canvas, model: ScreenModel, frame: Frame, key: str, top: int) -> int:
    """A screen title under ``top``; returns the y below it."""
    box = pygame.Rect(frame.content.left, top, frame.content.width, canvas.metrics.px(9))
    canvas.text(box, text(model.language, key), 5.2, ON_DARK, bold=True)
    return box.bottom + frame.gap


def draw_idle(canvas: Canvas, model: ScreenModel, frame: Frame) -> pygame.Rect:
    """Attract: a greeting (rotated through the languages by the animation) and a big
    button; returns the box the animation redraws the greeting in."""
    m, c = canvas.metrics, frame.content
    canvas.target(c, "start", "anywhere")  # a touch anywhere starts
    greet = pygame.Rect(c.left, c.top + c.height // 12, c.width, c.height // 4)
    button = pygame.Rect(c.left + c.width // 10, greet.bottom + frame.gap * 4,
                         c.width * 8 // 10, m.target(22))
    key = "person_greeting" if model.person_seen else "touch_to_start"
    icon = canvas.button(button, text(model.language, key), "start", colour=GO, size=5,
                         icon_side=button.height * 2 // 3)
    icons.ticket(canvas.surface, icon, ON_DARK)
    # Big language buttons: a first-time visitor picks their language and starts at once.
    top = button.bottom + frame.gap * 4
    box = pygame.Rect(c.left, top, c.width, m.px(6))
    canvas.text(box, " / ".join(text(code, "choose_language") for code in model.languages),
                3.0, ON_DARK)
    rows = model.languages
    height = m.target(12)
    y = box.bottom + frame.gap
    columns = 1 if m.portrait else min(3, len(rows))
    width = (c.width - frame.gap * (columns - 1)) // columns
    for i, code in enumerate(rows):
        row, col = divmod(i, columns)
        rect = pygame.Rect(c.left + col * (width + frame.gap), y + row * (height + frame.gap),
                           width, height)
        if rect.bottom > c.bottom:
            break  # the header bar still offers every language
        canvas.button(rect, LANGUAGE_NAMES.get(code, code), "start", code, colour=BUTTON,
                      size=4.5)
    return greet


def greeting_phase(t: float, languages: tuple[str, ...]) -> tuple[str, float]:
    """The language of the rotating greeting at time ``t`` and a 0..1 pulse phase."""
    index = int(t / 3.0) % len(languages)
    return languages[index], (math.sin(t * 2 * math.pi / 1.6) + 1) / 2


def draw_menu(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """The fields themselves, so a citizen in a hurry takes a number with one touch; "I have
    priority" as a clear option beside them; the other features after it. Portrait puts
    those under the fields, landscape in a column on the right."""
    m, c, gap = canvas.metrics, frame.content, frame.gap
    y = title(canvas, model, frame, "menu_fields", c.top)
    entries: list[tuple[str, str, icons.Painter]] = []
    if "booking" in model.features:
        entries.append(("booking", "book", icons.calendar))
    if "procedure_info" in model.features:
        entries.append(("procedure_info", "ask_procedure", icons.document))
    if "dossier_lookup" in model.features:
        entries.append(("dossier_lookup", "ask_dossier", icons.magnifier))
    if "rating" in model.features:
        entries.append(("rate", "rate", icons.star))
    _faults(canvas, model, frame, c.bottom)
    bottom = c.bottom - _fault_height(canvas, model, frame)
    if m.portrait:
        side = pygame.Rect(c.left, y, c.width, bottom - y)
        columns = 2
        rows = math.ceil(len(entries) / columns) + bool(model.priorities)
        cell = m.target(15 if m.large_text else 11)
        side.top = bottom - rows * (cell + gap) + gap
        fields = pygame.Rect(c.left, y, c.width, side.top - gap - y)
    else:
        # the same split in large text: a wider side column would squeeze the fields'
        # names below their normal size (the side's words grow where their box allows)
        width = c.width * 2 // 5
        side = pygame.Rect(c.right - width, y, width, bottom - y)
        columns = 2
        rows = math.ceil(len(entries) / columns) + bool(model.priorities)
        cell = max(m.min_target_px,
                   min(m.target(15 if m.large_text else 12), (side.height + gap) // rows - gap))
        fields = pygame.Rect(c.left, y, side.left - gap - c.left, bottom - y)
    top = side.top
    if model.priorities:
        priority_button(canvas, model, pygame.Rect(side.left, top, side.width, cell))
        top += cell + gap
    width = (side.width - gap * (columns - 1)) // columns
    for i, (key, target, painter) in enumerate(entries):
        row, col = divmod(i, columns)
        rect = pygame.Rect(side.left + col * (width + gap), top + row * (cell + gap), width, cell)
        icon = canvas.button(rect, text(model.language, key), target, colour=BUTTON, size=3.6,
                             icon_side=min(cell * 2 // 3, m.px(10)))
        painter(canvas.surface, icon, ON_DARK)
    draw_fields(canvas, model, fields, gap)
    draw_back(canvas, model, frame)


def priority_button(canvas: Canvas, model: ScreenModel, box: pygame.Rect) -> None:
    """"I have priority (elderly, ...)", or the category chosen, which the next field
    touched carries; touching it again changes or clears the category."""
    chosen = next((p.name for p in model.priorities if p.code == model.priority), None)
    if chosen is None:
        words, colour = text(model.language, "have_priority"), PRIORITY
    else:
        words, colour = text(model.language, "priority_chosen", name=chosen), SELECTED
    icon = canvas.button(box, words, "ask_priority", colour=colour, size=3.8,
                         icon_side=min(box.height * 2 // 3, canvas.metrics.px(10)))
    icons.people(canvas.surface, icon, ON_DARK)


def field_grid(canvas: Canvas, area: pygame.Rect, gap: int) -> tuple[int, int, int]:
    """(columns, rows, cell height) of the field buttons that fit in ``area``: one column
    in portrait large text, so each name has 1.6x letters and the whole width."""
    m = canvas.metrics
    columns = 1 if m.large_text or not m.portrait else 2
    smallest = m.target(19 if m.large_text else 13) if m.portrait else m.min_target_px
    rows = max(1, (area.height + gap) // (smallest + gap))
    return columns, rows, smallest


def draw_fields(canvas: Canvas, model: ScreenModel, area: pygame.Rect, gap: int) -> None:
    """As many field buttons as fit in ``area``, filling it; if some do not fit, the last
    cell is "more fields" (the paged list)."""
    m = canvas.metrics
    columns, rows, smallest = field_grid(canvas, area, gap)
    services = model.services
    shown = services if len(services) <= columns * rows else services[:columns * rows - 1]
    used = math.ceil((len(shown) + (len(shown) < len(services))) / columns)
    cell = min(m.target(30 if m.large_text else 22),
               max(smallest, (area.height + gap) // max(1, used) - gap))
    width = (area.width - gap * (columns - 1)) // columns
    size = 4.2 if m.large_text else 3.8
    for i, service in enumerate(shown):
        row, col = divmod(i, columns)
        rect = pygame.Rect(area.left + col * (width + gap), area.top + row * (cell + gap),
                           width, cell)
        icon = canvas.button(rect, service.name, "service", service.code, colour=GO, size=size,
                             icon_side=min(cell * 2 // 3, width // 4, m.px(14)))
        icons.draw_service_icon(canvas.surface, icon, service.code, ON_DARK)
    if len(shown) < len(services):
        row, col = divmod(len(shown), columns)
        rect = pygame.Rect(area.left + col * (width + gap), area.top + row * (cell + gap),
                           width, cell)
        icon = canvas.button(rect, text(model.language, "more_fields"), "take_ticket",
                             colour=BUTTON, size=size, icon_side=min(cell // 2, m.px(10)))
        icons.arrow(canvas.surface, icon, ON_DARK)


def _fault_height(canvas: Canvas, model: ScreenModel, frame: Frame) -> int:
    return len(model.faults) * (_fault_box(canvas) + frame.gap)


def _fault_box(canvas: Canvas) -> int:
    return canvas.metrics.px(9 if canvas.metrics.portrait else 7)


def _faults(canvas: Canvas, model: ScreenModel, frame: Frame, bottom: int) -> None:
    """A friendly note per part that is down; the citizen can still get a number."""
    height = _fault_box(canvas)
    y = bottom - _fault_height(canvas, model, frame) + frame.gap
    for fault in model.faults:
        banner(canvas, pygame.Rect(frame.content.left, y, frame.content.width, height),
               text(model.language, f"fault_{fault}"))
        y += height + frame.gap


def services_per_page(canvas: Canvas, frame: Frame, top: int) -> tuple[int, int, int]:
    """(columns, rows, cell height) of the service grid below ``top``."""
    m = canvas.metrics
    columns = (1 if m.portrait else 2) if m.large_text else (2 if m.portrait else 3)
    cell = m.target(15 if not m.large_text else 21)
    room = frame.content.bottom - top - (m.target(15 if m.large_text else 11) + frame.gap)
    rows = max(1, (room + frame.gap) // (cell + frame.gap))
    rows = min(rows, 6)
    return columns, rows, cell


def draw_choose_service(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """The services of the centre, paged with big previous/next buttons, and the priority
    option under them."""
    m, c = canvas.metrics, frame.content
    top = title(canvas, model, frame, "choose_service", c.top)
    columns, rows, cell = services_per_page(canvas, frame, top)
    per_page = columns * rows
    pages = max(1, math.ceil(len(model.services) / per_page))
    page = min(max(model.page, 0), pages - 1)
    width = (c.width - frame.gap * (columns - 1)) // columns
    shown = model.services[page * per_page:(page + 1) * per_page]
    for i, service in enumerate(shown):
        row, col = divmod(i, columns)
        rect = pygame.Rect(c.left + col * (width + frame.gap), top + row * (cell + frame.gap),
                           width, cell)
        icon = canvas.button(rect, service.name, "service", service.code, colour=GO,
                             size=4.2 if m.large_text else 3.6,
                             icon_side=min(cell * 2 // 3, width // 4, m.px(14)))
        icons.draw_service_icon(canvas.surface, icon, service.code, ON_DARK)
    if model.priorities:
        height = m.target(15 if m.large_text else 11)
        priority_button(canvas, model, pygame.Rect(c.left, c.bottom - height, c.width, height))
    left = draw_back(canvas, model, frame)
    if pages > 1:
        pager(canvas, model, frame, left, page, pages)


def pager(canvas: Canvas, model: ScreenModel, frame: Frame, area: pygame.Rect, page: int,
          pages: int) -> None:
    """[previous page]  page 1 of 2  [next page], in the footer."""
    gap, lang = frame.gap, model.language
    third = (area.width - 2 * gap) // 3
    prev = pygame.Rect(area.left, area.top, third, area.height)
    label = pygame.Rect(prev.right + gap, area.top, third, area.height)
    nxt = pygame.Rect(label.right + gap, area.top, third, area.height)
    if page > 0:
        icon = canvas.button(prev, text(lang, "prev_page"), "page_prev", colour=BUTTON, size=3.4,
                             icon_side=area.height // 2)
        icons.arrow(canvas.surface, icon, ON_DARK, left=True)
    canvas.text(label, text(lang, "page_of", page=page + 1, pages=pages), 3.6, ON_DARK, bold=True)
    if page < pages - 1:
        icon = canvas.button(nxt, text(lang, "next_page"), "page_next", colour=GO, size=3.4,
                             icon_side=area.height // 2)
        icons.arrow(canvas.surface, icon, ON_DARK)


def draw_choose_priority(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """"No priority" as the big default, then central's categories."""
    m, c = canvas.metrics, frame.content
    y = title(canvas, model, frame, "choose_priority", c.top)
    rect = pygame.Rect(c.left, y, c.width, m.target(18 if m.portrait else 12))
    icon = canvas.button(rect, text(model.language, "no_priority"), "priority", None,
                         colour=GO, size=5, icon_side=rect.height * 2 // 3)
    icons.ticket(canvas.surface, icon, ON_DARK)
    hint = pygame.Rect(c.left, rect.bottom + frame.gap, c.width, m.px(7 if m.portrait else 5))
    canvas.text(hint, text(model.language, "priority_hint"), 3.8, ON_DARK)
    top = hint.bottom + frame.gap
    count = max(1, len(model.priorities))
    step = m.min_target_px + frame.gap
    # As few columns as fit, so each category's name has the most room.
    columns = next((n for n in (1, 2, 3, 4) if math.ceil(count / n) * step <= c.bottom - top), 4)
    if not m.portrait:
        columns = max(columns, 2)
    rows = math.ceil(count / columns)
    cell = min(m.target(14), (c.bottom - top) // rows - frame.gap)
    cell = max(cell, m.min_target_px)
    width = (c.width - frame.gap * (columns - 1)) // columns
    for i, category in enumerate(model.priorities):
        row, col = divmod(i, columns)
        box = pygame.Rect(c.left + col * (width + frame.gap), top + row * (cell + frame.gap),
                          width, cell)
        canvas.button(box, category.name, "priority", category.code, colour=BUTTON, size=3.8)
    draw_back(canvas, model, frame)


def draw_message(canvas: Canvas, model: ScreenModel, frame: Frame, key: str | None = None,
                 painter: icons.Painter | None = None,
                 values: dict[str, str] | None = None) -> pygame.Rect:
    """A single message (issuing, guiding, help, coming soon, ...); ``values`` fill its
    ``{placeholders}``."""
    m, c = canvas.metrics, frame.content
    y = c.top + c.height // 10
    if painter is not None:
        side = min(m.px(30), c.height // 3)
        painter(canvas.surface, pygame.Rect(c.centerx - side // 2, y, side, side), ON_DARK)
        y += side + frame.gap * 2
    box = pygame.Rect(c.left, y, c.width, min(m.px(30), c.height // 4))
    words = text(model.language, key or model.state)
    canvas.text(box, words.format(**values) if values else words, 6, ON_DARK, bold=True)
    draw_back(canvas, model, frame)
    return box


_HELP_TEXTS = {
    "sending": ("help_sending", "staff_wait"),
    "sent": ("help_sent", "staff_wait"),
    "taken": ("help_taken", "staff_wait"),
    "failed": ("help_failed", "help_failed_where"),
}


def draw_help(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """The call for help, as it stands: being sent, received, taken by a counter, or not
    delivered (then where to ask instead). Never "staff are coming" before they are."""
    m, c = canvas.metrics, frame.content
    title, line = _HELP_TEXTS.get(model.help_state, _HELP_TEXTS["sending"])
    counter = {"counter": model.help_counter or ""}
    above = draw_message(canvas, model, frame, title, icons.people, values=counter)
    box = pygame.Rect(c.left, above.bottom + frame.gap, c.width, min(m.px(12), c.height // 6))
    canvas.text(box, text(model.language, line), 4.5, ON_DARK)


def draw_coming_soon(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Procedure information and dossier look-up until they are built."""
    draw_message(canvas, model, frame, "coming_soon", icons.document)
