"""The procedures screen: search by typing (Telex on an on-screen keyboard, tone marks not
needed) or browse by field, then one procedure's answer with "print the checklist" and
"take a number" for its field.

The keyboard has the 26 Latin letters, a space and erase: Vietnamese is typed in Telex
("lys lichj tuw phaps" shows "lý lịch tư pháp"), and the search also matches words
typed without any tone marks, so a citizen who knows no Telex is not stuck.
"""

from __future__ import annotations

import io
import logging
import math
import string

import pygame

from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame, banner, draw_back
from kiosk.screen.model import ProcedureDetail, ProcedurePanel, ScreenModel
from kiosk.screen.screens_main import pager, title
from kiosk.screen.texts import text
from kiosk.screen.theme import BUTTON, GO, INK, MUTED, ON_DARK, PANEL

_LOGGER = logging.getLogger(__name__)

KEYS = (*string.ascii_lowercase, "space", "erase")


def draw_procedure_info(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Search and browse, or one procedure's answer."""
    panel = model.procedure or ProcedurePanel()
    if panel.detail is not None:
        _draw_answer(canvas, model, frame, panel.detail, panel.notice)
    else:
        _draw_search(canvas, model, frame, panel)


def _draw_search(canvas: Canvas, model: ScreenModel, frame: Frame, panel: ProcedurePanel) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    if m.portrait:  # title, search box, list, keyboard from top to bottom
        y = title(canvas, model, frame, "procedure_info", c.top)
        typing = pygame.Rect(c.left, y, c.width, c.bottom - y)
    else:  # list on the left, search box and keyboard on the right
        typing = pygame.Rect(
            c.left + c.width * 2 // 5 + gap, c.top, c.width * 3 // 5 - gap, c.height
        )
    box = pygame.Rect(typing.left, typing.top, typing.width, m.target(8))
    pygame.draw.rect(canvas.surface, PANEL, box, border_radius=m.px(1))
    shown = panel.query or text(lang, "proc_search_hint")
    canvas.text(
        box.inflate(-m.px(3), -m.px(1)),
        shown,
        3.6,
        INK if panel.query else MUTED,
        align="left",
        speak=not panel.query,
    )
    keys_top = _keyboard(
        canvas,
        model,
        pygame.Rect(typing.left, box.bottom + gap, typing.width, typing.bottom - box.bottom - gap),
        gap,
    )
    if m.portrait:
        area = pygame.Rect(c.left, box.bottom + gap, c.width, keys_top - box.bottom - 2 * gap)
    else:
        area = pygame.Rect(c.left, c.top, c.width * 2 // 5 - gap, c.height)
    if panel.items:
        top = area.top
        if panel.field_name:
            head = pygame.Rect(area.left, top, area.width, m.px(6))
            canvas.text(head, panel.field_name, 3.6, ON_DARK, bold=True)
            top = head.bottom + gap
        _rows(
            canvas,
            pygame.Rect(area.left, top, area.width, area.bottom - top),
            [(i.name, "proc_pick", i.code) for i in panel.items],
            gap,
        )
    elif panel.query.strip():
        banner(
            canvas,
            pygame.Rect(area.left, area.top, area.width, min(area.height, m.px(14))),
            text(lang, "proc_none"),
        )
    else:
        head = pygame.Rect(area.left, area.top, area.width, m.px(6))
        canvas.text(head, text(lang, "proc_fields"), 3.4, ON_DARK)
        grid = pygame.Rect(
            area.left, head.bottom + gap, area.width, area.bottom - head.bottom - gap
        )
        _grid(canvas, grid, [(s.name, "proc_field", s.code) for s in model.services], gap)
    draw_back(canvas, model, frame)


def _keyboard(canvas: Canvas, model: ScreenModel, room: pygame.Rect, gap: int) -> int:
    """Draw the keyboard at the bottom of ``room``, keys never under the minimum; returns
    its top."""
    m = canvas.metrics
    columns = 7 if m.portrait else min(10, max(5, (room.width + gap) // (m.min_target_px + gap)))
    rows = math.ceil(len(KEYS) / columns)
    key_w = (room.width - gap * (columns - 1)) // columns
    room_h = (room.height - gap * (rows - 1)) // rows
    key_h = max(m.min_target_px, min(key_w, m.px(12), room_h))
    top = room.bottom - rows * key_h - (rows - 1) * gap
    for i, key in enumerate(KEYS):
        row, col = divmod(i, columns)
        rect = pygame.Rect(room.left + col * (key_w + gap), top + row * (key_h + gap), key_w, key_h)
        if key in ("space", "erase"):
            canvas.button(rect, text(model.language, key), "proc_key", key, colour=MUTED, size=2.6)
        else:
            canvas.button(rect, key, "proc_key", key, colour=BUTTON, size=5, speak=False)
    return top


def _rows(canvas: Canvas, area: pygame.Rect, items: list[tuple[str, str, str]], gap: int) -> None:
    """One full-width button per item, as many as fit at a touchable height."""
    m = canvas.metrics
    height = max(m.min_target_px, min(m.px(11), (area.height - gap * 5) // 6))
    fit = (area.height + gap) // (height + gap)  # none when there is no room
    for i, (label, target, value) in enumerate(items[:fit]):
        rect = pygame.Rect(area.left, area.top + i * (height + gap), area.width, height)
        canvas.button(rect, label, target, value, colour=BUTTON, size=3.2)


def _grid(canvas: Canvas, area: pygame.Rect, items: list[tuple[str, str, str]], gap: int) -> None:
    """Buttons in two (portrait) or three columns, as many as fit."""
    m = canvas.metrics
    columns = 2 if m.portrait else 3
    rows = math.ceil(len(items) / columns)
    height = max(m.min_target_px, min(m.px(14), (area.height - gap * (rows - 1)) // max(rows, 1)))
    fit_rows = (area.height + gap) // (height + gap)
    width = (area.width - gap * (columns - 1)) // columns
    for i, (label, target, value) in enumerate(items[: fit_rows * columns]):
        row, col = divmod(i, columns)
        rect = pygame.Rect(
            area.left + col * (width + gap), area.top + row * (height + gap), width, height
        )
        canvas.button(rect, label, target, value, colour=BUTTON, size=3.0)


def _draw_answer(
    canvas: Canvas, model: ScreenModel, frame: Frame, detail: ProcedureDetail, notice: str | None
) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    head = pygame.Rect(c.left, c.top, c.width, m.px(9))
    canvas.text(head, detail.name, 4.4, ON_DARK, bold=True)
    y = head.bottom + gap
    if notice or detail.sample:
        words = text(lang, "proc_printing" if notice else "proc_sample")
        pad = m.px(1.2)  # the banner's own (kiosk.screen.frame.banner)
        tall = canvas.text_height(words, 2.6, c.width - 2 * pad) + pad
        note = pygame.Rect(c.left, y, c.width, max(m.px(7), tall))  # large text: 2 lines
        banner(canvas, note, words, 2.6)
        y = note.bottom + gap
    lines: list[tuple[str, bool]] = [(text(lang, "proc_documents"), True)]
    lines += [(f"{i}. {doc}", False) for i, doc in enumerate(detail.documents, 1)]
    lines += [
        (f"{text(lang, 'proc_fee')}: {detail.fee}", True),
        (f"{text(lang, 'proc_time')}: {detail.time}", True),
    ]
    if detail.counters:
        lines.append((f"{text(lang, 'proc_where')}: {', '.join(detail.counters)}", True))
    lines.append((text(lang, "proc_steps"), True))
    lines += [(f"{i}. {step}", False) for i, step in enumerate(detail.steps, 1)]
    body = pygame.Rect(c.left, y, c.width, c.bottom - y)
    sizes = [(3.0 if bold else 2.8) for _, bold in lines]
    needs = [canvas.text_height(words, size, body.width, bold=bold)
             for (words, bold), size in zip(lines, sizes, strict=True)]
    if detail.route_png is not None and m.portrait:  # the counter on the lobby map
        room = pygame.Rect(body.left, body.bottom - body.height // 3, body.width, body.height // 3)
        try:
            picture = pygame.image.load(io.BytesIO(detail.route_png))
        except pygame.error as exc:
            _LOGGER.warning("route picture unreadable (%s): text only", exc)
        else:
            scale = min(room.width / picture.get_width(), room.height / picture.get_height())
            size = (int(picture.get_width() * scale), int(picture.get_height() * scale))
            scaled = pygame.transform.smoothscale(picture, size)
            canvas.surface.blit(scaled, scaled.get_rect(center=room.center))
            body.height -= room.height + gap
    pages = _pages(needs, body.height, m.target(9) + gap)
    page = min(model.page, len(pages) - 1)
    if len(pages) > 1:  # longer than the screen (large text): a page at a time
        pager(canvas, model, frame, pygame.Rect(body.left, body.bottom - m.target(9), body.width,
                                                m.target(9)), page, len(pages))
        body.height -= m.target(9) + gap
    shown = pages[page]
    spare = max(0, body.height - sum(needs[i] for i in shown)) / len(shown)
    top = float(body.top)
    for i in shown:  # each line at its own size, the spare room shared between them
        box = pygame.Rect(body.left, int(top), body.width, int(needs[i] + spare))
        canvas.text(box, lines[i][0], sizes[i], ON_DARK, bold=lines[i][1], align="left")
        top += needs[i] + spare
    footer = draw_back(canvas, model, frame)
    lead = model.has_base and bool(detail.counters)  # a robot offers to lead the way
    parts = 3 if lead else 2
    half = (footer.width - gap * (parts - 1)) // parts
    print_rect = pygame.Rect(footer.left, footer.top, half, footer.height)
    ticket_rect = pygame.Rect(footer.right - half, footer.top, half, footer.height)
    if lead:
        follow = pygame.Rect(print_rect.right + gap, footer.top, half, footer.height)
        canvas.button(follow, text(lang, "follow_me"), "guide_me", colour=GO, size=3.0)
    canvas.button(print_rect, text(lang, "proc_print"), "print_checklist", colour=BUTTON, size=3.2)
    canvas.button(
        ticket_rect, text(lang, "take_ticket"), "service", detail.field, colour=GO, size=3.6
    )


def _pages(needs: list[int], height: int, pager_h: int) -> list[list[int]]:
    """The lines (indexes) on each page: all on one when their heights fit ``height``,
    else as many as fit above the pager (``pager_h``) on each."""
    if sum(needs) <= height:
        return [list(range(len(needs)))]
    pages: list[list[int]] = [[]]
    used = 0
    for i, need in enumerate(needs):
        if pages[-1] and used + need > height - pager_h:
            pages.append([])
            used = 0
        pages[-1].append(i)
        used += need
    return pages
