"""The dossier status screen (issue 8): a keypad for real dossier codes (letters, digits,
dots, dashes: ``000.00.12.H29-261120-0007``), the second factor when the centre asks for
one, the lockout after repeated misses, and the answer.

The code typed stays in the box when central does not know it, so a citizen fixes one
character instead of typing forty again; the box turns red and says why.
"""

from __future__ import annotations

import logging
import math
import string

import pygame

from kiosk.screen import icons, screens_faces
from kiosk.screen.canvas import Canvas
from kiosk.screen.frame import Frame, banner, draw_back, draw_keypad
from kiosk.screen.model import DossierPanel, ScreenModel
from kiosk.screen.screens_main import draw_message, title
from kiosk.screen.texts import text
from kiosk.screen.theme import ACCENT, BUTTON, GO, INK, MUTED, ON_DARK, PANEL

_LOGGER = logging.getLogger(__name__)

CODE_KEYS = (*string.ascii_uppercase, *string.digits, ".", "-", "erase", "ok")
FACTOR_KEYS = (*"123456789", "erase", "0", "ok")
#: each status's caption key and colour of its badge
STATUS_COLOUR = {
    "received": BUTTON,
    "in_progress": BUTTON,
    "needs_documents": ACCENT,
    "ready": GO,
    "returned": MUTED,
    "overdue": ACCENT,
}


def draw_dossier_lookup(canvas: Canvas, model: ScreenModel, frame: Frame) -> None:
    """Keypad, second factor, searching, lockout or the answer."""
    panel = model.dossier or DossierPanel()
    if panel.phase.startswith("face_"):
        screens_faces.draw_face(canvas, model, frame, panel)
    elif panel.phase == "result":
        _draw_result(canvas, model, frame, panel)
    elif panel.phase == "locked":
        draw_message(
            canvas,
            model,
            frame,
            "dossier_locked",
            icons.people,
            values={"minutes": str(panel.locked_min)},
        )
    elif panel.phase == "searching":
        draw_message(canvas, model, frame, "dossier_searching", icons.magnifier)
    else:
        _draw_keypad(canvas, model, frame, panel)


def _draw_keypad(canvas: Canvas, model: ScreenModel, frame: Frame, panel: DossierPanel) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    factor = panel.phase == "factor"
    heading = f"dossier_factor_{panel.factor_kind}" if factor else "dossier_lookup"
    if heading == "dossier_factor_None":
        heading = "dossier_factor_phone_last4"
    y = title(canvas, model, frame, heading, c.top)
    box = pygame.Rect(c.left, y, c.width, m.target(8))
    typed = panel.factor if factor else panel.code
    pygame.draw.rect(canvas.surface, PANEL, box, border_radius=m.px(1))
    if panel.error:
        pygame.draw.rect(canvas.surface, ACCENT, box, width=m.px(0.8), border_radius=m.px(1))
    hint = "" if factor else text(lang, "dossier_code_hint")
    canvas.text(
        box.inflate(-m.px(3), -m.px(1)),
        typed or hint,
        4.4 if typed else 3.2,
        INK if typed else MUTED,
        align="left",
        speak=not typed,
    )
    y = box.bottom + gap
    note = pygame.Rect(c.left, y, c.width, m.px(8))
    if panel.error:
        banner(canvas, note, text(lang, f"dossier_{panel.error}"), 2.8)
    else:
        words = text(lang, "dossier_factor_hint" if factor else "dossier_qr_hint")
        canvas.text(note, words, 3.0, ON_DARK)
    y = note.bottom + gap
    _keys(
        canvas,
        model,
        pygame.Rect(c.left, y, c.width, c.bottom - y),
        gap,
        FACTOR_KEYS if factor else CODE_KEYS,
    )
    footer = draw_back(canvas, model, frame)
    if not factor:
        screens_faces.face_lookup_button(canvas, model, panel, footer)


def _keys(
    canvas: Canvas, model: ScreenModel, room: pygame.Rect, gap: int, keys: tuple[str, ...]
) -> None:
    m = canvas.metrics
    if len(keys) <= 12:
        columns = 3 if m.portrait else 6
    else:
        columns = 8 if m.portrait else 10
    rows = math.ceil(len(keys) / columns)
    key_w = (room.width - gap * (columns - 1)) // columns
    key_h = max(m.min_target_px, min(m.px(14), (room.height - gap * (rows - 1)) // rows))
    top = room.bottom - rows * key_h - (rows - 1) * gap
    draw_keypad(canvas, model.language, keys, (room.left, top), (key_w, key_h),
                columns, gap, target="dossier_key", size=5, erase_size=2.6, ok_label="dossier_ok")


def _draw_result(canvas: Canvas, model: ScreenModel, frame: Frame, panel: DossierPanel) -> None:
    m, c, gap, lang = canvas.metrics, frame.content, frame.gap, model.language
    head = pygame.Rect(c.left, c.top, c.width, m.px(10))
    canvas.text(head, panel.procedure, 4.4, ON_DARK, bold=True)
    badge = pygame.Rect(c.left, head.bottom + gap, c.width, m.px(11))
    pygame.draw.rect(
        canvas.surface, STATUS_COLOUR.get(panel.status, MUTED), badge, border_radius=m.px(1.6)
    )
    canvas.text(
        badge.inflate(-m.px(3), -m.px(1)),
        text(lang, f"dossier_status_{panel.status}"),
        4.6,
        ON_DARK,
        bold=True,
    )
    lines: list[tuple[str, bool]] = [
        (f"{text(lang, 'dossier_code')}: {panel.code}", False),
        (f"{text(lang, 'dossier_applicant')}: {panel.applicant}", False),
        (f"{text(lang, 'dossier_received')}: {panel.received_on}", False),
    ]
    if panel.appointment_on:
        lines.append((f"{text(lang, 'dossier_appointment')}: {panel.appointment_on}", True))
    if panel.status == "needs_documents":
        lines.append((text(lang, "dossier_missing"), True))
        lines += [(f"{i}. {doc}", False) for i, doc in enumerate(panel.missing, 1)]
    if panel.status == "ready":
        if panel.pickup:
            lines.append((f"{text(lang, 'dossier_pickup')}: {panel.pickup}", True))
        fee = panel.fee_due or text(lang, "dossier_no_fee")
        lines.append((f"{text(lang, 'dossier_fee_due')}: {fee}", True))
    if panel.status == "overdue":
        lines.append((text(lang, "dossier_overdue_help"), True))
    top = badge.bottom + gap
    bottom = screens_faces.result_buttons(canvas, model, panel, frame)
    unit = min(m.px(9), (bottom - top) // max(len(lines), 1))
    for i, (words, bold) in enumerate(lines):
        box = pygame.Rect(c.left, top + i * unit, c.width, unit)
        canvas.text(box, words, 3.2, ON_DARK, bold=bold, align="left")
    footer = draw_back(canvas, model, frame)
    canvas.button(footer, text(lang, "dossier_new"), "dossier_key", "new", colour=BUTTON, size=3.2)
