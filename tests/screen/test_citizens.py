"""Citizens at the daemon with central in-process, by real pygame mouse events through the
screen's hit-testing: a priority ticket, a booking, a rating, help, and the idle timeout."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pygame
import pytest
import qrcode

from drivers.camera.sim import SimCamera
from drivers.printer.base import Paper
from drivers.printer.sim import SimPrinter
from kiosk.daemon import KioskDaemon
from kiosk.events import PersonDetected, Timeout, TouchValue

from .conftest import until


async def tap(daemon: KioskDaemon, target: str, value: TouchValue = None) -> None:
    """Press ``target`` with a real mouse event and wait until the daemon handled it."""
    handled = len(daemon.transcript)
    assert daemon.screen.tap(target, value), (
        f"{target}={value} not on screen {daemon.flow.current_state_id}")
    await until(lambda: len(daemon.transcript) > handled)


async def at(daemon: KioskDaemon, state: str) -> None:
    await until(lambda: daemon.flow.current_state_id == state)
    if state == "ticket_ready":  # the number shows first; wait for the printer's verdict
        # the flow (and so the screen) settles when it has handled TicketPrinted, a moment
        # after the desk's task updated ``issued``
        await until(lambda: daemon.flow.visit.ticket is None
                    or not daemon.flow.visit.ticket.printing)


def on_screen(daemon: KioskDaemon) -> str:
    return " | ".join(d.text for d in daemon.screen.texts)


def touches(daemon: KioskDaemon, since: int) -> int:
    """Touches on a button (not the screen's background) in the transcript since ``since``."""
    return sum(1 for row in list(daemon.transcript)[since:]
               if row["event"].get("type") == "Touch" and row["event"].get("target") != "screen")


async def test_one_touch_from_the_first_screen_to_a_number(daemon: KioskDaemon) -> None:
    # a citizen in a hurry: wake the kiosk, then one touch on their field
    await tap(daemon, "start")
    await at(daemon, "menu")
    woken = len(daemon.transcript)
    assert "Chọn lĩnh vực để lấy số thứ tự" in on_screen(daemon)
    await tap(daemon, "service", "dat-dai")
    await at(daemon, "ticket_ready")
    assert touches(daemon, woken) == 1
    row = daemon.journal.get(daemon.issued[-1].key)
    assert row is not None and row.priority is None and row.service == "dat-dai"
    # every field fits on the first screen of the sim centre: none needs "more fields"
    await tap(daemon, "done")
    await tap(daemon, "start")
    await at(daemon, "menu")
    shown = {t.value for t in daemon.screen.targets if t.target == "service"}
    assert shown == set(daemon.catalogue.codes())
    assert daemon.screen.target_centre("take_ticket") is None


async def test_priority_ticket(daemon: KioskDaemon, central_http: httpx.AsyncClient) -> None:
    await tap(daemon, "start")
    await at(daemon, "menu")
    await tap(daemon, "language", "en")
    woken = len(daemon.transcript)
    await tap(daemon, "ask_priority")  # "I have priority", under the fields
    await at(daemon, "choose_priority")
    assert "Elderly (60 and over)" in on_screen(daemon) and "Pregnant woman" in on_screen(daemon)
    await tap(daemon, "priority", "pregnant")
    await at(daemon, "menu")  # back at the fields, the category shown on its button
    assert "Priority: Pregnant woman. Now touch your field" in on_screen(daemon)
    await tap(daemon, "service", "xuat-nhap-canh")
    await at(daemon, "ticket_ready")
    assert touches(daemon, woken) == 3
    issued = daemon.issued[-1]
    assert issued.number == "C001" and issued.printed
    assert issued.number in on_screen(daemon) and "Pregnant woman" in on_screen(daemon)
    row = daemon.journal.get(issued.key)
    assert row is not None and row.priority == "pregnant"
    ticket = (await central_http.get(f"/api/v1/tickets/{row.ticket['id']}")).json()
    assert (ticket["number"], ticket["priority"], ticket["language"]) == ("C001", "pregnant", "en")
    await tap(daemon, "done")
    await at(daemon, "idle")


async def test_a_priority_can_be_taken_back(daemon: KioskDaemon) -> None:
    await tap(daemon, "start")
    await tap(daemon, "ask_priority")
    await at(daemon, "choose_priority")
    await tap(daemon, "priority", "elderly")
    await at(daemon, "menu")
    await tap(daemon, "ask_priority")  # changed their mind: "none of these"
    await at(daemon, "choose_priority")
    await tap(daemon, "priority", None)
    await at(daemon, "menu")
    await tap(daemon, "service", "dat-dai")
    await at(daemon, "ticket_ready")
    row = daemon.journal.get(daemon.issued[-1].key)
    assert row is not None and row.priority is None


async def _book(central_http: httpx.AsyncClient, service: str) -> str:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    answer = await central_http.post("/api/v1/bookings", json={
        "service": service, "date": today, "language": "ko", "idempotency_key": "booking-test-1"})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["code"])


async def test_redeem_a_booking_by_typed_code(daemon: KioskDaemon,
                                              central_http: httpx.AsyncClient) -> None:
    code = await _book(central_http, "tu-phap")
    await tap(daemon, "start", "ko")  # the big language button on the attract screen
    await at(daemon, "menu")
    assert daemon.flow.visit.language == "ko"
    await tap(daemon, "book")
    await at(daemon, "booking")
    assert daemon.screen.target_centre("submit_code") is None  # not before 6 characters
    wrong = "AAAAAA" if code != "AAAAAA" else "CCCCCC"
    for char in wrong:
        await tap(daemon, "key", char)
    await tap(daemon, "submit_code")
    await until(lambda: daemon.flow.visit.error is not None)
    await at(daemon, "booking")
    assert daemon.flow.visit.error == "unknown-booking"
    assert "이 번호를 찾을 수 없습니다" in on_screen(daemon)
    assert daemon.flow.visit.booking_code == wrong  # kept: only the wrong characters go
    for _ in wrong:
        await tap(daemon, "key", "erase")
    assert daemon.flow.visit.booking_code == "" and daemon.flow.visit.error is None
    for char in code:
        await tap(daemon, "key", char)
    assert daemon.flow.visit.booking_code == code
    await tap(daemon, "submit_code")
    await at(daemon, "ticket_ready")
    issued = daemon.issued[-1]
    assert issued.number == "A001" and issued.printed and not issued.offline
    assert "A001" in on_screen(daemon)
    assert isinstance(daemon.printer, SimPrinter) and len(daemon.printer.printed) == 1
    row = daemon.journal.get(issued.key)
    assert row is not None and row.state == "online" and row.printed and row.service == "tu-phap"
    again = await central_http.post(f"/api/v1/bookings/{code}/redeem",
                                     json={"idempotency_key": "another-key-1", "language": "vi"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "booking-used"


def _show(daemon: KioskDaemon, text: str | None) -> None:
    camera = daemon.camera
    assert isinstance(camera, SimCamera)
    camera.held_up = None if text is None else np.asarray(
        qrcode.make(text, border=2).get_image().convert("RGB").resize((150, 150)))


async def test_rate_the_service(daemon: KioskDaemon, central_http: httpx.AsyncClient,
                                central_settings) -> None:  # type: ignore[no-untyped-def]
    # a citizen takes a number; Quầy 7 calls and serves it
    await tap(daemon, "start")
    await tap(daemon, "service", "dat-dai")
    await at(daemon, "ticket_ready")
    status_url = daemon.issued[-1].view.status_url
    await tap(daemon, "done")
    await at(daemon, "idle")
    # back at the kiosk before their turn: the ticket cannot be rated yet
    await tap(daemon, "start")
    await tap(daemon, "rate")
    await at(daemon, "rating")
    assert "Show the QR code on your ticket" in on_screen(daemon) or "mã QR" in on_screen(daemon)
    assert daemon.screen.target_centre("score", 4) is None  # the ticket first
    _show(daemon, "https://pay.example/qr/0123456789")  # not a ticket
    await until(lambda: daemon.flow.visit.error == "not-a-ticket")
    _show(daemon, status_url)
    await until(lambda: daemon.flow.visit.error == "rate-not-served")
    assert "Số này chưa được phục vụ" in on_screen(daemon)
    _show(daemon, None)
    officer = {"Authorization": "Bearer sim-counter-Q7-token-0000"}
    called = (await central_http.post("/api/v1/counters/Q7/call-next", headers=officer)).json()
    assert called["number"] == daemon.issued[-1].number
    await central_http.post(f"/api/v1/tickets/{called['id']}/start", headers=officer)
    done = await central_http.post(f"/api/v1/tickets/{called['id']}/complete", headers=officer)
    assert done.status_code == 200, done.text
    _show(daemon, status_url)  # after the turn: the faces, for that number and counter
    await until(lambda: daemon.flow.visit.rate_ref is not None)
    await until(lambda: f"Số {called['number']}, được phục vụ tại Quầy 7" in on_screen(daemon))
    _show(daemon, None)
    assert daemon.screen.target_centre("submit_rating") is None  # a score first
    await tap(daemon, "score", 4)
    await tap(daemon, "reason", "fast")
    await tap(daemon, "reason", "slow")
    await tap(daemon, "reason", "slow")  # changed their mind
    assert daemon.flow.visit.reasons == ("fast",)
    await tap(daemon, "submit_rating")
    await at(daemon, "rating_sent")
    await until(lambda: bool(daemon.ratings_sent))
    db = central_settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT score, reasons, kiosk_id, ticket_id, counter "
                            "FROM ratings").fetchall()
    assert rows == [(4, '["fast"]', "K1", called["id"], "Q7")]  # the ticket and its counter
    await tap(daemon, "done")
    await at(daemon, "idle")


async def test_call_staff_from_any_screen(daemon: KioskDaemon, central_http: httpx.AsyncClient,
                                          caplog: pytest.LogCaptureFixture) -> None:
    await tap(daemon, "start")
    await tap(daemon, "ask_priority")
    await at(daemon, "choose_priority")
    with caplog.at_level(logging.WARNING, logger="kiosk.daemon"):
        await tap(daemon, "call_staff")
        await at(daemon, "help")
    assert any("STAFF:" in r.getMessage() and "choose_priority" in r.getMessage()
               for r in caplog.records)
    # central has the request: the screen says staff were told, not that they are coming
    await until(lambda: "Đã báo nhân viên, xin quý khách chờ trong giây lát" in on_screen(daemon))
    assert "đang đến" not in on_screen(daemon)
    officer = {"Authorization": "Bearer sim-counter-Q3-token-0000"}
    listed = (await central_http.get("/api/v1/help-requests", headers=officer)).json()
    request = listed["help_requests"][0]
    assert (request["kiosk_id"], request["screen"]) == ("K1", "choose_priority")
    taken = await central_http.post(f"/api/v1/help-requests/{request['id']}/take",
                                    headers=officer)
    assert taken.status_code == 200
    await until(lambda: "Nhân viên Quầy 3 đang đến hỗ trợ quý khách." in on_screen(daemon))
    await tap(daemon, "back")
    await at(daemon, "menu")


async def test_idle_timeout_clears_everything_personal(daemon: KioskDaemon,
                                                       tmp_path: Path) -> None:
    await tap(daemon, "start")
    await tap(daemon, "language", "ko")
    await tap(daemon, "large_text")
    await tap(daemon, "book")
    for char in "ACD":
        await tap(daemon, "key", char)
    assert daemon.screen.model is not None and daemon.screen.model.booking_code == "ACD"
    assert daemon.screen.model.large_text
    # A touch anywhere (on no button) restarts the idle clock: the flow stays.
    generation = daemon._generation
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(1, daemon.screen.height // 2),
                                         button=1))
    await until(lambda: daemon._generation > generation)
    assert daemon.flow.current_state_id == "booking"
    daemon.post(Timeout(daemon._generation))  # what the idle timer posts when it runs out
    await at(daemon, "idle")
    model = daemon.screen.model
    assert model is not None and model.state == "idle"
    assert (model.language, model.booking_code, model.large_text) == ("vi", "", False)
    assert "ACD" not in on_screen(daemon) and "A | C | D" not in on_screen(daemon)
    daemon.screen.screenshot(tmp_path / "after-timeout.png")


async def test_idle_countdown_is_visible_in_the_last_seconds(daemon: KioskDaemon) -> None:
    await tap(daemon, "start")
    await at(daemon, "menu")
    assert "Quay về màn hình đầu" not in on_screen(daemon)
    daemon.arm_timer(7.0)  # as if the citizen had been idle for all but 7 s
    await until(lambda: "Quay về màn hình đầu sau 7 giây" in on_screen(daemon)
                or "Quay về màn hình đầu sau 6 giây" in on_screen(daemon))
    daemon.arm_timer(45.0)  # a touch restarted the clock: the warning goes away
    await until(lambda: "Quay về màn hình đầu" not in on_screen(daemon))


async def test_printer_fault_is_shown_kindly_and_numbers_still_come(daemon: KioskDaemon) -> None:
    assert isinstance(daemon.printer, SimPrinter)
    daemon.printer.paper = Paper.OUT
    await tap(daemon, "start")
    await tap(daemon, "service", "tu-phap")
    await at(daemon, "ticket_ready")
    assert not daemon.issued[-1].printed
    assert daemon.issued[-1].number in on_screen(daemon)
    assert "Máy in đang gặp sự cố" in on_screen(daemon)
    await tap(daemon, "done")
    await tap(daemon, "start")
    await at(daemon, "menu")
    assert "quý khách vẫn nhận số thứ tự trên màn hình" in on_screen(daemon)
    assert daemon.screen.target_centre("service", "tu-phap") is not None


async def test_person_detected_greets_on_the_attract_screen(daemon: KioskDaemon) -> None:
    daemon.post(PersonDetected())
    await until(lambda: daemon.screen.model is not None and daemon.screen.model.person_seen)
    assert "Xin chào quý khách! Xin mời chạm vào đây để được hướng dẫn" in on_screen(daemon)


async def test_read_aloud_reads_the_screen(daemon: KioskDaemon) -> None:
    await tap(daemon, "start")
    await at(daemon, "menu")
    spoken = daemon.screen.spoken_text()
    assert spoken.startswith("Chọn lĩnh vực để lấy số thứ tự") and "Đất đai" in spoken
    assert "Tiếng Việt" not in spoken  # the tool bar is not read
    await tap(daemon, "read_aloud")
    assert daemon.transcript[-1]["outcome"] == "handled"


async def test_fixed_kiosk_shows_the_way_on_the_lobby_map(daemon: KioskDaemon,
                                                          tmp_path: Path) -> None:
    await tap(daemon, "start")
    await tap(daemon, "service", "dat-dai")
    await at(daemon, "ticket_ready")
    model = daemon.screen.model
    assert model is not None and model.ticket is not None
    picture = model.ticket.route_png  # navigation's lobby map with the planned route
    assert picture is not None and picture.startswith(b"\x89PNG")
    assert "Đường đến quầy" in on_screen(daemon)
    # two counters serve the field: the way leads to its waiting area, in sight of both
    assert "Số của quý khách sẽ được gọi tại Quầy 7, Quầy 8" in on_screen(daemon)
    assert picture == daemon.view.route_picture("wait-dat-dai") != daemon.view.route_picture("Q7")
    assert daemon.screen.target_centre("guide_me") is None  # no robot to follow
    daemon.screen.screenshot(tmp_path / "ticket-with-map.png")
