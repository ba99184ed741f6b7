"""Colours and sizes of the screens, with the checks accessibility rules ask for.

Colours come in foreground/background pairs (:data:`PAIRS`) so a test computes the
WCAG 2.x contrast ratio of every pair the screens draw text with (at least 4.5:1).
Sizes are in a layout unit (1 % of the screen's short side) with touch targets never
smaller than :data:`MIN_TARGET_MM` on the configured screen's DPI.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

_LOGGER = logging.getLogger(__name__)

Colour = tuple[int, int, int]

BACKGROUND: Colour = (13, 43, 94)
PANEL: Colour = (255, 255, 255)
INK: Colour = (20, 20, 20)
ON_DARK: Colour = (255, 255, 255)
ACCENT: Colour = (176, 0, 32)
BUTTON: Colour = (0, 87, 184)
GO: Colour = (0, 110, 55)
MUTED: Colour = (72, 72, 72)
SELECTED: Colour = (176, 0, 32)
#: the "I have priority" option: its own colour, so it reads as a choice, not a field
PRIORITY: Colour = (91, 44, 140)
WARNING_BG: Colour = (255, 236, 179)
MAP_FLOOR: Colour = (236, 240, 245)
MAP_WALL: Colour = (90, 100, 115)

#: every (text, background) pair the screens use
PAIRS: dict[str, tuple[Colour, Colour]] = {
    "title on background": (ON_DARK, BACKGROUND),
    "button label": (ON_DARK, BUTTON),
    "go button label": (ON_DARK, GO),
    "muted button label": (ON_DARK, MUTED),
    "selected button label": (ON_DARK, SELECTED),
    "priority button label": (ON_DARK, PRIORITY),
    "panel text": (INK, PANEL),
    "number on panel": (ACCENT, PANEL),
    "warning text": (INK, WARNING_BG),
    "map label": (INK, MAP_FLOOR),
}

MIN_TARGET_MM = 15.0
MIN_CONTRAST = 4.5
#: text grows by this much in large-text mode (the screens reflow: fewer items per page)
LARGE_TEXT_SCALE = 1.6
#: the idle countdown shows this many seconds before the timeout
WARNING_S = 10.0


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: Colour) -> float:
    """Relative luminance (WCAG 2.x)."""
    r, g, b = (_linear(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Colour, b: Colour) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Metrics:
    """Sizes of one screen: the layout unit and the smallest touch target in pixels."""

    width: int
    height: int
    dpi: float
    large_text: bool = False

    @property
    def unit(self) -> float:
        """1 % of the short side."""
        return min(self.width, self.height) / 100

    @property
    def portrait(self) -> bool:
        """Taller than wide."""
        return self.height > self.width

    @property
    def min_target_px(self) -> int:
        """The smallest touch target side, from :data:`MIN_TARGET_MM` at this DPI."""
        return int(MIN_TARGET_MM / 25.4 * self.dpi + 0.999)

    def px(self, units: float) -> int:
        """``units`` layout units in pixels."""
        return int(units * self.unit)

    def target(self, units: float) -> int:
        """A touch target's side: ``units`` but never under the minimum."""
        return max(self.px(units), self.min_target_px)

    def text_px(self, size: float) -> int:
        """A font size in pixels, larger in large-text mode."""
        scale = LARGE_TEXT_SCALE if self.large_text else 1.0
        return max(12, int(size * self.unit * scale))
