"""The screen's rendered-line cache stays within its byte bound over a long day of new
ticket numbers, and keeps the captions a screen draws again and again (it evicts the
least recently drawn lines, it does not empty itself)."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame  # noqa: E402

from kiosk.screen import canvas as canvas_module  # noqa: E402
from kiosk.screen.canvas import Canvas  # noqa: E402
from kiosk.screen.theme import Metrics  # noqa: E402

INK = (20, 20, 20)


def test_a_day_of_numbers_stays_within_the_bound_and_keeps_the_captions() -> None:
    pygame.init()
    canvas = Canvas(pygame.Surface((1080, 1920)), Metrics(1080, 1920, 160.0))
    caption = canvas.render_line("Touch your field to take a number", 56, True, INK)
    bound = canvas_module._LINE_CACHE_BYTES
    high = 0
    for n in range(400):  # a long day at one kiosk: each ticket's number drawn large
        canvas.render_line(f"K1-D{n:03d}", 237, True, INK)
        canvas.render_line(f"People ahead of you: {n}", 36, False, INK)
        # the attract and menu captions are drawn again for every citizen
        again = canvas.render_line("Touch your field to take a number", 56, True, INK)
        assert again is caption  # still cached: not re-rendered
        high = max(high, canvas._line_bytes)
    assert high <= bound
    assert canvas._line_bytes == sum(
        s.get_width() * s.get_height() * 4 for s in canvas._lines.values()
    )
    # the bound was reached: old numbers were evicted, the latest is there
    assert high > bound // 2
    assert ("K1-D000", 237, True, INK) not in canvas._lines
    assert ("K1-D399", 237, True, INK) in canvas._lines
