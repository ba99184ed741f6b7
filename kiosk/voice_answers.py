"""Spoken answers that move no screen: the way to a place, and the people ahead.

The way comes from the lobby map's named poses (``Q5``, and ``toilets``, ``waiting_area``,
``exit``, ``parking`` where the map names them): the direction as seen from the kiosk
(the ``dock`` pose, facing into the lobby) and the distance in metres. A place the map
does not name gets an honest "ask a staff member" instead of a guess.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import yaml

from speech.slots import is_counter_code

_LOGGER = logging.getLogger(__name__)

_SIDES = {
    "vi": ("ở phía trước", "ở bên trái", "ở bên phải", "ở phía sau"),
    "en": ("straight ahead", "to your left", "to your right", "behind you"),
    "ko": ("앞쪽에", "왼쪽에", "오른쪽에", "뒤쪽에"),
}
_PLACE_NAMES = {
    "vi": {
        "toilets": "Nhà vệ sinh",
        "waiting_area": "Khu vực chờ",
        "exit": "Lối ra",
        "parking": "Bãi giữ xe",
    },
    "en": {
        "toilets": "The toilets",
        "waiting_area": "The waiting area",
        "exit": "The exit",
        "parking": "The parking",
    },
    "ko": {
        "toilets": "화장실은",
        "waiting_area": "대기 장소는",
        "exit": "출구는",
        "parking": "주차장은",
    },
}
_WAY = {
    "vi": "{place} {side}, cách khoảng {metres} mét.",
    "en": "{place} is {side}, about {metres} metres away.",
    "ko": "{place} {side} 약 {metres}미터 거리에 있습니다.",
}
_COUNTER = {"vi": "Quầy {n}", "en": "Counter {n}", "ko": "{n}번 창구는"}
_UNKNOWN = {
    "vi": "Xin lỗi, tôi chưa biết chỗ đó. Mời quý khách hỏi nhân viên hướng dẫn.",
    "en": "Sorry, I do not know that place. Please ask a staff member.",
    "ko": "죄송합니다, 그 장소는 모릅니다. 직원에게 문의해 주십시오.",
}
_AHEAD = {
    "vi": "Trước số {number} của quý khách còn {n} người.",
    "en": "There are {n} people ahead of your number {number}.",
    "ko": "고객님의 번호 {number} 앞에 {n}명이 있습니다.",
}
_NO_TICKET = {
    "vi": "Quý khách chưa có số thứ tự. Mời quý khách lấy số trên màn hình.",
    "en": "You do not have a number yet. Please take one on the screen.",
    "ko": "아직 번호표가 없습니다. 화면에서 번호표를 받아 주십시오.",
}


def read_poses(map_path: Path) -> dict[str, tuple[float, float, float]]:
    """The named poses (x, y, theta) of the lobby map YAML; empty if it cannot be read."""
    try:
        data = yaml.safe_load(map_path.read_text(encoding="utf-8"))
        return {
            str(name): (float(p["x"]), float(p["y"]), float(p.get("theta", 0.0)))
            for name, p in (data.get("poses") or {}).items()
        }
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError, ValueError) as exc:
        _LOGGER.warning("lobby map %s unreadable for directions: %s", map_path, exc)
        return {}


def way_to(place: str, language: str, poses: dict[str, tuple[float, float, float]]) -> str:
    """Where ``place`` is, said from the kiosk at the ``dock`` pose."""
    lang = language if language in _WAY else "vi"
    target, here = poses.get(place), poses.get("dock")
    if target is None or here is None:
        return _UNKNOWN[lang]
    dx, dy = target[0] - here[0], target[1] - here[1]
    bearing = math.atan2(dy, dx) - here[2]
    bearing = math.atan2(math.sin(bearing), math.cos(bearing))  # -pi..pi, 0 = ahead
    quarter = round(bearing / (math.pi / 2)) % 4  # 0 ahead, 1 left, 2 behind, 3 right
    side = _SIDES[lang][(0, 1, 3, 2)[quarter]]
    if is_counter_code(place):
        name = _COUNTER[lang].format(n=place.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    else:
        name = _PLACE_NAMES[lang].get(place, place)
    metres = max(1, round(math.hypot(dx, dy)))
    return _WAY[lang].format(place=name, side=side, metres=metres)


def people_ahead(number: str | None, ahead: int | None, language: str) -> str:
    """How many people are ahead of the citizen's own ticket."""
    lang = language if language in _AHEAD else "vi"
    if number is None or ahead is None:
        return _NO_TICKET[lang]
    return _AHEAD[lang].format(number=number, n=ahead)
