"""How the kiosk says procedure facts in vi, en and ko: money, durations, dates, counters,
dossier statuses. Register: "quý khách" in Vietnamese, 합니다체 in Korean (DOMAIN.md).

Texts are written for the screen and for the voice at once: numbers stay digits here and
:func:`speech.normalize.normalize_for_speech` turns them into words for Vietnamese
("200.000 đồng" -> "hai trăm nghìn đồng"), whose espeak voice reads digits badly.
"""

from __future__ import annotations

import logging
import re
from datetime import date

from kiosk.procedures.model import ProcedureInfo, TimeInfo

_LOGGER = logging.getLogger(__name__)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

UNITS = {
    "vi": {
        "working_days": "{n} ngày làm việc",
        "days": "{n} ngày",
        "hours": "{n} giờ",
        "same_day": "trong ngày",
    },
    "en": {
        "working_days": "{n} working days",
        "days": "{n} days",
        "hours": "{n} hours",
        "same_day": "the same day",
    },
    "ko": {"working_days": "{n}근무일", "days": "{n}일", "hours": "{n}시간", "same_day": "당일"},
}

STATUS = {
    "vi": {
        "received": "đã được tiếp nhận",
        "in_progress": "đang được giải quyết",
        "needs_documents": "cần bổ sung giấy tờ",
        "ready": "đã có kết quả",
        "returned": "đã trả kết quả",
        "overdue": "đã quá ngày hẹn trả",
    },
    "en": {
        "received": "has been received",
        "in_progress": "is being processed",
        "needs_documents": "needs more documents",
        "ready": "is ready to collect",
        "returned": "has been returned to you",
        "overdue": "is past its appointment date",
    },
    "ko": {
        "received": "접수되었습니다",
        "in_progress": "처리 중입니다",
        "needs_documents": "서류 보완이 필요합니다",
        "ready": "결과가 나왔습니다",
        "returned": "결과가 수령되었습니다",
        "overdue": "처리 예정일이 지났습니다",
    },
}


def lang_of(lang: str) -> str:
    """``lang`` when the kiosk has words for it, else Vietnamese."""
    return lang if lang in UNITS else "vi"


def money(amount: int, lang: str) -> str:
    """200000 -> "200.000 đồng" / "200,000 dong" / "200,000동"."""
    grouped = f"{amount:,}"
    lang = lang_of(lang)
    if lang == "vi":
        return grouped.replace(",", ".") + " đồng"
    return f"{grouped}동" if lang == "ko" else f"{grouped} dong"


def duration(time: TimeInfo, lang: str) -> str:
    """A processing time in words of ``lang``."""
    return UNITS[lang_of(lang)][time.unit].format(n=time.value)


def spoken_date(iso: str, lang: str) -> str:
    """2026-12-04 -> "04/12/2026" (read by the vi normaliser) / "4 December 2026" /
    "2026년 12월 4일"."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    lang = lang_of(lang)
    if lang == "en":
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    if lang == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return day.strftime("%d/%m/%Y")


def counter_name(name: str, lang: str) -> str:
    """ "Quầy 12" as "Counter 12" / "12번 창구"; other names as they are."""
    found = re.fullmatch(r"Quầy\s+(\w+)", name.strip())
    if not found:
        return name
    lang = lang_of(lang)
    if lang == "en":
        return f"Counter {found.group(1)}"
    return f"{found.group(1)}번 창구" if lang == "ko" else name


def join(items: list[str], lang: str, last: str | None = None) -> str:
    """ "a, b và c" / "a, b and c" / "a, b, c"."""
    if len(items) <= 1:
        return "".join(items)
    word = last or {"vi": "và", "en": "and", "ko": ""}[lang_of(lang)]
    if not word:
        return ", ".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def fee_summary(proc: ProcedureInfo, lang: str) -> str:
    """The first fee (the one most citizens pay), or "free"."""
    if not proc.fees:
        return {"vi": "miễn phí", "en": "free of charge", "ko": "무료"}[lang_of(lang)]
    return money(proc.fees[0].amount_vnd, lang)


#: answer templates per language (kiosk/procedures/answers.py fills them)
ANSWERS: dict[str, dict[str, str]] = {
    "vi": {
        "documents": (
            "{name}: quý khách cần mang {n} loại giấy tờ: {list}. Danh sách đầy đủ "
            "có trên màn hình."
        ),
        "fees": "{name}: lệ phí là {fee}.",
        "free": "{name}: không mất lệ phí.",
        "processing_time": "{name}: thời gian giải quyết là {time}.",
        "same_day": "{name}: hồ sơ được giải quyết trong ngày.",
        "where": "Quý khách nộp hồ sơ {name} tại {counters}.",
        "online": " Quý khách cũng có thể nộp trực tuyến.",
        "overview": (
            "{name}: cần {n} loại giấy tờ, lệ phí {fee}, thời gian {time}. Chi tiết "
            "có trên màn hình."
        ),
        "clarify": "Quý khách muốn hỏi thủ tục nào: {choices}?",
        "unknown": (
            "Xin lỗi, tôi chưa rõ quý khách hỏi thủ tục nào. Quý khách vui lòng nói "
            "tên thủ tục hoặc chọn trên màn hình."
        ),
        "or": "hay",
        "not_understood": (
            "Xin lỗi, tôi chưa nghe rõ. Quý khách vui lòng nói lại hoặc chọn trên màn hình."
        ),
        "field_counters": "các quầy lĩnh vực {field}",
        "lookup": (
            "Quý khách vui lòng nhập mã hồ sơ trên giấy biên nhận, hoặc đưa mã QR "
            "của giấy biên nhận vào camera."
        ),
        "lookup_code": "Tôi sẽ tra cứu hồ sơ mã {code}.",
        "ticket": "Xin mời quý khách lấy số cho lĩnh vực {field}.",
        "dossier": "Hồ sơ {procedure} của {applicant} {status}.",
        "missing": " Cần bổ sung: {missing}.",
        "pickup": " Mời quý khách nhận kết quả tại {counter}.",
        "fee_due": " Phí còn phải nộp: {fee}.",
        "appointment": " Ngày hẹn trả kết quả: {date}.",
        "overdue": " Xin lỗi quý khách về sự chậm trễ; quý khách vui lòng hỏi quầy tiếp nhận.",
    },
    "en": {
        "documents": "{name}: you need {n} documents: {list}. The full list is on the screen.",
        "fees": "{name}: the fee is {fee}.",
        "free": "{name}: there is no fee.",
        "processing_time": "{name} takes {time}.",
        "same_day": "{name} is done the same day.",
        "where": "You file for {name} at {counters}.",
        "online": " You can also file online.",
        "overview": "{name}: {n} documents, fee {fee}, takes {time}. Details are on the screen.",
        "clarify": "Which procedure do you mean: {choices}?",
        "unknown": (
            "Sorry, which procedure do you mean? Please say its name or choose it on the screen."
        ),
        "or": "or",
        "not_understood": "Sorry, I did not catch that. Please say it again or use the screen.",
        "field_counters": "the {field} counters",
        "lookup": (
            "Please type the dossier code from your receipt, or show the receipt's "
            "QR code to the camera."
        ),
        "lookup_code": "I will look up dossier {code}.",
        "ticket": "Please take a number for {field}.",
        "dossier": "The dossier for {procedure} of {applicant} {status}.",
        "missing": " Still needed: {missing}.",
        "pickup": " Please collect it at {counter}.",
        "fee_due": " Amount still due: {fee}.",
        "appointment": " Appointment date: {date}.",
        "overdue": " We apologise for the delay; please ask at the counter.",
    },
    "ko": {
        "documents": "{name}: 서류 {n}종이 필요합니다. {list}. 전체 목록은 화면에 있습니다.",
        "fees": "{name} 수수료는 {fee}입니다.",
        "free": "{name}은(는) 수수료가 없습니다.",
        "processing_time": "{name} 처리 기간은 {time}입니다.",
        "same_day": "{name}은(는) 당일 처리됩니다.",
        "where": "{name} 신청은 {counters}에서 하십시오.",
        "online": " 온라인으로도 신청하실 수 있습니다.",
        "overview": (
            "{name}: 서류 {n}종, 수수료 {fee}, 처리 기간 {time}입니다. "
            "자세한 내용은 화면에 있습니다."
        ),
        "clarify": "어느 절차를 문의하십니까? {choices} 중에서 선택해 주십시오.",
        "unknown": "죄송합니다. 어느 절차인지 말씀해 주시거나 화면에서 선택해 주십시오.",
        "or": "",
        "not_understood": (
            "죄송합니다. 잘 듣지 못했습니다. 다시 말씀하시거나 화면을 이용해 주십시오."
        ),
        "field_counters": "{field} 창구",
        "lookup": "접수증의 서류 번호를 입력하시거나 접수증의 QR 코드를 카메라에 보여 주십시오.",
        "lookup_code": "{code} 서류를 조회하겠습니다.",
        "ticket": "{field} 번호표를 받으십시오.",
        "dossier": "{applicant} 님의 {procedure} 서류는 {status}",
        "missing": " 보완 서류: {missing}.",
        "pickup": " {counter}에서 수령하십시오.",
        "fee_due": " 남은 납부 금액: {fee}.",
        "appointment": " 처리 예정일: {date}.",
        "overdue": " 지연되어 죄송합니다. 창구에 문의해 주십시오.",
    },
}
