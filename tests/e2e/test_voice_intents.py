"""The door's spoken intents carried out by the real daemon (text in, as the recogniser
would hand it over): directions, the people ahead, a priority ticket, the booking screen, a
staff call, and a confirmation before an irreversible action."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch, VoiceIntent
from kiosk.voice_answers import people_ahead, read_poses, way_to
from kiosk.voice_dialogue import VoiceContext, clarifying_question, confirmation
from speech.catalogue import load_catalogue
from speech.intents import Intent

KioskFactory = Callable[..., KioskDaemon]
ROOT = Path(__file__).resolve().parents[2]


async def _until(daemon: KioskDaemon, check: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not check():
        assert loop.time() < deadline, f"{what}: {daemon.transcript[-3:]}"
        await asyncio.sleep(0.02)


async def test_spoken_intents_move_the_daemon(make_kiosk: KioskFactory) -> None:
    daemon = make_kiosk()
    serving = asyncio.ensure_future(daemon.run())
    state = lambda: daemon.flow.current_state_id  # noqa: E731
    try:
        await _until(daemon, lambda: bool(daemon.flow.priorities), "priorities from central")
        # where is counter 5: answered aloud from the lobby map, no screen moves
        daemon.post(VoiceIntent("where_is", {"place": "Q5"}, "quầy số 5 ở đâu", "vi"))
        await _until(daemon, lambda: bool(daemon.voice_screen.spoken_answers), "an answer")
        assert daemon.voice_screen.spoken_answers[-1].startswith("Quầy 5 ở phía trước")
        assert state() == "idle"
        # "tôi là người cao tuổi": kept for the visit, then which field; no priority screen
        daemon.post(VoiceIntent("declare_priority", {"category": "elderly"}, "", "vi"))
        await _until(daemon, lambda: state() == "menu", "menu after the priority")
        assert daemon.flow.visit.priority == "elderly"
        daemon.post(VoiceIntent("take_ticket", {}, "lấy số", "vi"))
        await _until(daemon, lambda: state() == "choose_service", "which field")
        daemon.post(Touch("service", "tu-phap"))
        await _until(daemon, lambda: state() == "ticket_ready", "a priority ticket")
        assert daemon.issued[-1].view.priority_label == "Người cao tuổi (từ 60 tuổi)"
        # how many are ahead of my own ticket
        daemon.post(VoiceIntent("queue_status", {}, "còn mấy người", "vi"))
        await _until(daemon, lambda: len(daemon.voice_screen.spoken_answers) == 2, "people ahead")
        assert daemon.issued[-1].number in daemon.voice_screen.spoken_answers[-1]
        # a staff call from the ticket screen
        daemon.post(VoiceIntent("call_staff", {}, "gọi nhân viên", "vi"))
        await _until(daemon, lambda: state() == "help", "the staff call")
        daemon.post(VoiceIntent("back", {}, "quay lại", "vi"))
        await _until(daemon, lambda: state() == "menu", "back to the menu")
        daemon.post(VoiceIntent("redeem_booking", {}, "tôi có đặt lịch", "vi"))
        await _until(daemon, lambda: state() == "booking", "the booking screen")
    finally:
        daemon.post(Shutdown())
        await serving


def test_confirmation_and_question_back_words() -> None:
    catalogue = load_catalogue()
    ticket = Intent("take_ticket", {"service": "tu-phap"}, 0.6, "confirm")
    assert (
        confirmation(ticket, "vi", catalogue, lambda c: c)
        == "Quý khách lấy số lĩnh vực Tư pháp, đúng không?"
    )
    unsure = Intent("where_is", {}, 0.3, "clarify", ("where_is", "queue_status", "take_ticket"))
    assert (
        clarifying_question(unsure, "vi")
        == "Quý khách muốn hỏi đường hay hỏi thời gian chờ hay lấy số?"
    )
    assert clarifying_question(Intent("no"), "en") == "Please choose on the screen."


def test_a_pending_confirmation_expires_and_a_visit_forgets() -> None:
    context = VoiceContext(context_s=0.0)
    context.ask(Intent("call_staff", {}, 0.6, "confirm"), "vi")
    assert context.pending() is None  # the idle timeout passed
    context = VoiceContext(context_s=60.0)
    context.ask(Intent("call_staff", {}, 0.6, "confirm"), "vi")
    assert context.pending() is not None
    context.forget()
    assert context.answered() is None


def test_directions_from_the_lobby_map() -> None:
    poses = read_poses(ROOT / "config" / "lobby" / "lobby.yaml")
    assert way_to("Q12", "en", poses).startswith("Counter 12 is")
    assert "staff" in way_to("parking", "en", poses)  # the sample map names no parking
    assert people_ahead(None, None, "vi").startswith("Quý khách chưa có số")
    assert people_ahead("A012", 3, "ko") == "고객님의 번호 A012 앞에 3명이 있습니다."
