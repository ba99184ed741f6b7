"""Procedure questions by voice through the whole daemon: the catalogue comes from the real
central app (and lands in the state directory), the answer is spoken in the language the
question was asked in, a follow-up keeps the procedure, and the visit's end forgets it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Timeout, Touch, VoiceIntent
from kiosk.procedures.store import CACHE_NAME

KioskFactory = Callable[..., KioskDaemon]


async def _until(predicate: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        assert loop.time() < deadline, f"waited {timeout_s} s for {what}"
        await asyncio.sleep(0.01)


async def test_spoken_questions_are_answered_aloud(make_kiosk: KioskFactory) -> None:
    kiosk = make_kiosk(**{"features.procedure_info": True, "features.dossier_lookup": True})
    desk = kiosk.procedures
    assert desk is not None and desk.store.origin == "bundled"  # never reached central yet
    serving = asyncio.ensure_future(kiosk.run())
    try:
        await _until(lambda: desk.store.origin == "central", "the catalogue from central")
        assert (kiosk.config.kiosk.state_dir / CACHE_NAME).exists()
        kiosk.post(Touch("start", "vi"))
        await _until(lambda: kiosk.flow.current_state_id == "menu", "the menu")
        kiosk.post(
            VoiceIntent(
                "ask_procedure", {"topic": "documents"}, "làm hộ chiếu cần giấy tờ gì", "vi"
            )
        )
        await _until(lambda: desk.last_answer is not None, "an answer")
        assert desk.last_answer is not None and desk.last_answer.procedure == "ho-chieu"
        assert desk.last_answer.spoken.startswith("Cấp hộ chiếu phổ thông: quý khách cần mang")
        # a follow-up in Korean: answered in Korean, same procedure
        kiosk.post(VoiceIntent("ask_procedure", {"topic": "fees"}, "수수료는 얼마예요", "ko"))
        await _until(
            lambda: desk.last_answer is not None and desk.last_answer.topic == "fees", "the fee"
        )
        assert desk.last_answer.text == "일반 여권 발급 수수료는 200,000동입니다."
        assert kiosk.flow.visit.language == "ko"
        kiosk.post(Timeout(kiosk._generation))  # the citizen walked away
        await _until(lambda: kiosk.flow.current_state_id == "idle", "idle")
        assert desk.conversation.procedure is None and desk.last_answer is None
    finally:
        kiosk.post(Shutdown())
        await serving


async def test_questions_stay_silent_when_the_feature_is_off(make_kiosk: KioskFactory) -> None:
    kiosk = make_kiosk(**{"features.procedure_info": False})
    serving = asyncio.ensure_future(kiosk.run())
    try:
        kiosk.post(Touch("start", "vi"))
        await _until(lambda: kiosk.flow.current_state_id == "menu", "the menu")
        kiosk.post(VoiceIntent("ask_procedure", {}, "lệ phí hộ chiếu", "vi"))
        await _until(
            lambda: any(
                "VoiceIntent" in str(r["event"]) or "ask_procedure" in str(r["event"])
                for r in kiosk.transcript
            ),
            "the event",
        )
        assert kiosk.procedures is not None and kiosk.procedures.last_answer is None
    finally:
        kiosk.post(Shutdown())
        await serving
