"""Ticket rendering: previews to look at, wrapping, normalisation, job shapes."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from drivers.printer import Cut, QRCode, RasterImage, Text
from kiosk.tickets.render import (
    TicketLabels,
    build_print_job,
    render_preview_png,
    render_ticket,
)

from .ticket_views import make_view


@pytest.mark.parametrize(
    ("name", "language", "width", "changes"),
    [
        ("vi", "vi", 576, {"counters": ("Quầy 3",)}),
        (
            "en",
            "en",
            576,
            {"service_name": "Justice - Judicial record", "priority_label": "Elderly"},
        ),
        (
            "ko",
            "ko",
            576,
            {"service_name": "사법 - 범죄경력증명서", "priority_label": "노인", "offline": True},
        ),
        ("vi_58mm", "vi", 384, {"number": "K1-A007", "offline": True}),
    ],
)
def test_preview_png_is_written(
    name: str, language: str, width: int, changes: dict[str, object]
) -> None:
    # Written to /tmp on purpose: these are the files a person looks at to check diacritics.
    path = render_preview_png(
        make_view(language, **changes), width, Path(f"/tmp/ticket_preview_{name}.png")
    )
    with Image.open(path) as image:
        assert image.width == width
        assert image.height > width  # a portrait ticket
        assert image.convert("L").getextrema() == (0, 255)  # black dots on white


@pytest.mark.parametrize("width", [576, 512, 384])
def test_long_service_name_wraps_inside_the_margins(width: int) -> None:
    long_name = (
        "Tư pháp - Cấp phiếu lý lịch tư pháp cho công dân Việt Nam và người nước ngoài đang cư trú"
    )
    short = render_ticket(make_view(service_name="Tư pháp"), width)
    long = render_ticket(make_view(service_name=long_name), width)
    assert long.width == width
    assert long.height > short.height  # more lines, not a wider image
    margin = width // 24
    for strip in (
        long.crop((0, 0, margin - 2, long.height)),
        long.crop((width - margin + 2, 0, width, long.height)),
    ):
        # only the rules and the priority bar may touch the margin band; no glyph does
        text_rows = [
            y
            for y in range(strip.height)
            if strip.convert("L").crop((0, y, strip.width, y + 1)).getextrema()[0] == 0
        ]
        assert not text_rows


def test_decomposed_input_renders_like_composed() -> None:
    composed = make_view(service_name="Tư pháp - Lý lịch tư pháp")
    decomposed = make_view(service_name=unicodedata.normalize("NFD", "Tư pháp - Lý lịch tư pháp"))
    difference = ImageChops.difference(
        render_ticket(composed, 576).convert("L"), render_ticket(decomposed, 576).convert("L")
    )
    assert difference.getbbox() is None


def test_fast_link_job_is_one_raster_plus_ascii_number() -> None:
    job = build_print_job(make_view(), 576, slow_link=False)
    raster, number, cut = job.elements
    assert (
        isinstance(raster, RasterImage) and raster.image.width == 576 and raster.image.mode == "1"
    )
    assert isinstance(number, Text) and number.text == "A012"
    assert isinstance(cut, Cut)
    assert job.label == "A012"


def test_slow_link_job_rasterises_only_lines_with_diacritics() -> None:
    english = make_view(
        "en",
        centre_name="Ben Thanh Ward Service Centre",
        service_name="Justice",
        counters=("Counter 3",),
        priority_label=None,
    )
    job = build_print_job(english, 576, slow_link=True)
    kinds = [type(element).__name__ for element in job.elements]
    assert "RasterImage" not in kinds  # an all-ASCII English ticket needs no raster at all
    assert sum(isinstance(e, QRCode) for e in job.elements) == 1
    vi_job = build_print_job(make_view(), 576, slow_link=True)
    assert any(isinstance(e, RasterImage) for e in vi_job.elements)
    assert all(e.text.isascii() for e in vi_job.elements if isinstance(e, Text))


def test_labels_for_language() -> None:
    assert TicketLabels.for_language("vi").number == "Số thứ tự của quý khách"
    assert (
        TicketLabels.for_language("vi").offline_notice
        == "Số thứ tự hợp lệ, quý khách sẽ được gọi theo đúng thứ tự"
    )
    ko = TicketLabels.for_language("ko")
    assert ko.counter == "호출 창구"
    # units in their place, a zero wait and an empty queue reassure
    assert (ko.people(2), ko.wait(6)) == ("앞 대기 인원: 2명", "예상 대기 시간: 약 6분")
    assert (ko.people(0), ko.wait(0)) == ("앞에 기다리시는 분이 없습니다", "곧 모시겠습니다")
    assert TicketLabels.for_language("vi").wait(0) == "Quý khách sẽ được phục vụ ngay"
    vi = TicketLabels.for_language("vi")
    assert not any("bạn" in caption.split() for caption in vars(vi).values())  # "quý khách"
    assert TicketLabels.for_language("EN").wait(12) == "Estimated wait: about 12 min"
    assert TicketLabels.for_language("fr") == TicketLabels.for_language(
        "en"
    )  # a ticket always prints


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"number": "Số 12"}, "printable ASCII"),
        ({"number": ""}, "printable ASCII"),
        ({"issued_at": datetime(2026, 11, 23, 8, 1)}, "timezone-aware"),
        ({"status_url": ""}, "status_url"),
    ],
)
def test_bad_views_are_refused(changes: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        make_view(**changes)


def test_width_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="width_px=64"):
        render_ticket(make_view(), 64)
