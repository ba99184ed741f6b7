"""The screens where a citizen enters something: a booking code and a rating.

The booking keyboard has only the characters a booking code can contain (central's
alphabet without look-alikes), so a citizen cannot type an O for a 0. The rating shows
faces from sad to happy with a caption each, so it reads without reading.
"""

from __future__ import annotations

import logging
import math

import pygame

from kiosk.flow import BOOKING_ALPHABET, BOOKING_CODE_LENGTH
from kiosk.screen import icons
from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame, banner, draw_back, draw_keypad
from kiosk.screen.model import ScreenModel
from kiosk.screen.screens_main import title
from kiosk.screen.texts import RATING_REASONS, counter_name, score_key, text
from kiosk.screen.theme import BUTTON, GO, INK, MUTED, ON_DARK, PANEL, SELECTED

_LOGGER = logging.getLogger(__name__)


def draw_booking(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Six boxes for the code and a keyboard of the booking alphabet."""
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    y = title(canvas, model, frame, "booking_title", c.top)
    hint = pygame.Rect(c.left, y, c.width, m.px(10 if m.portrait else 7))
    if model.error:  # the error takes the hint's place: the citizen corrects the code
        banner(canvas, hint, text(lang, model.error), 3.6)
    else:  # large enough for the elderly: the size of a button's label
        canvas.text(hint, text(lang, "booking_hint"), 3.8, ON_DARK)
    box_side = min(m.px(13 if m.portrait else 9), (c.width - gap * 5) // BOOKING_CODE_LENGTH)
    left = c.centerx - (box_side * BOOKING_CODE_LENGTH + gap * 5) // 2
    top = hint.bottom + gap
    font = canvas.font(int(box_side * 0.7), bold=True)
    for i in range(BOOKING_CODE_LENGTH):
        box = pygame.Rect(left + i * (box_side + gap), top, box_side, box_side)
        pygame.draw.rect(canvas.surface, PANEL, box, border_radius=m.px(1))
        if model.error and i < len(model.booking_code):  # kept, and marked for checking
            pygame.draw.rect(
                canvas.surface, SELECTED, box, max(3, m.px(0.8)), border_radius=m.px(1)
            )
        if i < len(model.booking_code):
            glyph = font.render(model.booking_code[i], True, INK)
            canvas.surface.blit(glyph, glyph.get_rect(center=box.center))
    y = top + box_side + gap * 2
    keys = [*BOOKING_ALPHABET, "erase"]
    columns = 6 if m.portrait else 8
    rows = math.ceil(len(keys) / columns)
    key_w = (c.width - gap * (columns - 1)) // columns
    tallest = key_w * 4 // 3 if m.portrait else key_w  # the keys fill a portrait screen
    key_h = max(m.min_target_px, min(tallest, (c.bottom - y - gap * rows) // rows))
    draw_keypad(canvas, lang, keys, (c.left, y), (key_w, key_h), columns, gap,
                target="key", size=6, erase_size=3.2)
    footer = draw_back(canvas, model, frame)
    if len(model.booking_code) == BOOKING_CODE_LENGTH:
        canvas.button(footer, text(lang, "confirm"), "submit_code", colour=GO, size=4.4)


def draw_rating(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Faces for the score, optional reasons, and "send" once a score is chosen."""
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    y = title(canvas, model, frame, "rating_title", c.top)
    if not model.rate_number:
        _show_your_ticket(canvas, model, frame, y)
        return
    line = pygame.Rect(c.left, y, c.width, m.px(7))
    canvas.text(
        line,
        text(
            lang,
            "rate_for",
            number=model.rate_number,
            counter=counter_name(lang, model.rate_counter),
        ),
        3.6,
        ON_DARK,
    )
    y = line.bottom + gap
    levels = model.rating_levels
    face_w = (c.width - gap * (levels - 1)) // levels
    face_h = max(m.min_target_px, min(m.px(34 if m.portrait else 16), face_w + m.px(9)))
    for score in range(1, levels + 1):
        rect = pygame.Rect(c.left + (score - 1) * (face_w + gap), y, face_w, face_h)
        chosen = model.score == score
        # the chosen face: green with a white ring (red would read as "bad")
        pygame.draw.rect(canvas.surface, GO if chosen else BUTTON, rect, border_radius=m.px(1.6))
        if chosen:
            pygame.draw.rect(
                canvas.surface, ON_DARK, rect, max(4, m.px(0.9)), border_radius=m.px(1.6)
            )
        side = min(face_w - m.px(2), face_h - m.px(9))
        face = pygame.Rect(rect.centerx - side // 2, rect.top + m.px(1), side, side)
        draw_face(canvas.surface, face, (score - 1) / (levels - 1))
        label = pygame.Rect(
            rect.left + m.px(0.5),
            face.bottom,
            rect.width - m.px(1),
            rect.bottom - face.bottom - m.px(0.5),
        )
        canvas.text(label, text(lang, score_key(score, levels)), 3.0, ON_DARK, bold=True)
        canvas.target(rect, "score", score)
    y += face_h + gap
    box = pygame.Rect(c.left, y, c.width, m.px(7 if m.portrait else 5))
    canvas.text(box, text(lang, "rating_reasons"), 3.2, ON_DARK)
    y = box.bottom + gap
    columns = 2 if m.portrait else 3
    rows = math.ceil(len(RATING_REASONS) / columns)
    width = (c.width - gap * (columns - 1)) // columns
    height = max(
        m.min_target_px,
        min(m.target(20 if m.portrait else 13), (c.bottom - y - gap * rows) // rows),
    )
    for i, reason in enumerate(RATING_REASONS):
        row, col = divmod(i, columns)
        rect = pygame.Rect(c.left + col * (width + gap), y + row * (height + gap), width, height)
        ticked = reason in model.reasons
        canvas.button(
            rect,
            text(lang, f"reason_{reason}"),
            "reason",
            reason,
            colour=GO if ticked else MUTED,
            size=3.4,
        )
    footer = draw_back(canvas, model, frame)
    if model.score is not None:
        canvas.button(footer, text(lang, "send"), "submit_rating", colour=GO, size=4.4)


def _show_your_ticket(canvas: Canvas, model: ScreenModel, frame: Frame, top: int) -> None:
    """Before the faces: the citizen shows the QR code of the ticket that was served, so
    the rating names that ticket and the counter that served it."""
    m, c, lang = canvas.metrics, frame.content, model.language
    side = min(m.px(40), (c.bottom - top) // 3)
    icons.ticket(
        canvas.surface, pygame.Rect(c.centerx - side // 2, top + frame.gap, side, side), ON_DARK
    )
    y = top + side + frame.gap * 3
    key = "rate_checking" if model.rate_checking else "rate_scan"
    box = pygame.Rect(c.left, y, c.width, m.px(16))
    canvas.text(box, text(lang, key), 5.0, ON_DARK, bold=True)
    hint = pygame.Rect(c.left, box.bottom + frame.gap, c.width, m.px(12))
    canvas.text(hint, text(lang, "rate_scan_hint"), 3.6, ON_DARK)
    draw_back(canvas, model, frame)


def draw_rating_sent(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Thanks, and a way out."""
    m, c = canvas.metrics, frame.content
    side = m.px(30)
    draw_face(
        canvas.surface, pygame.Rect(c.centerx - side // 2, c.top + c.height // 8, side, side), 1.0
    )
    box = pygame.Rect(c.left, c.top + c.height // 8 + side + frame.gap * 2, c.width, m.px(20))
    canvas.text(box, text(model.language, "rating_thanks"), 6, ON_DARK, bold=True)
    footer = draw_back(canvas, model, frame)
    canvas.button(footer, text(model.language, "done"), "done", colour=BUTTON, size=4.2)


def draw_face(surface: pygame.Surface, rect: pygame.Rect, mood: float) -> None:
    """A face from sad (``mood`` 0) to happy (1), yellow with dark features.

    The mouth sits low (two thirds down, well under the eyes) and is a parabola whose
    depth follows the mood, so each of five faces differs from its neighbours by the
    same visible step: deep frown, slight frown, straight, slight smile, wide smile."""
    pygame.draw.ellipse(surface, (255, 214, 10), rect)
    w, h = rect.width, rect.height
    eye = max(2, w // 13)
    eye_y = rect.top + h * 38 // 100
    for x in (rect.left + w * 34 // 100, rect.right - w * 34 // 100):
        pygame.draw.circle(surface, INK, (x, eye_y), eye)
    curve = (mood - 0.5) * 2  # -1 sad .. 1 happy
    thickness = max(3, w // 16)
    half = w * (0.22 + 0.06 * abs(curve))  # a wider mouth for the stronger feelings
    depth = h * 0.16 * curve  # positive: the corners go up (a smile)
    centre_y = rect.top + h * 0.70 - depth / 2
    points = []
    for i in range(17):
        t = i / 16 * 2 - 1  # -1 .. 1 across the mouth
        points.append((rect.centerx + t * half, centre_y + depth * (1 - t * t)))
    pygame.draw.lines(surface, INK, False, points, thickness)
    for end in (points[0], points[-1]):  # round ends
        pygame.draw.circle(surface, INK, (int(end[0]), int(end[1])), thickness // 2)
