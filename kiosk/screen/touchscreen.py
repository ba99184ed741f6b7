"""The pygame touchscreen: renders what the flow says and turns touches into events.

It decides nothing. :meth:`TouchScreen.show` draws a :class:`ScreenModel` and remembers
where each touch target was drawn; :meth:`TouchScreen.pump` turns mouse/finger events
into :class:`~kiosk.events.Touch` by hit-testing those targets. Scripted citizens in the
demo and the tests tap a target by posting a real pygame mouse event at its centre, so
they exercise the same hit-testing a finger does.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame
import qrcode

from kiosk.events import KioskEvent, Shutdown, Touch
from kiosk.screen.texts import LANGUAGE_NAMES, text

_LOGGER = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"

# A calm, high-contrast palette (white on dark blue is > 10:1).
BACKGROUND = (13, 43, 94)
PANEL = (255, 255, 255)
INK = (20, 20, 20)
ON_DARK = (255, 255, 255)
ACCENT = (200, 16, 46)
BUTTON = (0, 102, 204)
WARNING_BG = (255, 236, 179)


@dataclass(frozen=True)
class ServiceButton:
    """A service as the grid shows it."""

    code: str
    name: str


@dataclass(frozen=True)
class TicketPanel:
    """What the ticket screen shows."""

    number: str
    service_name: str
    counters: tuple[str, ...]
    people_ahead: int | None
    wait_min: int | None
    printed: bool
    offline: bool
    status_url: str


@dataclass(frozen=True)
class ScreenModel:
    """Everything one screen shows; built by the daemon from the flow's state and visit."""

    state: str
    language: str
    languages: tuple[str, ...]
    centre_name: str
    services: tuple[ServiceButton, ...] = ()
    ticket: TicketPanel | None = None
    error: str | None = None
    has_base: bool = False


@dataclass(frozen=True)
class _Target:
    rect: pygame.Rect
    target: str
    value: str | None


class TouchScreen:
    """One pygame window (or an off-screen surface under SDL's dummy driver)."""

    def __init__(
        self, width: int, height: int, *, fullscreen: bool, post: Callable[[KioskEvent], None]
    ) -> None:
        pygame.display.init()
        pygame.font.init()
        flags = pygame.FULLSCREEN if fullscreen and os.environ.get("SDL_VIDEODRIVER") != "dummy" else 0
        self.surface = pygame.display.set_mode((width, height), flags)
        pygame.display.set_caption("kiosk")
        self.width, self.height = width, height
        self._post = post
        self._targets: list[_Target] = []
        self._fonts: dict[tuple[int, bool, bool], pygame.font.Font] = {}
        self.model: ScreenModel | None = None
        self.unit = min(width, height) / 100  # layout unit: 1 % of the short side

    # -- fonts and primitives ---------------------------------------------------------

    def _font(self, size: float, *, bold: bool = False, korean: bool = False) -> pygame.font.Font:
        px = max(8, int(size * self.unit))
        key = (px, bold, korean)
        if key not in self._fonts:
            if korean:
                name = "NanumGothicBold.ttf" if bold else "NanumGothic.ttf"
            else:
                name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
            self._fonts[key] = pygame.font.Font(str(FONT_DIR / name), px)
        return self._fonts[key]

    def _text(self, words: str, size: float, colour: tuple[int, int, int], centre: tuple[int, int],
              *, bold: bool = False, max_width: int | None = None, top: bool = False
              ) -> pygame.Rect:
        """Draw ``words`` wrapped to ``max_width``, centred on ``centre`` (or hanging from
        it with ``top``); returns the area used."""
        fonts = (self._font(size, bold=bold), self._font(size, bold=bold, korean=True))
        lines = _wrap(words, fonts, max_width or self.width - int(8 * self.unit))
        line_h = fonts[0].get_linesize()
        top_y = centre[1] if top else centre[1] - line_h * len(lines) // 2
        area = pygame.Rect(centre[0], top_y, 0, 0)
        for i, line in enumerate(lines):
            image = _render_line(line, fonts, colour)
            rect = image.get_rect(center=(centre[0], top_y + i * line_h + line_h // 2))
            self.surface.blit(image, rect)
            area.union_ip(rect)
        return area

    def _button(self, rect: pygame.Rect, label: str, target: str, value: str | None = None,
                *, colour: tuple[int, int, int] = BUTTON, size: float = 4.5) -> None:
        pygame.draw.rect(self.surface, colour, rect, border_radius=int(2 * self.unit))
        self._text(label, size, ON_DARK, rect.center, bold=True, max_width=rect.width - 20)
        self._targets.append(_Target(rect, target, value))

    # -- screens ------------------------------------------------------------------------

    def show(self, model: ScreenModel) -> None:
        """Draw ``model`` and flip the display."""
        self.model = model
        self._targets = []
        self.surface.fill(BACKGROUND)
        u, w, h = self.unit, self.width, self.height
        lang = model.language
        self._text(model.centre_name, 3.2, ON_DARK, (w // 2, int(5 * u)), max_width=w - int(6 * u))
        self._language_bar(model)
        draw = getattr(self, f"_draw_{model.state}", self._draw_message)
        draw(model)
        if model.error:
            box = pygame.Rect(int(4 * u), h - int(22 * u), w - int(8 * u), int(12 * u))
            pygame.draw.rect(self.surface, WARNING_BG, box, border_radius=int(u))
            self._text(text(lang, model.error), 3, INK, box.center, max_width=box.width - 20)
        pygame.display.flip()

    def _language_bar(self, model: ScreenModel) -> None:
        u = self.unit
        width = int(24 * u)
        left = self.width - len(model.languages) * (width + int(2 * u))
        for i, code in enumerate(model.languages):
            rect = pygame.Rect(left + i * (width + int(2 * u)), int(10 * u), width, int(9 * u))
            colour = ACCENT if code == model.language else BUTTON
            self._button(rect, LANGUAGE_NAMES.get(code, code), "language", code, colour=colour,
                         size=3)

    def _draw_idle(self, model: ScreenModel) -> None:
        u, w, h = self.unit, self.width, self.height
        self._text(text(model.language, "welcome"), 7, ON_DARK, (w // 2, h // 3), bold=True)
        rect = pygame.Rect(int(8 * u), h // 2, w - int(16 * u), int(24 * u))
        self._button(rect, text(model.language, "touch_to_start"), "start", size=5.5)

    def _draw_menu(self, model: ScreenModel) -> None:
        u, w, h = self.unit, self.width, self.height
        rect = pygame.Rect(int(8 * u), h // 3, w - int(16 * u), int(26 * u))
        self._button(rect, text(model.language, "take_ticket"), "take_ticket", size=7)
        back = pygame.Rect(int(4 * u), h - int(16 * u), int(30 * u), int(11 * u))
        self._button(back, text(model.language, "back"), "back", colour=(90, 90, 90))

    def _draw_choose_service(self, model: ScreenModel) -> None:
        u, w, h = self.unit, self.width, self.height
        self._text(text(model.language, "choose_service"), 5.5, ON_DARK, (w // 2, int(25 * u)),
                   bold=True)
        columns = 2
        gap = int(3 * u)
        cell_w = (w - gap * (columns + 1)) // columns
        rows = max(1, (len(model.services) + columns - 1) // columns)
        top, bottom = int(32 * u), h - int(20 * u)
        cell_h = min(int(22 * u), (bottom - top - gap * rows) // rows)
        for i, service in enumerate(model.services):
            row, col = divmod(i, columns)
            rect = pygame.Rect(gap + col * (cell_w + gap), top + row * (cell_h + gap), cell_w, cell_h)
            self._button(rect, service.name, "service", service.code, size=4.2)
        back = pygame.Rect(int(4 * u), h - int(16 * u), int(30 * u), int(11 * u))
        self._button(back, text(model.language, "back"), "back", colour=(90, 90, 90))

    def _draw_issue_ticket(self, model: ScreenModel) -> None:
        self._text(text(model.language, "issuing"), 5, ON_DARK, (self.width // 2, self.height // 2))

    def _draw_ticket_ready(self, model: ScreenModel) -> None:
        u, w, h = self.unit, self.width, self.height
        lang, ticket = model.language, model.ticket
        if ticket is None:
            return
        panel = pygame.Rect(int(4 * u), int(22 * u), w - int(8 * u), h - int(46 * u))
        pygame.draw.rect(self.surface, PANEL, panel, border_radius=int(2 * u))
        x = w // 2
        y = panel.top + int(3 * u)
        y = self._text(text(lang, "your_number"), 4, INK, (x, y), top=True).bottom
        y = self._text(ticket.number, 24 if len(ticket.number) <= 5 else 15, ACCENT, (x, y),
                       bold=True, top=True).bottom + int(2 * u)
        lines = [ticket.service_name]
        if ticket.counters:
            lines.append(f"{text(lang, 'counter')}: {', '.join(ticket.counters)}")
        if ticket.people_ahead is not None:
            lines.append(f"{text(lang, 'people_ahead')}: {ticket.people_ahead}")
        if ticket.wait_min is not None:
            lines.append(f"{text(lang, 'wait')}: {ticket.wait_min} {text(lang, 'minutes')}")
        inner = panel.width - int(6 * u)
        for line in lines:
            y = self._text(line, 4, INK, (x, y), max_width=inner, top=True).bottom + int(u)
        y += int(2 * u)
        note = "printed" if ticket.printed else "not_printed"
        y = self._text(text(lang, note), 3.4, INK if ticket.printed else ACCENT, (x, y),
                       bold=not ticket.printed, max_width=inner, top=True).bottom + int(2 * u)
        if ticket.offline:
            y = self._text(text(lang, "offline"), 3, INK, (x, y), max_width=inner,
                           top=True).bottom + int(2 * u)
        if not ticket.printed or ticket.offline:
            # The QR code on screen is the citizen's copy when the paper is missing.
            side = min(int(30 * u), panel.bottom - y - int(8 * u))
            if side > 40:
                qr = _qr_surface(ticket.status_url, side)
                self.surface.blit(qr, qr.get_rect(midtop=(x, y)))
                self._text(text(lang, "scan_qr"), 2.6, INK, (x, y + side + int(u)), top=True)
        bottom = h - int(22 * u)
        if model.has_base:
            half = (w - int(12 * u)) // 2
            self._button(pygame.Rect(int(4 * u), bottom, half, int(14 * u)),
                         text(lang, "follow_me"), "guide_me", colour=(0, 128, 64))
            self._button(pygame.Rect(int(8 * u) + half, bottom, half, int(14 * u)),
                         text(lang, "done"), "done")
        else:
            self._button(pygame.Rect(int(4 * u), bottom, w - int(8 * u), int(14 * u)),
                         text(lang, "done"), "done")

    def _draw_message(self, model: ScreenModel) -> None:
        self._text(text(model.language, model.state), 6, ON_DARK,
                   (self.width // 2, self.height // 2), bold=True)

    # -- input ----------------------------------------------------------------------------

    def pump(self) -> None:
        """Turn pending pygame input into Touch events (call ~30 times a second)."""
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self._post(Shutdown())
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                self._hit(event.pos)
            elif event.type == pygame.FINGERDOWN:
                self._hit((int(event.x * self.width), int(event.y * self.height)))

    def _hit(self, pos: tuple[int, int]) -> None:
        for target in reversed(self._targets):
            if target.rect.collidepoint(pos):
                self._post(Touch(target.target, target.value))
                return

    def target_centre(self, target: str, value: str | None = None) -> tuple[int, int] | None:
        """Where ``target`` is drawn now (scripted citizens tap there)."""
        for drawn in self._targets:
            if drawn.target == target and (value is None or drawn.value == value):
                return drawn.rect.center
        return None

    def tap(self, target: str, value: str | None = None) -> bool:
        """Post a real mouse press at ``target``'s centre; False if it is not on screen."""
        pos = self.target_centre(target, value)
        if pos is None:
            return False
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        return True

    def screenshot(self, path: Path) -> None:
        """Save what is on screen as PNG."""
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(path))

    def close(self) -> None:
        """Close the window."""
        pygame.display.quit()


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _runs(line: str) -> list[tuple[str, bool]]:
    """Split ``line`` into runs of Korean and non-Korean text (spaces join the run before).

    No single bundled font covers both Hangul and Vietnamese ("창구: Quầy 1"), so each run
    is drawn in the font that has its letters.
    """
    runs: list[tuple[str, bool]] = []
    for ch in line:
        korean = _is_hangul(ch) if not ch.isspace() else (runs[-1][1] if runs else False)
        if runs and runs[-1][1] == korean:
            runs[-1] = (runs[-1][0] + ch, korean)
        else:
            runs.append((ch, korean))
    return runs


def _line_width(line: str, fonts: tuple[pygame.font.Font, pygame.font.Font]) -> int:
    return sum(fonts[korean].size(run)[0] for run, korean in _runs(line))


def _render_line(line: str, fonts: tuple[pygame.font.Font, pygame.font.Font],
                 colour: tuple[int, int, int]) -> pygame.Surface:
    parts = [fonts[korean].render(run, True, colour) for run, korean in _runs(line)]
    height = max((p.get_height() for p in parts), default=fonts[0].get_linesize())
    surface = pygame.Surface((sum(p.get_width() for p in parts), height), pygame.SRCALPHA)
    x = 0
    for part in parts:
        surface.blit(part, (x, (height - part.get_height()) // 2))
        x += part.get_width()
    return surface


def _wrap(words: str, fonts: tuple[pygame.font.Font, pygame.font.Font], max_width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words.split():
        trial = f"{current} {word}".strip()
        if _line_width(trial, fonts) <= max_width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return lines + [current] if current else lines


def _qr_surface(data: str, side: int) -> pygame.Surface:
    # A fixed mask skips qrcode's 8-way mask search (~35 ms); any reader decodes it.
    matrix = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M,
                           mask_pattern=2)
    matrix.add_data(data)
    matrix.make(fit=True)
    cells = matrix.get_matrix()
    n = len(cells)
    small = pygame.Surface((n, n))
    small.fill((255, 255, 255))
    for r, row in enumerate(cells):
        for c, dark in enumerate(row):
            if dark:
                small.set_at((c, r), (0, 0, 0))
    return pygame.transform.scale(small, (side, side))
