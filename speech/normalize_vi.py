"""Vietnamese text normalisation before speaking: espeak-ng reads "50.000 đồng", "CCCD" and
"A012" badly, so they are written out as a person would say them.

- numbers in words with the Vietnamese reading rules: "mốt" (21 = hai mươi mốt), "lăm"
  (15, 25), "tư" (24), "linh" (105 = một trăm linh năm), "mươi" for tens from 20, and
  "không trăm" inside large numbers (1.050 = một nghìn không trăm năm mươi); "." groups
  thousands and "," is the decimal point ("phẩy");
- money: "50.000đ", "50.000 VNĐ" -> "năm mươi nghìn đồng";
- dates "23/11/2026" and times "8:30", "8h30";
- ticket numbers digit by digit: "A012" -> "A không một hai";
- abbreviations of the administration (CCCD, UBND, TTHC, GPLX, ...).

Written here, not taken from num2words: num2words (0.5.14) has Vietnamese but reads a
missing hundreds digit wrongly: 1050 as "một nghìn lẻ năm mươi" and 2025 as "hai nghìn lẻ
hai mươi lăm", where a Vietnamese speaker says "một nghìn không trăm năm mươi" (the "lẻ"/
"linh" belongs only before a lone unit, as in 105 "một trăm linh năm"). Babel formats
numbers as digits, not words.
"""

from __future__ import annotations

import re

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

ABBREVIATIONS: dict[str, str] = {
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "UBND": "ủy ban nhân dân",
    "HĐND": "hội đồng nhân dân",
    "TTHC": "thủ tục hành chính",
    "GPLX": "giấy phép lái xe",
    "CSGT": "cảnh sát giao thông",
    "BHXH": "bảo hiểm xã hội",
    "BHYT": "bảo hiểm y tế",
    "TP.": "thành phố",
    "TP": "thành phố",
    "VNĐ": "đồng",
    "VND": "đồng",
}


def _below_thousand(number: int, full: bool) -> str:
    """0..999 in words; ``full`` says "không trăm"/"linh" inside a larger number."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words += ["linh", DIGITS[units]]
        elif units:
            words.append(DIGITS[units])
        return " ".join(words)
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def number_to_words(number: int) -> str:
    """A whole number in Vietnamese words (negative numbers get "âm")."""
    if number < 0:
        return "âm " + number_to_words(-number)
    if number == 0:
        return DIGITS[0]
    return _positive(number, full=False)


def _positive(number: int, full: bool) -> str:
    # above a billion the scales repeat: 10^12 is "nghìn tỷ"
    billions, rest = divmod(number, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += [_positive(billions, full), "tỷ"]
    groups = (rest // 1_000_000, rest // 1000 % 1000, rest % 1000)
    for group, scale in zip(groups, ("triệu", "nghìn", ""), strict=True):
        if group == 0:
            continue
        words.append(_below_thousand(group, full=full or bool(words)))
        if scale:
            words.append(scale)
    return " ".join(words)


def digits_to_words(digits: str) -> str:
    """Read a string of digits one by one ("012" -> "không một hai")."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def _number_token(text: str) -> str:
    """ "50.000" -> words; "1,5" -> "một phẩy năm"."""
    whole, _, decimals = text.partition(",")
    words = number_to_words(int(whole.replace(".", "")))
    if decimals:
        words += " phẩy " + (
            number_to_words(int(decimals))
            if not decimals.startswith("0")
            else digits_to_words(decimals)
        )
    return words


_DATE = re.compile(r"(?:\bngày\s+)?\b(\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b")
_TIME = re.compile(r"\b(\d{1,2})(?::|h)(\d{2})\b|\b(\d{1,2})h\b", re.IGNORECASE)
_TICKET = re.compile(r"\b([A-Z]{1,2})-?(\d{2,4})\b")
_MONEY = re.compile(r"(\d[\d.]*(?:,\d+)?)\s*(?:đ\b|đồng\b|vnđ\b|vnd\b)", re.IGNORECASE)
_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
_PERCENT = re.compile(r"(\d[\d.]*(?:,\d+)?)\s*%")


def _date(match: re.Match[str]) -> str:
    day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group(0)
    words = f"ngày {number_to_words(day)} tháng {number_to_words(month)}"
    if year:
        words += f" năm {number_to_words(int(year))}"
    return words


def _time(match: re.Match[str]) -> str:
    if match.group(3) is not None:
        return f"{number_to_words(int(match.group(3)))} giờ"
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 24 or minute > 59:
        return match.group(0)
    words = f"{number_to_words(hour)} giờ"
    return words + (f" {number_to_words(minute)} phút" if minute else "")


def _abbreviation(text: str) -> str:
    for short, long in ABBREVIATIONS.items():
        text = re.sub(
            r"(?<!\w)" + re.escape(short) + (r"(?!\w)" if short[-1].isalnum() else ""), long, text
        )
    return text


def normalize_vi(text: str) -> str:
    """Rewrite ``text`` so a Vietnamese voice reads it as a person would."""
    text = _abbreviation(text)
    text = _TICKET.sub(lambda m: f"{' '.join(m.group(1))} {digits_to_words(m.group(2))}", text)
    text = _DATE.sub(_date, text)
    text = _TIME.sub(_time, text)
    text = _MONEY.sub(lambda m: f"{_number_token(m.group(1))} đồng", text)
    text = _PERCENT.sub(lambda m: f"{_number_token(m.group(1))} phần trăm", text)
    text = _NUMBER.sub(lambda m: _number_token(m.group(0)), text)
    return re.sub(r"\s+", " ", text).strip()
