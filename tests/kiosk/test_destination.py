"""Where the robot leads a ticket holder and what the kiosk says, in each language, with
the sample lobby map: the one counter of a field, else the field's waiting area."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.guiding import announcement, destination
from kiosk.voice import ticket_speech
from navigation.lobby import load_lobby

ROOT = Path(__file__).resolve().parents[2]
POSES = load_lobby(ROOT / "config" / "lobby" / "lobby.yaml").poses


@pytest.mark.parametrize(
    ("language", "said", "led"),
    [
        (
            "vi",
            "Xin mời quý khách đến khu vực chờ lĩnh vực Tư pháp; số sẽ được gọi tại "
            "Quầy 1, Quầy 2, Quầy 3.",
            "Xin mời quý khách đi theo tôi đến khu vực chờ lĩnh vực Tư pháp.",
        ),
        (
            "en",
            "Please wait in the waiting area for Justice; your number will be called at "
            "Counter 1, Counter 2, Counter 3.",
            "Please follow me to the waiting area for Justice.",
        ),
        (
            "ko",
            "사법 대기 구역에서 기다려 주십시오. "
            "1번 창구, 2번 창구, 3번 창구에서 번호를 호출합니다.",
            "사법 대기 구역까지 저를 따라오십시오.",
        ),
    ],
)
def test_a_field_with_several_counters_goes_to_its_waiting_area(
    language: str, said: str, led: str
) -> None:
    names = {
        "vi": "Tư pháp (lý lịch tư pháp, chứng thực)",
        "en": "Justice (judicial records, certification)",
        "ko": "사법 (범죄경력증명, 공증)",
    }[language]
    counters = ("Quầy 1", "Quầy 2", "Quầy 3")
    place = destination("tu-phap", names, ("Q1", "Q2", "Q3"), counters, POSES, language)
    assert place is not None and place.pose == "wait-tu-phap" and place.area
    assert place.pose in POSES
    # never "go to Quầy 1" when Quầy 3 may call the number
    assert ticket_speech("A001", counters, True, language, names).endswith(said)
    assert announcement("follow-me", {"counter": place.name}, language) == led


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("vi", "Xin mời quý khách đến Quầy 11."),
        ("en", "Please go to Quầy 11."),
        ("ko", "Quầy 11(으)로 가세요."),  # the Korean line keeps its template and the sign's name
    ],
)
def test_a_field_with_one_counter_goes_to_that_counter(language: str, said: str) -> None:
    place = destination("lao-dong-tbxh", "Lao động", ("Q11",), ("Quầy 11",), POSES, language)
    assert place is not None and (place.pose, place.name, place.area) == ("Q11", "Quầy 11", False)
    assert ticket_speech("G001", ("Quầy 11",), True, language, "Lao động").endswith(said)


def test_a_map_without_the_waiting_area_falls_back_to_a_counter_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    place = destination(
        "buu-chinh", "Bưu chính", ("Q12", "Q10"), ("Quầy 12", "Quầy 10"), POSES, "vi"
    )
    assert place is not None and place.pose == "Q12" and not place.area
    assert "TECHNICIAN" in caplog.text and "wait-buu-chinh" in caplog.text
    assert destination("tu-phap", "Tư pháp", (), (), POSES, "vi") is None
