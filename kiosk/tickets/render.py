"""Draw a queue ticket with Pillow and turn it into a print job.

Vietnamese cannot be trusted to a printer's code pages (they differ by model and tone
marks print apart), so everything with diacritics is drawn here in the bundled fonts and
printed as a raster; the number is also printed as plain ASCII text so a printer that
garbles images still gives the citizen a readable number.

A ticket is first described as a list of blocks (a paragraph in one style, a rule, the
QR code). The fast-link job draws all blocks into one image. The slow-link job (serial)
keeps it small: ASCII paragraphs and the number become the printer's own text, the QR
code is printed natively, and only the runs of blocks that need diacritics are drawn.

Fonts: Noto Sans for Latin and Vietnamese, NanumGothic for any paragraph containing
Hangul (Nanum lacks some Vietnamese letters, Noto lacks Hangul; a paragraph is drawn in
the one that covers its script). They are loaded lazily and cached: ``truetype`` is slow.

Errors::

    TicketRenderError          code "ticket-render": a bundled font is missing or unreadable
"""

from __future__ import annotations

import functools
import logging
import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFont

from drivers.printer.base import Cut, PrintElement, PrintJob, QRCode, RasterImage, Text
from kiosk.hangul import hangul_runs
from kiosk.screen.texts import text as caption

_LOGGER = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
_FONT_FILES = {
    ("latin", False): "NotoSans-Regular.ttf",
    ("latin", True): "NotoSans-Bold.ttf",
    ("hangul", False): "NanumGothic.ttf",
    ("hangul", True): "NanumGothicBold.ttf",
}
_NATIVE_CHAR_DOTS = 12  # width of the printer's font A


class TicketRenderError(Exception):
    """The ticket cannot be drawn (a bundled font is missing or unreadable)."""

    code = "ticket-render"


@dataclass(frozen=True)
class TicketLabels:
    """The translatable captions printed on a ticket."""

    number: str
    service: str
    counter: str
    #: whole lines with ``{count}`` / ``{minutes}``: each language places its own units
    people_ahead: str
    nobody_ahead: str
    estimated_wait: str
    wait_soon: str
    scan_qr: str
    offline_notice: str

    @classmethod
    def for_language(cls, language: str) -> TicketLabels:
        """Captions in ``language`` from the screens' gettext catalogues; a language
        without a catalogue prints the English source texts.

        A ticket must print whatever language the kiosk was configured with, so an unknown
        one falls back rather than failing the citizen.
        """
        lang = language.lower()
        return cls(**{name: caption(lang, key) for name, key in _CAPTIONS.items()})

    def people(self, count: int) -> str:
        """The people-ahead line for ``count``."""
        return self.nobody_ahead if count <= 0 else self.people_ahead.format(count=count)

    def wait(self, minutes: int) -> str:
        """The wait line for ``minutes`` (a zero wait says the citizen is served soon)."""
        return self.wait_soon if minutes <= 0 else self.estimated_wait.format(minutes=minutes)


#: each caption's key in the screens' catalogue (kiosk/screen/texts.py)
_CAPTIONS = {
    "number": "your_number",
    "service": "ticket_service",
    "counter": "ticket_called_at",
    "people_ahead": "people_ahead_n",
    "nobody_ahead": "nobody_ahead",
    "estimated_wait": "wait_n",
    "wait_soon": "wait_soon",
    "scan_qr": "ticket_scan_qr",
    "offline_notice": "ticket_offline",
}


@dataclass(frozen=True)
class TicketView:
    """Everything printed on one ticket, already in the citizen's language."""

    centre_name: str
    number: str
    service_name: str
    counters: tuple[str, ...]
    people_ahead: int | None
    estimated_wait_min: int | None
    issued_at: datetime
    status_url: str
    language: str
    offline: bool
    priority_label: str | None
    labels: TicketLabels

    def __post_init__(self) -> None:
        """Check what the printer relies on: an ASCII number, an aware time, a QR target."""
        if not (
            1 <= len(self.number) <= 16 and self.number.isascii() and self.number.isprintable()
        ):
            raise ValueError(
                f"ticket number {self.number!r} must be 1..16 printable ASCII characters"
            )
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware (local time is printed)")
        if not self.status_url:
            raise ValueError("status_url is empty; the QR code needs a target")


# -- blocks --------------------------------------------------------------------------

# style -> (size as a fraction of the width, bold, inverted)
_STYLES: dict[str, tuple[float, bool, bool]] = {
    "title": (0.048, True, False),
    "caption": (0.040, False, False),
    "value": (0.056, True, False),
    "body": (0.042, False, False),
    "small": (0.036, False, False),
    "badge": (0.050, True, True),
    "number": (0.30, True, False),
}


@dataclass(frozen=True)
class _Paragraph:
    text: str
    style: str


@dataclass(frozen=True)
class _Rule:
    pass


@dataclass(frozen=True)
class _QR:
    data: str


_Block = _Paragraph | _Rule | _QR


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _blocks(view: TicketView) -> list[_Block]:
    labels = view.labels
    blocks: list[_Block] = [_Paragraph(_nfc(view.centre_name), "title"), _Rule()]
    blocks.append(_Paragraph(_nfc(labels.number), "caption"))
    blocks.append(_Paragraph(view.number, "number"))
    if view.priority_label:
        blocks.append(_Paragraph(_nfc(view.priority_label), "badge"))
    blocks += [
        _Paragraph(_nfc(labels.service), "caption"),
        _Paragraph(_nfc(view.service_name), "value"),
    ]
    if view.counters:
        blocks.append(_Paragraph(_nfc(labels.counter), "caption"))
        blocks.append(_Paragraph(_nfc(", ".join(view.counters)), "value"))
    if view.people_ahead is not None:
        blocks.append(_Paragraph(_nfc(labels.people(view.people_ahead)), "body"))
    if view.estimated_wait_min is not None:
        blocks.append(_Paragraph(_nfc(labels.wait(view.estimated_wait_min)), "body"))
    blocks.append(_Paragraph(view.issued_at.strftime("%d/%m/%Y %H:%M"), "body"))
    blocks += [_QR(view.status_url), _Paragraph(_nfc(labels.scan_qr), "small")]
    if view.offline:
        blocks += [_Rule(), _Paragraph(_nfc(labels.offline_notice), "body")]
    return blocks


# -- fonts ---------------------------------------------------------------------------


def _runs(line: str) -> list[tuple[str, str]]:
    """Split ``line`` into Hangul and other runs, named by the font table's script key."""
    return [(run, "hangul" if korean else "latin") for run, korean in hangul_runs(line)]


class _RunFont:
    """A Latin/Vietnamese font and a Hangul font of one size and weight, used run by run;
    measures and draws like a single ``FreeTypeFont`` for the layout code."""

    def __init__(self, bold: bool, size: int) -> None:
        self.fonts = {"latin": _font("latin", bold, size), "hangul": _font("hangul", bold, size)}
        metrics = [f.getmetrics() for f in self.fonts.values()]
        self._ascent = max(a for a, _ in metrics)
        self._descent = max(d for _, d in metrics)

    def getmetrics(self) -> tuple[int, int]:
        """(ascent, descent) tall enough for both fonts."""
        return self._ascent, self._descent

    def getlength(self, text: str) -> float:
        """The advance width of ``text`` drawn run by run."""
        return sum(self.fonts[script].getlength(run) for run, script in _runs(text))

    def draw(
        self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fill: int
    ) -> None:
        """Draw ``text`` with its top at ``xy``; all runs share one baseline."""
        x, top = xy
        for run, script in _runs(text):
            font = self.fonts[script]
            draw.text((x, top + self._ascent), run, font=font, fill=fill, anchor="ls")
            x += font.getlength(run)


@functools.lru_cache(maxsize=64)
def _font(script: str, bold: bool, size: int) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / _FONT_FILES[(script, bold)]
    try:
        return ImageFont.truetype(str(path), size)
    except OSError as exc:
        raise TicketRenderError(f"ticket font {path} is missing or unreadable: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _run_font(bold: bool, size: int) -> _RunFont:
    return _RunFont(bold, size)


def _font_for(text: str, style: str, width: int) -> _RunFont:
    ratio, bold, _ = _STYLES[style]
    # 18 dots (2.2 mm at 203 dpi) is about the smallest an elderly reader manages
    return _run_font(bold, max(18, round(width * ratio)))


def _wrap(text: str, font: ImageFont.FreeTypeFont | _RunFont, max_width: float) -> list[str]:
    """Greedy word wrap by measured width; a word longer than a line is split by letters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if font.getlength(current + char) > max_width and current:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines or [""]


def _number_font(number: str, width: int, margin: int) -> ImageFont.FreeTypeFont:
    size = round(width * _STYLES["number"][0])
    while size > 12:
        font = _font("latin", True, size)
        if font.getlength(number) <= width - 2 * margin:
            return font
        size = int(size * 0.9)
    return _font("latin", True, size)


# -- drawing -------------------------------------------------------------------------


def _render_blocks(blocks: list[_Block], width: int) -> Image.Image:
    """Draw ``blocks`` top to bottom, centred, on a white ``width``-wide "L" image.

    Each block is drawn as its own strip. Strips of fixed text (the centre's name, the
    captions, a service name, a counter list) come from a cache: a kiosk prints the same
    few dozen of them all day, and drawing text is most of a ticket's render time.
    """
    gap = max(2, width // 96)
    strips = [
        _strip(block, width) if not isinstance(block, _QR) else _qr_strip(block, width)
        for block in blocks
    ]
    canvas = Image.new("L", (width, gap + sum(s.height for s in strips) + gap), 255)
    top = gap
    for strip in strips:
        canvas.paste(strip, (0, top))
        top += strip.height
    return canvas


@functools.lru_cache(maxsize=64)  # a ticket's own strips (its number, time) are one-offs:
# 64 keep every language's fixed strips (title, rules, captions) hot; 512 held ~30 MiB of
# old tickets' numbers after a day (the 24-hour soak of kiosk simulate-day)
def _strip(block: _Rule | _Paragraph, width: int) -> Image.Image:
    """One rule or paragraph, full width, with the spacing it takes on the ticket."""
    margin = max(4, width // 24)
    gap = max(2, width // 96)
    if isinstance(block, _Rule):
        strip = Image.new("L", (width, 3 * gap), 255)
        ImageDraw.Draw(strip).line(
            [(margin, gap), (width - margin, gap)], fill=0, width=max(2, width // 288)
        )
        return strip
    if block.style == "number":
        font = _number_font(block.text, width, margin)
        # only the ink: the font's ascent leaves room for diacritics an ASCII number lacks
        _, top_f, _, bottom_f = font.getbbox(block.text)
        ink_top, ink_bottom = int(top_f), int(bottom_f)
        strip = Image.new("L", (width, ink_bottom - ink_top + 4 * gap), 255)
        left = (width - font.getlength(block.text)) / 2
        ImageDraw.Draw(strip).text((left, 2 * gap - ink_top), block.text, font=font, fill=0)
        return strip
    run_font = _font_for(block.text, block.style, width)
    ascent, descent = run_font.getmetrics()
    inverted = _STYLES[block.style][2]
    pad = gap if inverted else 0  # room around an inverted bar
    lines = _wrap(block.text, run_font, width - 2 * margin - 2 * gap)
    line_h = ascent + descent + gap + 2 * pad
    strip = Image.new("L", (width, line_h * len(lines)), 255)
    draw = ImageDraw.Draw(strip)
    for i, line in enumerate(lines):
        top = i * line_h + pad
        left = (width - run_font.getlength(line)) / 2
        if inverted:  # a badge: white on a black bar
            draw.rectangle(
                [margin, top - pad, width - margin, top + ascent + descent + pad], fill=0
            )
        run_font.draw(draw, (left, top), line, 255 if inverted else 0)
    return strip


def _qr_strip(block: _QR, width: int) -> Image.Image:
    gap = max(2, width // 96)
    image = _qr_image(block.data, width // 2)
    strip = Image.new("L", (width, image.height + 2 * gap), 255)
    strip.paste(image, ((width - image.width) // 2, gap))
    return strip


@functools.lru_cache(maxsize=256)
def _line_images(block: _Paragraph, width: int) -> tuple[Image.Image, ...]:
    """One tight image per wrapped line of ``block`` (width a multiple of 8 dots)."""
    margin = max(4, width // 24)
    gap = max(2, width // 96)
    font = _font_for(block.text, block.style, width)
    inverted = _STYLES[block.style][2]
    ascent, descent = font.getmetrics()
    images = []
    for line in _wrap(block.text, font, width - 2 * margin - 2 * gap):
        text_width = int(font.getlength(line)) + 4 * gap
        line_width = min(width, (text_width + 7) // 8 * 8)
        image = Image.new("L", (line_width, ascent + descent + gap), 0 if inverted else 255)
        left = (line_width - font.getlength(line)) / 2
        font.draw(ImageDraw.Draw(image), (left, gap // 2), line, 255 if inverted else 0)
        images.append(image)
    return tuple(images)


@functools.lru_cache(maxsize=16)
def _qr_image(data: str, target: int) -> Image.Image:
    # A fixed mask: choosing the "best" of eight costs ~35 ms per ticket (most of the
    # render), and every reader decodes any mask; the penalty score only nudges contrast.
    symbol = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, mask_pattern=2
    )
    symbol.add_data(data)
    symbol.make(fit=True)
    modules = np.array(symbol.get_matrix(), dtype=bool)
    box = max(2, target // (symbol.modules_count + 4))
    # Scaled with numpy: qrcode's PIL factory draws one rectangle per module (~3 ms).
    pixels = np.where(np.kron(modules, np.ones((box, box), dtype=bool)), 0, 255)
    return Image.fromarray(pixels.astype(np.uint8), mode="L")


def _threshold(image: Image.Image) -> Image.Image:
    # a hard threshold (no dithering): anti-aliased glyph edges become clean dots
    return image.point(lambda value: 255 if value >= 128 else 0).convert(
        "1", dither=Image.Dither.NONE
    )


def render_ticket(view: TicketView, width_px: int) -> Image.Image:
    """The whole ticket as a mode "1" image exactly ``width_px`` wide."""
    if not 128 <= width_px <= 4096:
        raise ValueError(f"width_px={width_px} is outside 128..4096")
    return _threshold(_render_blocks(_blocks(view), width_px))


def render_preview_png(view: TicketView, width_px: int, path: str | Path) -> Path:
    """Write the ticket as a PNG (what a fast-link printer prints) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    render_ticket(view, width_px).save(target, format="PNG")
    return target


# -- print jobs ----------------------------------------------------------------------


def build_print_job(view: TicketView, width_px: int, slow_link: bool) -> PrintJob:
    """The print job for ``view``: one raster (fast link) or mostly native text (slow link)."""
    if not slow_link:
        elements: tuple[PrintElement, ...] = (
            RasterImage(render_ticket(view, width_px)),
            Text(view.number, bold=True, width_mult=2, height_mult=2),
            Cut(),
        )
        return PrintJob(elements, label=view.number)
    return PrintJob(tuple(_slow_elements(view, width_px)), label=view.number)


def _slow_elements(view: TicketView, width_px: int) -> list[PrintElement]:
    columns = width_px // _NATIVE_CHAR_DOTS
    out: list[PrintElement] = []
    pending: list[_Block] = []

    def flush() -> None:
        # each line only as wide as its text, centred by the printer: a third of the bytes
        for block in pending:
            assert isinstance(block, _Paragraph)
            for image in _line_images(block, width_px):
                out.append(RasterImage(_threshold(image), align="center"))
        pending.clear()

    for block in _blocks(view):
        if isinstance(block, _QR):
            flush()
            module = max(2, min(8, (width_px // 2) // 33))  # a version-4 symbol half the width
            out.append(QRCode(block.data, size=module))
        elif isinstance(block, _Rule):
            flush()
            out.append(Text("-" * columns))
        elif block.style == "number":
            flush()
            mult = max(1, min(8, columns // max(1, len(block.text))))
            out.append(Text(block.text, bold=True, width_mult=mult, height_mult=mult))
        elif block.text.isascii() and not _STYLES[block.style][2]:
            flush()
            bold = _STYLES[block.style][1]
            for line in textwrap.wrap(block.text, columns) or [""]:
                out.append(Text(line, bold=bold))
        else:
            pending.append(block)
    flush()
    out.append(Cut())
    return out


def render_printout(blocks: list[tuple[str, str]], width_px: int) -> Image.Image:
    """Another printout drawn like a ticket (a procedure's checklist): ``(style, text)``
    pairs with a paragraph style above, ``("rule", "")`` or ``("qr", data)``; a mode "1"
    image exactly ``width_px`` wide."""
    if not 128 <= width_px <= 4096:
        raise ValueError(f"width_px={width_px} is outside 128..4096")
    drawn: list[_Block] = []
    for style, text in blocks:
        if style == "rule":
            drawn.append(_Rule())
        elif style == "qr":
            drawn.append(_QR(text))
        elif style in _STYLES and style != "number":
            drawn.append(_Paragraph(_nfc(text), style))
        else:
            raise ValueError(f"unknown printout style {style!r}")
    return _threshold(_render_blocks(drawn, width_px))
