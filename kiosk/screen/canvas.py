"""Drawing primitives that remember what they drew, so tests can check every box.

Every caption is drawn *into a box*: it is wrapped to the box's width and, if it still
does not fit, drawn smaller, down to a floor; what was drawn is recorded as a
:class:`DrawnText` (box, text, pixel size, whether it fitted). Every touch target is
recorded as a :class:`Target`. A test renders every screen in every language and checks
that all texts fitted and all targets meet the minimum size in millimetres.

Text is drawn run by run: no bundled font covers both Hangul and Vietnamese
("창구: Quầy 3"), so Hangul runs use NanumGothic and the rest NotoSans. Rendered lines
are cached by (text, size, colour): paging back and forth or redrawing a screen then
costs blits, not glyph rasterising, which keeps frames inside the 8 ms budget.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from kiosk.hangul import hangul_runs
from kiosk.screen.theme import Colour, Metrics

if TYPE_CHECKING:
    from kiosk.events import TouchValue

_LOGGER = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
#: text is never drawn smaller than this fraction of its intended size to make it fit
MIN_SHRINK = 0.55
_LINE_CACHE_MAX = 2000
_LINE_CACHE_BYTES = 16 * 1024 * 1024
"""The rendered-line cache is also bounded in pixels: a ticket number drawn large is
hundreds of kilobytes (K1-D002 at 237 px: 735 KiB), and every ticket adds lines of its
own (its number, people ahead), so 2000 lines could hold hundreds of MiB. It evicts the
least recently drawn lines (the day's old numbers) rather than emptying itself: the
screens' own captions (about 11 MiB for the attract screen, the menu and the ticket
screens in three languages) stay rendered, and the cache sits at its bound instead of
filling and emptying all day (which left the heap fragmented: the 24-hour soak of
``kiosk simulate-day``)."""


@dataclass(frozen=True)
class DrawnText:
    """A caption as drawn: its box, the pixel size used and whether it fitted."""

    box: pygame.Rect
    text: str
    px: int
    fits: bool
    speak: bool


@dataclass(frozen=True)
class Target:
    """A touch target: where it is and the Touch it posts."""

    rect: pygame.Rect
    target: str
    value: TouchValue


runs = hangul_runs  # the screen draws each run in its own font (kiosk/hangul.py)


def _bytes(image: pygame.Surface) -> int:
    return image.get_width() * image.get_height() * 4


class Canvas:
    """A surface plus the record of the texts and targets drawn on it since :meth:`clear`."""

    def __init__(self, surface: pygame.Surface, metrics: Metrics) -> None:
        self.surface = surface
        self.metrics = metrics
        self.texts: list[DrawnText] = []
        self.targets: list[Target] = []
        self._fonts: dict[tuple[int, bool, bool], pygame.font.Font] = {}
        self._lines: OrderedDict[tuple[str, int, bool, Colour], pygame.Surface] = OrderedDict()
        self._line_bytes = 0
        self._layouts: dict[tuple[str, int, bool, int, int, int, int | None],
                            tuple[int, list[str], bool]] = {}

    def clear(self, colour: Colour) -> None:
        """Start a new screen."""
        self.texts = []
        self.targets = []
        self.surface.fill(colour)

    # -- fonts ----------------------------------------------------------------------

    def font(self, px: int, *, bold: bool = False, korean: bool = False) -> pygame.font.Font:
        """A bundled font at ``px`` pixels."""
        key = (px, bold, korean)
        if key not in self._fonts:
            if korean:
                # Nanum's Bold is visibly thinner than NotoSans Bold beside it; ExtraBold
                # matches its stroke, so a Korean caption reads as bold as a Latin one
                name = "NanumGothicExtraBold.ttf" if bold else "NanumGothic.ttf"
            else:
                name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
            self._fonts[key] = pygame.font.Font(str(FONT_DIR / name), px)
        return self._fonts[key]

    def line_width(self, line: str, px: int, bold: bool) -> int:
        """The width of ``line`` drawn run by run."""
        return sum(self.font(px, bold=bold, korean=k).size(r)[0] for r, k in runs(line))

    def render_line(self, line: str, px: int, bold: bool, colour: Colour) -> pygame.Surface:
        """``line`` as an image (cached)."""
        key = (line, px, bold, colour)
        cached = self._lines.get(key)
        if cached is not None:
            self._lines.move_to_end(key)
            return cached
        parts = [self.font(px, bold=bold, korean=k).render(r, True, colour) for r, k in runs(line)]
        height = max((p.get_height() for p in parts), default=self.font(px).get_linesize())
        image = pygame.Surface((max(1, sum(p.get_width() for p in parts)), height),
                               pygame.SRCALPHA)
        x = 0
        for part in parts:
            image.blit(part, (x, (height - part.get_height()) // 2))
            x += part.get_width()
        size = _bytes(image)
        while self._lines and (
            len(self._lines) >= _LINE_CACHE_MAX or self._line_bytes + size > _LINE_CACHE_BYTES
        ):
            _, oldest = self._lines.popitem(last=False)
            self._line_bytes -= _bytes(oldest)
        self._lines[key] = image
        self._line_bytes += size
        return image

    def wrap(self, words: str, px: int, bold: bool, max_width: int) -> list[str]:
        """Greedy word wrap of ``words`` to ``max_width``."""
        lines: list[str] = []
        current = ""
        for word in words.split():
            trial = f"{current} {word}".strip()
            if not current or self.line_width(trial, px, bold) <= max_width:
                current = trial
            else:
                lines.append(current)
                current = word
        return lines + [current] if current else lines

    # -- drawing --------------------------------------------------------------------

    def text(self, box: pygame.Rect, words: str, size: float, colour: Colour, *,
             bold: bool = False, align: str = "center", speak: bool = True) -> pygame.Rect:
        """Draw ``words`` inside ``box`` (wrapped, shrunk if needed); returns the ink area."""
        # large text shrinks no further than normal text would: a box too small for 1.6x
        # letters still shows them at least as large as without large text
        floor = max(12, int(size * self.metrics.unit * MIN_SHRINK))
        # ... and shrinking large text tries the normal size on its way down, so letters
        # that fit at the normal size are never drawn smaller than it
        normal = max(12, int(size * self.metrics.unit)) if self.metrics.large_text else None
        px, lines, fits = self.layout(words, self.metrics.text_px(size), bold, box.size, floor,
                                      normal)
        self.texts.append(DrawnText(pygame.Rect(box), words, px, fits, speak))
        line_h = self.font(px, bold=bold).get_linesize()
        top = box.top + (box.height - line_h * len(lines)) // 2 if align != "top" else box.top
        area = pygame.Rect(box.centerx, top, 0, 0)
        for i, line in enumerate(lines):
            image = self.render_line(line, px, bold, colour)
            y = top + i * line_h + line_h // 2
            if align == "left":
                rect = image.get_rect(midleft=(box.left, y))
            else:
                rect = image.get_rect(center=(box.centerx, y))
            self.surface.blit(image, rect)
            area.union_ip(rect)
        return area

    def text_height(self, words: str, size: float, width: int, *, bold: bool = False) -> int:
        """The height ``words`` need at ``size`` (large text included), wrapped to
        ``width``: a box of at least this height shows them unshrunk."""
        px = self.metrics.text_px(size)
        lines = self.wrap(words, px, bold, width)
        return self.font(px, bold=bold).get_linesize() * max(len(lines), 1)

    def layout(self, words: str, start: int, bold: bool, size: tuple[int, int],
               floor: int | None = None, tried: int | None = None) -> tuple[int, list[str], bool]:
        """(pixel size, lines, fits) of ``words`` in a box of ``size``, shrinking from
        ``start`` to no less than ``floor`` and trying ``tried`` on the way, cached: the same
        caption in the same box is laid out once, so redrawing a screen is blits."""
        floor = max(12, int(start * MIN_SHRINK)) if floor is None else min(floor, start)
        key = (words, start, bold, size[0], size[1], floor, tried)
        cached = self._layouts.get(key)
        if cached is not None:
            return cached
        width, height = size
        px = start
        while True:
            lines = self.wrap(words, px, bold, width)
            line_h = self.font(px, bold=bold).get_linesize()
            widest = max((self.line_width(line, px, bold) for line in lines), default=0)
            fits = widest <= width and line_h * len(lines) <= height
            if fits or px <= floor:
                break
            smaller = max(floor, int(px * 0.9))
            px = tried if tried is not None and smaller < tried < px else smaller
        if len(self._layouts) > _LINE_CACHE_MAX:
            self._layouts.clear()
        self._layouts[key] = (px, lines, fits)
        return px, lines, fits

    def target(self, rect: pygame.Rect, target: str, value: TouchValue = None) -> None:
        """Record a touch target without drawing it."""
        self.targets.append(Target(pygame.Rect(rect), target, value))

    def button(self, rect: pygame.Rect, label: str, target: str, value: TouchValue = None, *,
               colour: Colour, ink: Colour = (255, 255, 255), size: float = 4.5,
               icon_side: int = 0, speak: bool = True) -> pygame.Rect:
        """A rounded button with ``label``; leaves ``icon_side`` px free on the left for an
        icon the caller draws. Returns the icon's square (empty without one)."""
        radius = self.metrics.px(1.6)
        pygame.draw.rect(self.surface, colour, rect, border_radius=radius)
        pad = self.metrics.px(1.5)
        icon = pygame.Rect(rect.left + pad, rect.centery - icon_side // 2, icon_side, icon_side)
        left = icon.right + pad if icon_side else rect.left + pad
        box = pygame.Rect(left, rect.top + pad // 2, rect.right - pad - left,
                          rect.height - pad)
        self.text(box, label, size, ink, bold=True, speak=speak)
        self.target(rect, target, value)
        return icon if icon_side else pygame.Rect(0, 0, 0, 0)
