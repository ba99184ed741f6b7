"""Benchmark: render a ticket and encode it to ESC/POS, fast and slow link, 80 and 58 mm.

Prints one JSON object: for each width (576, 384 dots) and link (fast = one raster,
slow = native number/QR with only the diacritic lines rasterised), p50/p95 in ms of
render + build job, of ESC/POS encoding, the byte size, and the seconds those bytes take
on a 19200 and a 115200 baud serial line (10 bits per byte).

Run: ``python bench/ticket_render.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drivers.printer.encoder import encode_job  # noqa: E402
from kiosk.tickets.render import TicketLabels, TicketView, build_print_job  # noqa: E402


def _view() -> TicketView:
    return TicketView(
        centre_name="Trung tâm Phục vụ hành chính công phường Bến Thành",
        number="A012",
        service_name="Tư pháp - Lý lịch tư pháp",
        counters=("Quầy 3", "Quầy 4"),
        people_ahead=5,
        estimated_wait_min=25,
        issued_at=datetime(2026, 11, 23, 8, 1, tzinfo=timezone(timedelta(hours=7))),
        status_url="https://hcc.example.vn/t/8f3a2c1d",
        language="vi",
        offline=False,
        priority_label="Người cao tuổi",
        labels=TicketLabels.for_language("vi"),
    )


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def main() -> None:
    """Run the benchmark and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    view = _view()
    build_print_job(view, 576, slow_link=False)  # load fonts and python-escpos once
    results: dict[str, object] = {"rounds": args.rounds}
    for width in (576, 384):
        for slow in (False, True):
            render_ms: list[float] = []
            encode_ms: list[float] = []
            size = 0
            for i in range(args.rounds):
                # every ticket differs as a day's do (number, queue, time, QR); the centre
                # name, captions and service names repeat and come from the strip cache
                ticket = dataclasses.replace(
                    view, number=f"A{100 + i:03d}", people_ahead=i % 30,
                    estimated_wait_min=(i % 30) * 6, status_url=f"{view.status_url}{i:04d}",
                    issued_at=view.issued_at + timedelta(minutes=i))
                start = time.perf_counter()
                job = build_print_job(ticket, width, slow_link=slow)
                middle = time.perf_counter()
                data = encode_job(job, profile=None, width_px=width)
                end = time.perf_counter()
                render_ms.append((middle - start) * 1000)
                encode_ms.append((end - middle) * 1000)
                size = len(data)
            results[f"{width}px_{'slow' if slow else 'fast'}"] = {
                "render": _percentiles(render_ms),
                "encode": _percentiles(encode_ms),
                "bytes": size,
                "serial_19200_s": round(size * 10 / 19200, 2),
                "serial_115200_s": round(size * 10 / 115200, 2),
            }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
