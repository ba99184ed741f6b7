"""Procedure search: quality on citizens' queries, and speed on a 2,000-procedure catalogue.

Quality: ``bench/data/procedure_queries.yaml`` (queries written as citizens type them,
with and without tone marks, raw Telex, typos; part held out from tuning) against the
sample catalogue: top-1 and top-3 per language. Speed: the sample plus generated
procedures up to 2,000 (names built like the national database's), p50/p95 per query.

    PYTHONPATH=. python bench/procedure_search.py      # prints JSON
"""

from __future__ import annotations

import itertools
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from kiosk.procedures.model import ProcedureInfo, read_file
from kiosk.procedures.search import ProcedureIndex

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "bench" / "data" / "procedure_queries.yaml"
SAMPLE = ROOT / "config" / "procedures.yaml"

_VERBS = [
    ("Cấp", "Issue", "발급"),
    ("Cấp lại", "Reissue", "재발급"),
    ("Gia hạn", "Extend", "연장"),
    ("Điều chỉnh", "Amend", "변경"),
    ("Đăng ký", "Register", "등록"),
    ("Xác nhận", "Certify", "확인"),
    ("Thu hồi", "Revoke", "취소"),
    ("Chấm dứt", "Terminate", "종료"),
]
_OBJECTS = [
    ("giấy phép kinh doanh rượu", "alcohol trading licence", "주류 판매 허가"),
    ("chứng chỉ hành nghề dược", "pharmacy practice certificate", "약사 자격증"),
    ("giấy phép khai thác nước mặt", "surface water licence", "지표수 사용 허가"),
    ("giấy chứng nhận an toàn thực phẩm", "food safety certificate", "식품 안전 인증서"),
    ("biển hiệu quảng cáo", "advertising sign", "광고 간판"),
    ("giấy phép lái tàu", "boat licence", "선박 면허"),
    ("hợp tác xã nông nghiệp", "agricultural cooperative", "농업 협동조합"),
    ("cơ sở giáo dục mầm non", "kindergarten", "유치원"),
    ("giấy phép thành lập thư viện", "library licence", "도서관 설립 허가"),
    ("chứng nhận nguồn gốc gỗ", "timber origin certificate", "목재 원산지 증명"),
    ("phòng khám tư nhân", "private clinic", "개인 병원"),
    ("giấy phép biểu diễn nghệ thuật", "performance permit", "공연 허가"),
    ("con dấu doanh nghiệp", "company seal", "회사 인감"),
    ("trang trại chăn nuôi", "livestock farm", "축산 농장"),
    ("giấy phép vận tải hành khách", "passenger transport licence", "여객 운송 허가"),
    ("đại lý xăng dầu", "fuel agency", "주유소 대리점"),
    ("cơ sở lưu trú du lịch", "tourist accommodation", "관광 숙박 시설"),
    ("giấy phép hoạt động điện lực", "electricity licence", "전력 사업 허가"),
    ("chứng chỉ quy hoạch", "planning certificate", "도시 계획 증명"),
    ("hội nghề nghiệp", "professional association", "직업 협회"),
]
_FOR = [
    ("cho cá nhân", "for individuals", "개인"),
    ("cho doanh nghiệp", "for companies", "기업"),
    ("cấp tỉnh", "provincial level", "성급"),
    ("cấp xã", "commune level", "읍면급"),
    ("có yếu tố nước ngoài", "with a foreign element", "외국인 관련"),
    ("trong khu công nghiệp", "in industrial zones", "산업단지 내"),
]


def big_catalogue(sample: list[ProcedureInfo], size: int) -> list[ProcedureInfo]:
    """The sample plus generated procedures up to ``size``."""
    out = list(sample)
    template = sample[0]
    combos = itertools.product(_VERBS, _OBJECTS, _FOR, range(3))
    for n, (verb, obj, who, variant) in enumerate(combos):
        if len(out) >= size:
            break
        names = {
            lang: f"{verb[i]} {obj[i]} {who[i]}" + (f" ({variant + 1})" if variant else "")
            for i, lang in enumerate(("vi", "en", "ko"))
        }
        synonyms = {
            lang: [f"{verb[i]} {obj[i]}", obj[i]] for i, lang in enumerate(("vi", "en", "ko"))
        }
        out.append(
            template.model_copy(update={"code": f"gen-{n}", "name": names, "synonyms": synonyms})
        )
    return out


def quality(index: ProcedureIndex, cases: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Top-1/top-3 per language, tuned and held-out queries apart; misses listed."""
    report: dict[str, Any] = {}
    for lang, items in cases.items():
        for part, chosen in (
            ("tuned", [c for c in items if not c.get("held_out")]),
            ("held_out", [c for c in items if c.get("held_out")]),
        ):
            top1 = top3 = 0
            misses = []
            for case in chosen:
                codes = [h.code for h in index.search(case["q"], limit=3)]
                top1 += bool(codes) and codes[0] == case["expect"]
                top3 += case["expect"] in codes
                if not codes or codes[0] != case["expect"]:
                    misses.append(f"{case['q']} -> {codes[:1]}")
            report[f"{lang}.{part}"] = {
                "queries": len(chosen),
                "top1": round(top1 / len(chosen), 3),
                "top3": round(top3 / len(chosen), 3),
                "misses": misses,
            }
    return report


def speed(size: int, queries: list[str]) -> dict[str, Any]:
    """Build time and per-query latency on a catalogue of ``size`` procedures."""
    procs = big_catalogue(read_file(SAMPLE), size)
    start = time.perf_counter()
    index = ProcedureIndex(procs)
    build_ms = (time.perf_counter() - start) * 1000
    timings = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, limit=3)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "procedures": len(procs),
        "build_ms": round(build_ms, 1),
        "queries": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max_ms": round(timings[-1], 2),
    }


def main() -> None:
    """Print the JSON report."""
    cases = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    index = ProcedureIndex(read_file(SAMPLE))
    all_queries = [c["q"] for items in cases.values() for c in items]
    random.Random(8).shuffle(all_queries)
    print(
        json.dumps(
            {
                "benchmark": "procedure_search",
                "quality": quality(index, cases),
                "speed_2000": speed(2000, all_queries * 2),
            },
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
