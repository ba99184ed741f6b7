"""What inputs mean: every name in the input tables is an event of the flow, touches carry
typed values, and each event survives the trip through transcript.jsonl."""

from __future__ import annotations

import json

import pytest

from kiosk.events import (
    EVENT_TYPES,
    Docked,
    DossierAnswer,
    EmergencyStop,
    EventRecordError,
    FaceAnswer,
    FaceProgress,
    GuideFinished,
    IssueFailed,
    KioskEvent,
    PersonDetected,
    QRScanned,
    RatingTicket,
    RedeemFailed,
    Shutdown,
    TaskFailed,
    TicketPrinted,
    TicketReady,
    Timeout,
    Touch,
    VoiceIntent,
    describe,
    event_from_record,
)
from kiosk.flow import VisitorFlow
from kiosk.inputs import TASK_FAILURES, TOUCH_EVENTS, VOICE_EVENTS, flow_event, voice_flow_event
from kiosk.voice import SCREEN_INTENTS
from navigation.guide import GuideResult

FLOW_EVENTS = {event.id for event in VisitorFlow.events}  # type: ignore[attr-defined]

#: one of every event the daemon can take off its queue, with typed fields
SAMPLES: list[KioskEvent] = [
    Touch("priority", None),
    Touch("score", 4),
    Touch("service", "tu-phap"),
    VoiceIntent("take_ticket", {"service": "dat-dai"}, "cho tôi lấy số đất đai", "vi"),
    PersonDetected(),
    QRScanned("ACD347", "https://central/b/ACD347"),
    QRScanned(None, "", "HS-2026-004217"),
    QRScanned(None, "https://central/t/J4VIAEDtp73HSKsHDjPNYQ", None, "J4VIAEDtp73HSKsHDjPNYQ"),
    RatingTicket("J4VIAEDtp73HSKsHDjPNYQ", "A001", "Quầy 1"),
    RatingTicket("J4VIAEDtp73HSKsHDjPNYQ", "A001", error="not-served"),
    DossierAnswer(True, "ready"),
    DossierAnswer(False, None, "locked-out", 300),
    FaceProgress("turn", "face_two", "left"),
    FaceAnswer("found", "ready"),
    Timeout(7),
    TicketReady("A001", offline=False, printed=True),
    TicketPrinted("A001", printed=False, print_error="printer-paper-out"),
    IssueFailed("journal-error", "disk full"),
    RedeemFailed("booking-used"),
    GuideFinished(GuideResult.GAVE_UP, "crowd"),
    Docked(GuideResult.ARRIVED),
    Docked(None),
    EmergencyStop("bumper"),
    TaskFailed("guide", "RuntimeError: boom"),
    Shutdown(),
]


def test_every_touch_voice_and_task_name_is_a_flow_event() -> None:
    named = {name for name, _ in TOUCH_EVENTS.values()}
    named |= set(VOICE_EVENTS.values())
    named |= {name for name, _ in TASK_FAILURES.values() if name}
    assert named - FLOW_EVENTS == set()


def test_every_event_type_maps_only_to_flow_events() -> None:
    assert {type(e).__name__ for e in SAMPLES} == set(EVENT_TYPES)  # no type left out
    produced = set()
    for event in SAMPLES:
        name, _ = flow_event(event, generation=7)
        if name is not None:
            produced.add(name)
    for target in TOUCH_EVENTS:
        produced.add(str(flow_event(Touch(target), generation=0)[0]))
    for state in SCREEN_INTENTS:
        for intent in SCREEN_INTENTS[state]:
            for has_base in (True, False):
                name, _ = voice_flow_event(VoiceIntent(intent), state, has_base=has_base)
                if name is not None:
                    produced.add(name)
    assert produced - FLOW_EVENTS == set()


def test_touch_values_arrive_typed() -> None:
    assert flow_event(Touch("priority", None), generation=0) == (
        "select_priority",
        {"priority": None},
    )
    assert flow_event(Touch("score", 4), generation=0) == ("choose_score", {"score": 4})
    assert flow_event(Touch("nonsense"), generation=0) == (None, {})


def test_guide_results_are_the_navigation_enum() -> None:
    assert flow_event(GuideFinished(GuideResult.ARRIVED), generation=0)[0] == "arrived"
    for result in GuideResult:
        if result is not GuideResult.ARRIVED:
            assert flow_event(GuideFinished(result), generation=0)[0] == "could_not_guide"


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_each_event_reads_back_from_its_transcript_line(event: KioskEvent) -> None:
    line = json.dumps(describe(event), ensure_ascii=False, default=str)
    back = event_from_record(json.loads(line))
    assert back == event and type(back) is type(event)


@pytest.mark.parametrize(
    "record, named",
    [
        ({"type": "Teleport"}, "Teleport"),
        ({"target": "start"}, "None"),
        ({"type": "Timeout", "generation": "soon"}, "generation"),
        ({"type": "GuideFinished", "result": "flew-away"}, "result"),
        ({"type": "Touch", "target": "score", "value": [1, 2]}, "value"),
    ],
)
def test_a_wrong_transcript_line_is_refused_by_name(record: dict[str, object], named: str) -> None:
    with pytest.raises(EventRecordError, match=named):
        event_from_record(record)
