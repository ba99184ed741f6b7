"""The face steps of the dossier screen (issue 9): consent, second factor, the camera's
challenge, how it ended; and the face buttons the keypad and the result screen offer.

The challenge screen says one thing at a time in big words (look straight, then turn to
your left or right, with a big arrow the way to turn); what is wrong with the frame (two
faces, none, too small, too dark) is a pale banner telling the citizen what to do. Every
screen says no photo is kept, and every ending offers the dossier code.
"""

from __future__ import annotations

import logging

import pygame

from kiosk.screen import icons
from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame, banner, draw_back, draw_keypad
from kiosk.screen.model import DossierPanel, FacePanel, ScreenModel
from kiosk.screen.screens_main import title
from kiosk.screen.texts import text
from kiosk.screen.theme import ACCENT, BUTTON, GO, INK, MUTED, ON_DARK, PANEL, Colour

_LOGGER = logging.getLogger(__name__)

FACTOR_KEYS = (*"123456789", "erase", "0", "ok")
#: outcomes whose text is another's (a miss never tells whether anyone has that factor)
_SAME_TEXT = {"no-candidates": "not-found"}
#: lookup endings that offer "try again" besides the code
RETRY = ("not-found", "not-live", "no-face", "no-candidates")


def draw_face(canvas: Canvas, model: ScreenModel, frame: Frame, panel: DossierPanel) -> None:
    """The face phase ``panel.phase`` of the dossier screen."""
    face = panel.face
    if panel.phase == "face_consent":
        _consent(canvas, model, frame)
    elif panel.phase == "face_factor":
        _factor(canvas, model, frame, panel, face)
    elif panel.phase == "face_capture":
        _capture(canvas, model, frame, face)
    else:
        _done(canvas, model, frame, face)


def face_lookup_button(
    canvas: Canvas, model: ScreenModel, panel: DossierPanel, footer: pygame.Rect
) -> None:
    """The "look up by face" button in the footer beside "back", when offered."""
    if not panel.face.button:
        return
    icon = canvas.button(
        footer,
        text(model.language, "face_lookup"),
        "face_lookup",
        colour=GO,
        size=3.6,
        icon_side=footer.height * 3 // 4,
    )
    _face_icon(canvas.surface, icon, ON_DARK)


def result_buttons(canvas: Canvas, model: ScreenModel, panel: DossierPanel, frame: Frame) -> int:
    """ "Next time, by face?" (found by code) and "Forget my face" at the bottom of the
    result; the top of the row (the content's bottom when faces are off)."""
    face = panel.face
    if not face.on:
        return frame.content.bottom
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    buttons: list[tuple[str, str, str | None, Colour]] = [
        (text(lang, "forget_face"), "forget_face", None, MUTED)
    ]
    if not face.by_face:
        buttons.insert(0, (text(lang, "face_offer"), "face_offer", None, GO))
    if panel.more:  # the face is linked to other dossiers of the citizen's
        more = text(lang, "dossier_next").format(count=panel.more)
        buttons.insert(0, (more, "dossier_key", "next", GO))
    height = m.target(9)
    top = c.bottom - height
    width = (c.width - gap * (len(buttons) - 1)) // len(buttons)
    for i, (words, target, value, colour) in enumerate(buttons):
        rect = pygame.Rect(c.left + i * (width + gap), top, width, height)
        canvas.button(rect, words, target, value, colour=colour, size=3.0)
    return top - gap


def _consent(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    y = title(canvas, model, frame, "face_consent_title", c.top)
    buttons_h = m.target(11)
    body = pygame.Rect(c.left, y, c.width, c.bottom - y - buttons_h - gap)
    pygame.draw.rect(canvas.surface, PANEL, body, border_radius=m.px(1))
    pad = m.px(2)
    canvas.text(
        body.inflate(-2 * pad, -2 * pad), text(lang, "face_consent_text"), 5.0, INK, align="left"
    )
    half = (c.width - gap) // 2
    row = pygame.Rect(c.left, c.bottom - buttons_h, half, buttons_h)
    canvas.button(row, text(lang, "face_consent_no"), "face_consent", "no", colour=MUTED, size=3.6)
    canvas.button(
        row.move(half + gap, 0),
        text(lang, "face_consent_yes"),
        "face_consent",
        "yes",
        colour=GO,
        size=4.0,
    )
    draw_back(canvas, model, frame)


def _factor(
    canvas: Canvas, model: ScreenModel, frame: Frame, panel: DossierPanel, face: FacePanel
) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    y = title(canvas, model, frame, f"face_factor_{face.factor_kind}", c.top)
    box = pygame.Rect(c.left, y, c.width, m.target(8))
    pygame.draw.rect(canvas.surface, PANEL, box, border_radius=m.px(1))
    if panel.error:
        pygame.draw.rect(canvas.surface, ACCENT, box, width=m.px(0.8), border_radius=m.px(1))
    canvas.text(
        box.inflate(-m.px(3), -m.px(1)),
        face.factor or "_ _ _ _",
        4.4,
        INK if face.factor else MUTED,
        speak=False,
    )
    note = pygame.Rect(c.left, box.bottom + gap, c.width, m.px(8))
    if panel.error:
        banner(canvas, note, text(lang, "face_factor_short"), 2.8)
    else:
        hint = "face_factor_hint_enrol" if face.purpose == "enrol" else "face_factor_hint_lookup"
        canvas.text(note, text(lang, hint), 3.0, ON_DARK)
    y = note.bottom + gap
    _keypad(canvas, model, pygame.Rect(c.left, y, c.width, c.bottom - y), gap)
    footer = draw_back(canvas, model, frame)
    if face.purpose == "lookup":
        canvas.button(footer, text(lang, "face_use_code"), "face_use_code", colour=MUTED, size=3.2)


def _keypad(canvas: Canvas, model: ScreenModel, room: pygame.Rect, gap: int) -> None:
    m = canvas.metrics
    columns = 3 if m.portrait else 6  # a landscape screen has room across, not down
    rows = len(FACTOR_KEYS) // columns
    key_w = min((room.width - gap * (columns - 1)) // columns, m.px(40))
    key_h = max(m.min_target_px, min(m.px(13), (room.height - gap * (rows - 1)) // rows))
    left = room.centerx - (columns * key_w + (columns - 1) * gap) // 2
    top = room.bottom - rows * key_h - (rows - 1) * gap
    draw_keypad(canvas, model.language, FACTOR_KEYS, (left, top), (key_w, key_h),
                columns, gap, target="face_key", size=5, erase_size=2.6, ok_label="face_ok")


def _capture(canvas: Canvas, model: ScreenModel, frame: Frame, face: FacePanel) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    turning = face.stage == "turn" and face.turn in ("left", "right")
    side = min(m.px(40), c.height // 3, c.width // 2)
    arrow_w = side * 2 // 3 if turning else 0
    left = c.centerx - (side + arrow_w + gap) // 2 if turning else c.centerx - side // 2
    art = pygame.Rect(left, c.top + gap, side, side)
    if turning:
        to_left = face.turn == "left"  # the citizen's left is the screen's left as they face it
        arrow = pygame.Rect(0, art.top + (side - arrow_w) // 2, arrow_w, arrow_w)
        if to_left:  # the arrow on the side the head turns to, the face beside it
            arrow.left, art.left = left, left + arrow_w + gap
        else:
            arrow.left = art.right + gap
        icons.arrow(canvas.surface, arrow, GO, left=to_left)
    _face_icon(canvas.surface, art, ON_DARK)
    words = text(lang, f"face_turn_{face.turn}" if turning else "face_look")
    box = pygame.Rect(c.left, art.bottom + gap * 2, c.width, min(m.px(26), c.height // 4))
    canvas.text(box, words, 6, ON_DARK, bold=True)
    y = box.bottom + gap
    if face.problem:
        warn = pygame.Rect(c.left, y, c.width, min(m.px(16), c.height // 6))
        banner(canvas, warn, text(lang, face.problem), 3.6)
        y = warn.bottom + gap
    note = pygame.Rect(c.left, y, c.width, min(m.px(7), c.bottom - y))
    canvas.text(note, text(lang, "face_no_photo"), 3.0, ON_DARK)
    draw_back(canvas, model, frame)


def _done(canvas: Canvas, model: ScreenModel, frame: Frame, face: FacePanel) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    outcome = face.outcome or "unavailable"
    good = outcome in ("enrolled", "forgotten", "not-kept")
    side = min(m.px(30), c.height // 4)
    art = pygame.Rect(c.centerx - side // 2, c.top + gap, side, side)
    _face_icon(canvas.surface, art, GO if good else ON_DARK)
    key = f"face_done_{_SAME_TEXT.get(outcome, outcome)}"
    height = m.target(10)
    buttons_top = c.bottom - height
    box = pygame.Rect(c.left, art.bottom + gap * 2, c.width, min(m.px(30), c.height // 4))
    canvas.text(box, text(lang, key), 5.2, ON_DARK, bold=True)
    if face.problem and not good:
        room = buttons_top - gap - box.bottom - gap
        warn = pygame.Rect(c.left, box.bottom + gap, c.width, min(m.px(14), room))
        banner(canvas, warn, text(lang, face.problem), 3.4)
    buttons: list[tuple[str, str, tuple[int, int, int]]] = []
    if face.purpose == "lookup" and outcome in RETRY:
        buttons.append(("face_try_again", "face_lookup", BUTTON))
    buttons.append(("dossier_new" if good else "face_use_code", "face_use_code", GO))
    width = (c.width - gap * (len(buttons) - 1)) // len(buttons)
    for i, (words, target, colour) in enumerate(buttons):
        rect = pygame.Rect(c.left + i * (width + gap), buttons_top, width, height)
        canvas.button(rect, text(lang, words), target, colour=colour, size=3.6)
    draw_back(canvas, model, frame)


def _face_icon(s: pygame.Surface, r: pygame.Rect, c: tuple[int, int, int]) -> None:
    """A face in a frame of corner marks (the camera's view)."""
    if r.width <= 0:
        return
    w = max(2, r.width // 22)
    corner = r.width // 4
    for x, y, dx, dy in (
        (r.left, r.top, 1, 1),
        (r.right, r.top, -1, 1),
        (r.left, r.bottom, 1, -1),
        (r.right, r.bottom, -1, -1),
    ):
        pygame.draw.line(s, c, (x, y), (x + dx * corner, y), w)
        pygame.draw.line(s, c, (x, y), (x, y + dy * corner), w)
    head = r.inflate(-r.width * 2 // 5, -r.height // 4)
    pygame.draw.ellipse(s, c, head, w)
    eye = max(2, r.width // 24)
    for fx in (0.35, 0.65):
        centre = (head.left + int(head.width * fx), head.top + head.height * 2 // 5)
        pygame.draw.circle(s, c, centre, eye)
    mouth = pygame.Rect(
        head.left + head.width // 4, head.top + head.height // 2, head.width // 2, head.height // 3
    )
    pygame.draw.arc(s, c, mouth, 3.5, 5.9, w)
