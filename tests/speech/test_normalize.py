"""Vietnamese (and minimal en/ko) normalisation before speaking."""

from __future__ import annotations

import pytest

from speech.normalize import normalize_for_speech
from speech.normalize_vi import normalize_vi, number_to_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (10, "mười"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1050, "một nghìn không trăm năm mươi"),
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (50000, "năm mươi nghìn"),
        (1005000, "một triệu không trăm linh năm nghìn"),
        (2500000000, "hai tỷ năm trăm triệu"),
        (10**12, "một nghìn tỷ"),
    ],
)
def test_numbers_follow_vietnamese_reading_rules(number: int, words: str) -> None:
    assert number_to_words(number) == words


def test_money_dates_times_tickets_abbreviations() -> None:
    assert normalize_vi("Lệ phí 50.000 đồng") == "Lệ phí năm mươi nghìn đồng"
    assert normalize_vi("200.000đ") == "hai trăm nghìn đồng"
    assert (
        normalize_vi("23/11/2026")
        == "ngày hai mươi ba tháng mười một năm hai nghìn không trăm hai mươi sáu"
    )
    assert normalize_vi("ngày 1/12") == "ngày một tháng mười hai"
    assert normalize_vi("lúc 8:30") == "lúc tám giờ ba mươi phút"
    assert normalize_vi("lúc 8h") == "lúc tám giờ"
    assert normalize_vi("Số A012") == "Số A không một hai"
    assert normalize_vi("mang CCCD đến UBND") == "mang căn cước công dân đến ủy ban nhân dân"
    assert normalize_vi("TTHC về GPLX") == "thủ tục hành chính về giấy phép lái xe"
    assert normalize_vi("1,5 ngày") == "một phẩy năm ngày"


def test_impossible_dates_are_left_alone() -> None:
    assert normalize_vi("45/13") == "bốn mươi lăm/mười ba"


def test_other_languages_spell_only_ticket_numbers() -> None:
    assert normalize_for_speech("Ticket A012, 50 people", "en") == "Ticket A 0 1 2, 50 people"
    assert normalize_for_speech("번호 B105", "ko") == "번호 B 1 0 5"
