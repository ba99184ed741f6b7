"""The ticket screen: the number very large, the counter, people ahead, the wait, and
either "follow me" (a robot) or the way to the counter on a lobby map (a fixed kiosk).

The map is navigation's route picture (``TicketPanel.route_png``) when the daemon has
one; otherwise a schematic: the counters in a row along the far wall, "you are here"
at the entrance and a line to the citizen's counter. It needs no map file, so every
kiosk can show a way even before its lobby is mapped.
"""

from __future__ import annotations

import io
import logging
import re

import pygame
import qrcode

from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame, draw_back
from kiosk.screen.model import ScreenModel, TicketPanel
from kiosk.screen.texts import counter_list, people_line, text, wait_line
from kiosk.screen.theme import (
    ACCENT,
    BUTTON,
    GO,
    INK,
    MAP_FLOOR,
    MAP_WALL,
    ON_DARK,
    PANEL,
)

_LOGGER = logging.getLogger(__name__)


def draw_ticket_ready(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """The citizen's number and where to go."""
    m, c, gap = canvas.metrics, frame.content, frame.gap
    ticket, lang = model.ticket, model.language
    if ticket is None:
        return
    footer = draw_back(canvas, model, frame)
    if model.has_base:
        half = (footer.width - gap) // 2
        canvas.button(
            pygame.Rect(footer.left, footer.top, half, footer.height),
            text(lang, "follow_me_area" if model.guide_to_area else "follow_me"),
            "guide_me",
            colour=GO,
            size=3.8,
        )
        canvas.button(
            pygame.Rect(footer.left + half + gap, footer.top, half, footer.height),
            text(lang, "done"),
            "done",
            colour=BUTTON,
            size=3.8,
        )
    else:
        canvas.button(footer, text(lang, "done"), "done", colour=BUTTON, size=4.2)
    show_qr = (not ticket.printed and not ticket.printing) or ticket.offline
    if not show_qr and model.has_base:
        # the robot shows the way itself: the number and its facts get the whole screen
        _panel(canvas, model, ticket, c)
        return
    if m.portrait:
        panel = pygame.Rect(c.left, c.top, c.width, c.height * 52 // 100)
        side = pygame.Rect(c.left, panel.bottom + gap, c.width, c.bottom - panel.bottom - gap)
    else:
        panel = pygame.Rect(c.left, c.top, c.width * 55 // 100, c.height)
        side = pygame.Rect(panel.right + gap, c.top, c.right - panel.right - gap, c.height)
    _panel(canvas, model, ticket, panel)
    if show_qr:
        _qr(canvas, lang, ticket, side)
    elif not model.has_base:
        draw_route(canvas, lang, ticket, side)


def _panel(canvas: Canvas, model: ScreenModel, ticket: TicketPanel, panel: pygame.Rect) -> None:
    m, lang = canvas.metrics, model.language
    pygame.draw.rect(canvas.surface, PANEL, panel, border_radius=m.px(2))
    inner = panel.inflate(-m.px(4), -m.px(2))
    rows: list[tuple[str, float, tuple[int, int, int], bool, float]] = [
        (text(lang, "your_number"), 3.8, INK, False, 0.09),
        (ticket.number, 22 if len(ticket.number) <= 5 else 13, ACCENT, True, 0.30),
        (ticket.service_name, 3.4, INK, False, 0.11),
    ]
    if ticket.counters:
        where = text(lang, "called_at", counters=counter_list(lang, ticket.counters))
        rows.append((where, 4.0, INK, True, 0.18))
    facts = []
    if ticket.people_ahead is not None:
        facts.append(people_line(lang, ticket.people_ahead))
    if ticket.wait_min is not None:
        facts.append(wait_line(lang, ticket.wait_min))
    for fact in facts:
        rows.append((fact, 3.4, INK, False, 0.08))
    if ticket.priority_name:
        rows.append((ticket.priority_name, 3.0, INK, False, 0.07))
    fine = ticket.printed or ticket.printing
    note = "printing" if ticket.printing else "printed" if ticket.printed else "not_printed"
    rows.append((text(lang, note), 3.0, INK if fine else ACCENT, not fine, 0.12 if fine else 0.2))
    if ticket.offline:
        rows.append((text(lang, "offline"), 2.8, INK, False, 0.10))
    total = sum(r[4] for r in rows)
    y = inner.top
    for words, size, colour, bold, share in rows:
        height = int(inner.height * share / total)
        canvas.text(pygame.Rect(inner.left, y, inner.width, height), words, size, colour, bold=bold)
        y += height


def _qr(canvas: Canvas, lang: str, ticket: TicketPanel, area: pygame.Rect) -> None:
    """The citizen's copy when the paper is missing: a QR code of the status page."""
    m = canvas.metrics
    caption_h = m.px(8)
    side = min(area.width, area.height - caption_h) - m.px(2)
    if side < m.px(10):
        return
    pygame.draw.rect(canvas.surface, PANEL, area, border_radius=m.px(2))
    image = qr_surface(ticket.status_url, side)
    canvas.surface.blit(image, image.get_rect(midtop=(area.centerx, area.top + m.px(1))))
    canvas.text(
        pygame.Rect(
            area.left + m.px(1), area.top + side + m.px(1), area.width - m.px(2), caption_h
        ),
        text(lang, "scan_qr"),
        2.8,
        INK,
    )


def draw_route(canvas: Canvas, lang: str, ticket: TicketPanel, area: pygame.Rect) -> None:
    """The way to the counter: navigation's picture if given, else a schematic."""
    m, surface = canvas.metrics, canvas.surface
    pygame.draw.rect(surface, MAP_FLOOR, area, border_radius=m.px(2))
    caption = pygame.Rect(area.left + m.px(1), area.top, area.width - m.px(2), m.px(7))
    canvas.text(caption, text(lang, "way_to_counter"), 3.2, INK, bold=True)
    room = pygame.Rect(
        area.left + m.px(2),
        caption.bottom,
        area.width - m.px(4),
        area.bottom - caption.bottom - m.px(7),
    )
    if ticket.route_png:
        try:
            picture = pygame.image.load(io.BytesIO(ticket.route_png))
        except pygame.error as exc:
            _LOGGER.warning("route picture unreadable (%s): drawing the schematic", exc)
        else:
            scale = min(room.width / picture.get_width(), room.height / picture.get_height())
            size = (int(picture.get_width() * scale), int(picture.get_height() * scale))
            scaled = pygame.transform.smoothscale(picture, size)
            surface.blit(scaled, scaled.get_rect(center=room.center))
            _you_are_here(canvas, lang, area)
            return
    _schematic(canvas, lang, ticket, room, area)


def _counter_numbers(names: tuple[str, ...]) -> list[int]:
    found = [int(n) for name in names for n in re.findall(r"\d+", name)[:1]]
    return found or [1]


def _schematic(
    canvas: Canvas, lang: str, ticket: TicketPanel, room: pygame.Rect, area: pygame.Rect
) -> None:
    m, surface = canvas.metrics, canvas.surface
    pygame.draw.rect(surface, MAP_WALL, room, max(2, m.px(0.5)))
    targets = _counter_numbers(ticket.counters)
    slots = max(12, max(targets))
    slot_w = room.width / slots
    desk_h = max(m.px(4), room.height // 8)
    font = canvas.font(max(12, int(min(slot_w * 0.45, desk_h * 0.6))), bold=True)
    for i in range(slots):
        desk = pygame.Rect(
            int(room.left + i * slot_w + 2), room.top + m.px(1), int(slot_w - 4), desk_h
        )
        mine = (i + 1) in targets
        pygame.draw.rect(surface, ACCENT if mine else MAP_WALL, desk, border_radius=3)
        label = font.render(str(i + 1), True, ON_DARK)
        surface.blit(label, label.get_rect(center=desk.center))
    entrance = (room.centerx, room.bottom - m.px(3))
    pygame.draw.circle(surface, GO, entrance, m.px(2.2))
    goal_x = int(room.left + (targets[0] - 0.5) * slot_w)
    goal = (goal_x, room.top + m.px(1) + desk_h + m.px(1))
    corner = (entrance[0], (entrance[1] + goal[1]) // 2)
    width = max(3, m.px(0.9))
    pygame.draw.lines(surface, ACCENT, False, [entrance, corner, (goal_x, corner[1]), goal], width)
    pygame.draw.polygon(
        surface,
        ACCENT,
        [
            (goal_x, goal[1] - 2),
            (goal_x - m.px(1.8), goal[1] + m.px(2.5)),
            (goal_x + m.px(1.8), goal[1] + m.px(2.5)),
        ],
    )
    _you_are_here(canvas, lang, area)


def _you_are_here(canvas: Canvas, lang: str, area: pygame.Rect) -> None:
    """The legend under the map: the green dot is where the citizen stands."""
    m = canvas.metrics
    here = pygame.Rect(area.left + m.px(6), area.bottom - m.px(7), area.width - m.px(8), m.px(6))
    ink = canvas.text(here, text(lang, "you_are_here"), 2.8, INK)
    pygame.draw.circle(canvas.surface, GO, (ink.left - m.px(2.5), here.centery), m.px(1.5))


def qr_surface(data: str, side: int) -> pygame.Surface:
    """``data`` as a QR code ``side`` pixels wide."""
    matrix = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    matrix.add_data(data)
    matrix.make(fit=True)
    cells = matrix.get_matrix()
    n = len(cells)
    small = pygame.Surface((n, n))
    small.fill((255, 255, 255))
    for r, row in enumerate(cells):
        for col, dark in enumerate(row):
            if dark:
                small.set_at((col, r), (0, 0, 0))
    return pygame.transform.scale(small, (side, side))
