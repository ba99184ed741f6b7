"""Pictograms for services and buttons, for citizens who read little.

A centre can drop a PNG at ``assets/icons/<service code>.png`` (any size, transparent
background) to replace a drawn pictogram; otherwise a few lines of pygame drawing give a
simple, high-contrast figure, and any unknown code gets the generic document. Drawing
them avoids shipping image files whose licences would need tracking.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable
from pathlib import Path

import pygame

from kiosk.screen.theme import Colour

_LOGGER = logging.getLogger(__name__)

ICON_DIR = Path(__file__).resolve().parents[2] / "assets" / "icons"

Painter = Callable[[pygame.Surface, pygame.Rect, Colour], None]


def _w(r: pygame.Rect) -> int:
    return max(2, r.width // 14)


def document(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A sheet with lines (generic service, procedure information)."""
    sheet = r.inflate(-r.width * 0.35, -r.height * 0.15)
    pygame.draw.rect(s, c, sheet, _w(r), border_radius=3)
    for i in range(1, 4):
        y = sheet.top + sheet.height * i // 4
        pygame.draw.line(
            s, c, (sheet.left + sheet.width // 5, y), (sheet.right - sheet.width // 5, y), _w(r)
        )


def scales(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """Scales of justice."""
    cx, w = r.centerx, _w(r)
    pygame.draw.line(s, c, (cx, r.top + r.height // 8), (cx, r.bottom - r.height // 8), w)
    pygame.draw.line(
        s,
        c,
        (r.left + r.width // 8, r.top + r.height // 4),
        (r.right - r.width // 8, r.top + r.height // 4),
        w,
    )
    for x in (r.left + r.width // 5, r.right - r.width // 5):
        pygame.draw.arc(
            s,
            c,
            (x - r.width // 6, r.top + r.height // 3, r.width // 3, r.height // 4),
            math.pi,
            2 * math.pi,
            w,
        )
    pygame.draw.line(
        s,
        c,
        (cx - r.width // 5, r.bottom - r.height // 8),
        (cx + r.width // 5, r.bottom - r.height // 8),
        w,
    )


def car(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A car (transport, driving licences)."""
    body = pygame.Rect(
        r.left + r.width // 10, r.centery - r.height // 10, r.width * 8 // 10, r.height // 4
    )
    pygame.draw.rect(s, c, body, border_radius=4)
    roof = [
        (body.left + body.width // 5, body.top),
        (body.left + body.width // 3, r.top + r.height // 4),
        (body.right - body.width // 3, r.top + r.height // 4),
        (body.right - body.width // 5, body.top),
    ]
    pygame.draw.polygon(s, c, roof, _w(r))
    for x in (body.left + body.width // 4, body.right - body.width // 4):
        pygame.draw.circle(s, c, (x, body.bottom), r.width // 10)


def plane(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """An aeroplane (immigration, passports)."""
    cx, cy, w, h = r.centerx, r.centery, r.width, r.height
    pygame.draw.polygon(
        s,
        c,
        [
            (cx - w // 16, cy - h * 3 // 8),
            (cx + w // 16, cy - h * 3 // 8),
            (cx + w // 16, cy + h * 3 // 8),
            (cx - w // 16, cy + h * 3 // 8),
        ],
    )
    pygame.draw.polygon(
        s, c, [(cx, cy - h // 10), (cx + w * 3 // 8, cy + h // 8), (cx - w * 3 // 8, cy + h // 8)]
    )
    pygame.draw.polygon(
        s, c, [(cx, cy + h // 4), (cx + w // 6, cy + h * 3 // 8), (cx - w // 6, cy + h * 3 // 8)]
    )


def house(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A house on a plot (land)."""
    w, h = r.width, r.height
    pygame.draw.polygon(
        s,
        c,
        [(r.centerx, r.top + h // 8), (r.right - w // 8, r.centery), (r.left + w // 8, r.centery)],
        _w(r),
    )
    pygame.draw.rect(s, c, (r.left + w // 4, r.centery, w // 2, h * 3 // 10), _w(r))
    pygame.draw.line(s, c, (r.left, r.bottom - h // 10), (r.right, r.bottom - h // 10), _w(r))


def crane(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A building crane (construction)."""
    w, h, t = r.width, r.height, _w(r)
    mast = r.left + w // 3
    pygame.draw.line(s, c, (mast, r.bottom - h // 10), (mast, r.top + h // 8), t)
    pygame.draw.line(
        s, c, (r.left + w // 8, r.top + h // 5), (r.right - w // 10, r.top + h // 5), t
    )
    pygame.draw.line(s, c, (r.right - w // 5, r.top + h // 5), (r.right - w // 5, r.centery), t)
    pygame.draw.rect(s, c, (r.right - w // 4, r.centery, w // 10, h // 10))
    pygame.draw.line(
        s, c, (r.left + w // 8, r.bottom - h // 10), (r.right - w // 8, r.bottom - h // 10), t
    )


def briefcase(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A briefcase (business registration)."""
    w, h = r.width, r.height
    pygame.draw.rect(
        s, c, (r.left + w // 8, r.top + h * 3 // 10, w * 3 // 4, h // 2), _w(r), border_radius=4
    )
    pygame.draw.rect(s, c, (r.centerx - w // 8, r.top + h // 6, w // 4, h // 7), _w(r))
    pygame.draw.line(
        s, c, (r.left + w // 8, r.centery + h // 20), (r.right - w // 8, r.centery + h // 20), _w(r)
    )


def people(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """Two people (labour and social affairs, staff)."""
    w, h = r.width, r.height
    for cx in (r.left + w // 3, r.right - w // 3):
        pygame.draw.circle(s, c, (cx, r.top + h // 3), w // 9)
        pygame.draw.ellipse(s, c, (cx - w // 6, r.centery, w // 3, h // 3))


def envelope(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """An envelope (postal service)."""
    body = r.inflate(-r.width // 6, -r.height // 3)
    pygame.draw.rect(s, c, body, _w(r))
    pygame.draw.lines(
        s, c, False, [body.topleft, (body.centerx, body.centery), body.topright], _w(r)
    )


def speaker(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A loudspeaker (read aloud)."""
    w, h = r.width, r.height
    pygame.draw.polygon(
        s,
        c,
        [
            (r.left + w // 8, r.centery - h // 8),
            (r.left + w // 3, r.centery - h // 8),
            (r.left + w // 2, r.top + h // 6),
            (r.left + w // 2, r.bottom - h // 6),
            (r.left + w // 3, r.centery + h // 8),
            (r.left + w // 8, r.centery + h // 8),
        ],
    )
    for k in (1, 2):
        arc = pygame.Rect(0, 0, w * k // 3, h * k // 3)
        arc.center = (r.left + w // 2, r.centery)
        pygame.draw.arc(s, c, arc, -math.pi / 3, math.pi / 3, _w(r))


def microphone(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A microphone on a stand (speak to the kiosk)."""
    w, h = r.width, r.height
    head = pygame.Rect(0, 0, w // 4, h // 2)
    head.midtop = (r.centerx, r.top + h // 10)
    pygame.draw.rect(s, c, head, border_radius=w // 8)
    cup = pygame.Rect(0, 0, w * 5 // 12, h * 5 // 8)
    cup.midtop = (r.centerx, r.top + h // 5)
    pygame.draw.arc(s, c, cup, math.pi, 2 * math.pi, _w(r))
    pygame.draw.line(s, c, (r.centerx, cup.bottom), (r.centerx, r.bottom - h // 10), _w(r))
    pygame.draw.line(s, c, (r.centerx - w // 6, r.bottom - h // 10),
                     (r.centerx + w // 6, r.bottom - h // 10), _w(r))


def hand(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A person raising a hand (call staff)."""
    w, h = r.width, r.height
    pygame.draw.circle(s, c, (r.centerx, r.top + h // 3), w // 8)
    pygame.draw.ellipse(s, c, (r.centerx - w // 5, r.centery, w * 2 // 5, h * 2 // 5))
    pygame.draw.line(
        s,
        c,
        (r.centerx + w // 6, r.centery + h // 10),
        (r.right - w // 8, r.top + h // 8),
        _w(r) * 2,
    )


def letters(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A small and a large A (large text)."""
    for scale, x in ((0.35, r.left + r.width // 4), (0.6, r.left + r.width * 2 // 3)):
        half, top, bottom = (
            int(r.width * scale / 2),
            r.bottom - int(r.height * scale) - r.height // 6,
            r.bottom - r.height // 6,
        )
        pygame.draw.lines(s, c, False, [(x - half, bottom), (x, top), (x + half, bottom)], _w(r))
        pygame.draw.line(
            s,
            c,
            (x - half // 2, (top + bottom) // 2 + 2),
            (x + half // 2, (top + bottom) // 2 + 2),
            _w(r),
        )


def star(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A star (rate the service)."""
    points = []
    for i in range(10):
        radius = r.width * (0.45 if i % 2 == 0 else 0.2)
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((r.centerx + radius * math.cos(angle), r.centery + radius * math.sin(angle)))
    pygame.draw.polygon(s, c, points)


def calendar(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A calendar page (online booking)."""
    body = r.inflate(-r.width // 5, -r.height // 4)
    pygame.draw.rect(s, c, body, _w(r), border_radius=3)
    pygame.draw.rect(s, c, (body.left, body.top, body.width, body.height // 4))
    for i in range(3):
        for j in range(2):
            pygame.draw.rect(
                s,
                c,
                (
                    body.left + body.width * (1 + 3 * i) // 10,
                    body.top + body.height * (4 + 3 * j) // 10,
                    body.width // 8,
                    body.height // 8,
                ),
            )


def ticket(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A queue ticket with a number (take a number)."""
    body = r.inflate(-r.width // 3, -r.height // 8)
    pygame.draw.rect(s, c, body, _w(r), border_radius=3)
    pygame.draw.rect(
        s,
        c,
        (
            body.left + body.width // 5,
            body.top + body.height // 5,
            body.width * 3 // 5,
            body.height // 4,
        ),
    )
    for k in (2, 3):
        y = body.top + body.height * (k + 1) // 5
        pygame.draw.line(
            s, c, (body.left + body.width // 5, y), (body.right - body.width // 5, y), _w(r)
        )


def magnifier(s: pygame.Surface, r: pygame.Rect, c: Colour) -> None:
    """A magnifying glass (look up a dossier)."""
    pygame.draw.circle(
        s, c, (r.left + r.width * 2 // 5, r.top + r.height * 2 // 5), r.width // 4, _w(r)
    )
    pygame.draw.line(
        s,
        c,
        (r.centerx + r.width // 10, r.centery + r.height // 10),
        (r.right - r.width // 8, r.bottom - r.height // 8),
        _w(r) * 2,
    )


def arrow(s: pygame.Surface, r: pygame.Rect, c: Colour, *, left: bool = False) -> None:
    """A big arrow (next page; previous page with ``left``)."""
    w, h = r.width, r.height
    sign = -1 if left else 1
    cx, cy = r.centerx, r.centery
    pygame.draw.polygon(
        s,
        c,
        [
            (cx - sign * w * 3 // 8, cy - h // 8),
            (cx, cy - h // 8),
            (cx, cy - h * 3 // 8),
            (cx + sign * w * 3 // 8, cy),
            (cx, cy + h * 3 // 8),
            (cx, cy + h // 8),
            (cx - sign * w * 3 // 8, cy + h // 8),
        ],
    )


SERVICE_ICONS: dict[str, Painter] = {
    "tu-phap": scales,
    "giao-thong-van-tai": car,
    "xuat-nhap-canh": plane,
    "dat-dai": house,
    "xay-dung": crane,
    "dang-ky-kinh-doanh": briefcase,
    "lao-dong-tbxh": people,
    "buu-chinh": envelope,
}


@functools.cache
def _png(code: str, side: int) -> pygame.Surface | None:
    path = ICON_DIR / f"{code}.png"
    if not path.exists():
        return None
    try:
        image = pygame.image.load(str(path))
    except (pygame.error, OSError) as exc:
        _LOGGER.error("icon %s is unreadable (%s): drawing a pictogram instead", path, exc)
        return None
    return pygame.transform.smoothscale(image, (side, side))


def draw_service_icon(
    surface: pygame.Surface, rect: pygame.Rect, code: str, colour: Colour
) -> None:
    """The PNG for ``code`` if the centre supplied one, else its pictogram (or a document)."""
    if rect.width <= 0:
        return
    image = _png(code, rect.width)
    if image is not None:
        surface.blit(image, rect)
        return
    SERVICE_ICONS.get(code, document)(surface, rect, colour)
