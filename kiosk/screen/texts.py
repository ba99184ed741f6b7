"""The screen's captions in every language the kiosk ships.

A plain table for now: the full screen flow moves these into gettext catalogues.
Missing keys fall back to Vietnamese, then to the key itself, so a gap shows up on screen
as a readable English-ish id rather than a crash.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "touch_to_start": "Chạm vào màn hình để bắt đầu",
        "welcome": "Xin chào! Kính mời quý khách",
        "take_ticket": "Lấy số thứ tự",
        "choose_service": "Chọn lĩnh vực",
        "back": "Quay lại",
        "issuing": "Đang cấp số, xin chờ…",
        "your_number": "Số thứ tự của quý khách",
        "counter": "Quầy",
        "people_ahead": "Số người chờ trước",
        "wait": "Thời gian chờ dự kiến",
        "minutes": "phút",
        "done": "Xong",
        "follow_me": "Đi theo tôi đến quầy",
        "printed": "Mời nhận phiếu bên dưới",
        "not_printed": "Máy in đang lỗi: xin ghi nhớ số hoặc chụp mã QR. Đã báo kỹ thuật viên.",
        "offline": "Đang mất kết nối hệ thống: số vẫn hợp lệ và được phục vụ theo thứ tự.",
        "issue_failed": "Không cấp được số. Xin mời liên hệ nhân viên hướng dẫn.",
        "guiding": "Mời quý khách đi theo tôi",
        "returning": "Đang quay về vị trí",
        "safe_stop": "Đã dừng an toàn. Nhân viên sẽ hỗ trợ.",
        "scan_qr": "Quét mã để xem lượt trên điện thoại",
    },
    "en": {
        "touch_to_start": "Touch the screen to start",
        "welcome": "Hello! Welcome",
        "take_ticket": "Take a number",
        "choose_service": "Choose a service",
        "back": "Back",
        "issuing": "Issuing your number, please wait…",
        "your_number": "Your number",
        "counter": "Counter",
        "people_ahead": "People ahead of you",
        "wait": "Estimated wait",
        "minutes": "min",
        "done": "Done",
        "follow_me": "Follow me to the counter",
        "printed": "Please take your ticket below",
        "not_printed": "The printer is down: please remember the number or photograph the QR code. "
        "A technician has been told.",
        "offline": "The queue system is offline: your number is valid and served in order.",
        "issue_failed": "No number could be issued. Please ask the staff at the desk.",
        "guiding": "Please follow me",
        "returning": "Returning to my place",
        "safe_stop": "Stopped safely. Staff will help.",
        "scan_qr": "Scan to follow your turn on your phone",
    },
    "ko": {
        "touch_to_start": "화면을 터치하여 시작하세요",
        "welcome": "안녕하세요! 환영합니다",
        "take_ticket": "번호표 받기",
        "choose_service": "업무를 선택하세요",
        "back": "뒤로",
        "issuing": "번호표를 발급하고 있습니다…",
        "your_number": "고객님의 번호",
        "counter": "창구",
        "people_ahead": "앞의 대기 인원",
        "wait": "예상 대기 시간",
        "minutes": "분",
        "done": "완료",
        "follow_me": "창구까지 안내해 드립니다",
        "printed": "아래에서 번호표를 받으세요",
        "not_printed": "프린터 고장: 번호를 기억하거나 QR 코드를 촬영하세요. 기술자에게 알렸습니다.",
        "offline": "시스템 연결이 끊겼지만 번호는 유효하며 순서대로 처리됩니다.",
        "issue_failed": "번호를 발급할 수 없습니다. 안내 직원에게 문의하세요.",
        "guiding": "저를 따라오세요",
        "returning": "제자리로 돌아가는 중",
        "safe_stop": "안전하게 정지했습니다. 직원이 도와드립니다.",
        "scan_qr": "휴대폰으로 순서를 확인하려면 스캔하세요",
    },
}

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English", "ko": "한국어"}


def text(language: str, key: str) -> str:
    """The caption ``key`` in ``language`` (Vietnamese, then the key, as fallbacks)."""
    return TEXTS.get(language, {}).get(key) or TEXTS["vi"].get(key) or key
