"""Redeeming a booking by showing its QR code to the camera; hostile QR codes are refused."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import pytest
import qrcode

from drivers.camera.sim import SimCamera
from kiosk.daemon import KioskDaemon
from kiosk.qr_scan import booking_code_from_qr, decode_qr

from .conftest import until
from .test_citizens import at, on_screen, tap


def _qr_pixels(text: str, side: int = 150) -> np.ndarray:
    image = qrcode.make(text, border=2).get_image().convert("RGB").resize((side, side))
    return np.asarray(image, dtype=np.uint8)


@pytest.mark.parametrize(("text", "code"), [
    ("C7K3Q9", "C7K3Q9"),
    ("https://dichvucong.example.gov.vn/b/C7K3Q9", "C7K3Q9"),
    ("https://dichvucong.example.gov.vn/b/C7K3Q9/", "C7K3Q9"),
    ("c7k3q9", None),                      # central's codes are upper case
    ("C7K3Q", None), ("C7K3Q99", None),    # wrong length
    ("C0K3Q9", None),                      # 0 is not in the alphabet (looks like O)
    ("В7К3Q9", None),                      # Cyrillic look-alikes
    ("'; DROP TABLE tickets; --", None),
    ("C7K3Q9\x00rm -rf /", None),
    ("javascript:alert(1)//C7K3Q9\n", None),
    ("C7K3Q9" + "A" * 1000, None),
    ("00020101021238570010A000000727", None),  # a VietQR payment code
])
def test_only_booking_codes_are_taken_from_qr_text(text: str, code: str | None) -> None:
    assert booking_code_from_qr(text) == code


def test_decoding_real_pixels() -> None:
    camera = SimCamera()
    camera.held_up = _qr_pixels("https://x.example/b/CDEFHJ")
    assert decode_qr(camera.read().pixels) == ["https://x.example/b/CDEFHJ"]
    camera.held_up = None
    assert decode_qr(camera.read().pixels) == []


async def test_show_the_booking_qr_to_the_camera(daemon: KioskDaemon,
                                                 central_http: httpx.AsyncClient) -> None:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    answer = await central_http.post("/api/v1/bookings", json={
        "service": "xuat-nhap-canh", "date": today, "language": "vi",
        "idempotency_key": "qr-booking-1"})
    code = answer.json()["code"]
    camera = daemon.camera
    assert isinstance(camera, SimCamera)
    await tap(daemon, "start")
    await at(daemon, "menu")
    await tap(daemon, "book")
    await at(daemon, "booking")
    camera.held_up = _qr_pixels("00020101021238570010A000000727 a bank transfer")
    await until(lambda: daemon.flow.visit.error == "not-a-booking-code")
    assert "không phải mã lịch hẹn" in on_screen(daemon)
    assert daemon.flow.current_state_id == "booking"
    camera.held_up = _qr_pixels(f"https://dichvucong.example.gov.vn/b/{code}")
    await at(daemon, "ticket_ready")
    issued = daemon.issued[-1]
    assert issued.number == "C001" and issued.printed
    scans = [r for r in daemon.transcript if r["event"]["type"] == "QRScanned"]
    assert [s["event"]["code"] for s in scans] == [None, code]
