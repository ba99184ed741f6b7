"""Printed tickets draw each run in a font that has its letters (Korean ticket, "Quầy 3")."""

from __future__ import annotations

from PIL import ImageChops, ImageFont

from kiosk.tickets.render import TicketLabels, _blocks, _font, _runs, render_ticket
from tests.printer.ticket_views import make_view


def _missing(font: ImageFont.FreeTypeFont, char: str) -> bool:
    # A glyph the font lacks renders as its .notdef box, like an unassigned code point.
    return char.strip() != "" and bytes(font.getmask(char)) == bytes(font.getmask("\U0010fffd"))


def test_nanum_alone_would_print_boxes_for_vietnamese() -> None:
    nanum = _font("hangul", False, 30)
    assert _missing(nanum, "ầ")  # the reason for the fix: the test below can fail
    assert not _missing(_font("latin", False, 30), "ầ")


def test_every_run_of_a_korean_ticket_has_its_glyphs() -> None:
    view = make_view("ko", counters=("Quầy 3", "Quầy 12"), service_name="사법 - Lý lịch tư pháp")
    texts = [getattr(block, "text", "") for block in _blocks(view)]
    assert any("Quầy 3" in t for t in texts)
    for text in texts:
        for run, script in _runs(text):
            font = _font(script, False, 30)
            assert not [c for c in run if _missing(font, c)], (text, run, script)


def test_runs_split_hangul_from_vietnamese() -> None:
    assert _runs("창구: Quầy 3") == [("창구", "hangul"), (": Quầy 3", "latin")]
    assert _runs("대기 인원 5") == [("대기 인원 ", "hangul"), ("5", "latin")]


def test_korean_ticket_draws_the_counter_like_a_vietnamese_one() -> None:
    # The counter line's Vietnamese run is drawn in NotoSans whatever the ticket language:
    # a Korean ticket whose labels are swapped for Vietnamese ones prints the same pixels
    # as the Vietnamese ticket.
    vi = make_view("vi")
    ko_with_vi_labels = make_view("ko", labels=TicketLabels.for_language("vi"))
    # the premise: a Korean ticket, drawn with labels that differ from Korean ones
    assert ko_with_vi_labels.language == "ko" and ko_with_vi_labels.counters == vi.counters
    assert ko_with_vi_labels.labels == vi.labels != TicketLabels.for_language("ko")
    a, b = render_ticket(vi, 576), render_ticket(ko_with_vi_labels, 576)
    assert a.size == b.size
    assert ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None
