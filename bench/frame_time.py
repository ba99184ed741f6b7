"""Frame time of the touchscreen at 1080x1920, and touch-to-next-frame latency.

* attract: the animated attract screen (rotating greeting, pulse), one ``tick`` per frame
  as the daemon's 60 Hz pump calls it;
* paging: turning pages of a 32-service list, each a full ``show`` of the next page (the
  frame the citizen sees after pressing "next page");
* touch: a real pygame mouse press through hit-testing, the daemon's flow (central
  in-process) and the full redraw of the next screen; plus the same with the daemon's
  screen poll interval (what a finger waits at worst is one poll more).

Prints one JSON object. Run: ``python bench/frame_time.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import pygame  # noqa: E402

from central.app import create_app  # noqa: E402
from central.settings import load_settings  # noqa: E402
from drivers.printer.sim import SimPrinter  # noqa: E402
from kiosk.config import load_config  # noqa: E402
from kiosk.daemon import SCREEN_POLL_S, KioskDaemon  # noqa: E402
from kiosk.screen.model import ScreenModel, ServiceButton  # noqa: E402
from kiosk.screen.touchscreen import TouchScreen  # noqa: E402
from kiosk.wiring import open_parts  # noqa: E402

FRAMES = 600


def _stats(samples_s: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples_s)
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 3),
            "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 3),
            "max_ms": round(ms[-1], 3)}


def bench_screen() -> dict[str, dict[str, float]]:
    screen = TouchScreen(1080, 1920, fullscreen=False, post=lambda e: None, dpi=102)
    languages = ("vi", "en", "ko")
    base = dict(language="vi", languages=languages,
                centre_name="Trung tâm Phục vụ hành chính công phường Bến Thành")
    screen.show(ScreenModel(state="idle", **base))  # type: ignore[arg-type]
    attract = []
    now = time.monotonic()
    for i in range(FRAMES):
        started = time.perf_counter()
        screen.tick(now + i / 60)
        attract.append(time.perf_counter() - started)
    names = ["Tư pháp (lý lịch tư pháp, chứng thực)", "Giao thông vận tải (đổi giấy phép lái xe)",
             "Xuất nhập cảnh (hộ chiếu)", "Đất đai", "Xây dựng", "Đăng ký kinh doanh",
             "Lao động - Thương binh và Xã hội", "Bưu chính"]
    services = tuple(ServiceButton(f"s{i}", f"{names[i % 8]} {i // 8 + 1}") for i in range(32))
    paging = []
    for i in range(FRAMES // 4):
        model = ScreenModel(state="choose_service", services=services, page=i % 3,
                            **base)  # type: ignore[arg-type]
        started = time.perf_counter()
        screen.show(model)
        paging.append(time.perf_counter() - started)
    screen.close()
    return {"attract_frame": _stats(attract), "paging_frame": _stats(paging[3:])}


async def bench_touch(tmp: Path) -> dict[str, dict[str, float]]:
    settings = load_settings(ROOT / "config" / "central.sim.toml").model_copy(
        update={"database_url": f"sqlite:///{tmp / 'central.sqlite3'}"})
    config = load_config(ROOT / "config" / "kiosk.sim.toml", overrides={
        "central.url": "http://central", "kiosk.state_dir": str(tmp / "kiosk"),
        "tickets.preview_dir": None, "devices.base": "none://", "screen.fullscreen": False,
    })
    transport = httpx.ASGITransport(app=create_app(settings))
    daemon = KioskDaemon(config, open_parts(config, transport=transport, printer=SimPrinter()))
    await daemon.desk.refresh_services()
    daemon.render(daemon.flow.current_state_id, daemon.flow.visit)
    # the menu (the fields), the priority screen, back, the menu in large text and back
    route = [("start", None), ("ask_priority", None), ("back", None), ("large_text", None),
             ("large_text", None), ("back", None)]
    direct, polled, cold = [], [], []
    for lap in range(41):
        for target, value in route:
            if not daemon.screen.tap(target, value):
                continue
            started = time.perf_counter()
            daemon.screen.pump()  # hit-testing posts the Touch
            event = daemon.inbox.queue.get_nowait()
            daemon.handle(event)  # the flow decides, the next screen is drawn and flipped
            took = time.perf_counter() - started
            if lap == 0:  # first visit of each screen: fonts and text layouts not cached yet
                cold.append(took)
                continue
            direct.append(took)
            # a finger lands at a random moment of the daemon's poll period
            polled.append(took + SCREEN_POLL_S / 2)
    await daemon.close()
    return {"touch_to_next_frame": _stats(direct),
            "touch_to_next_frame_first_visit": _stats(cold),
            "touch_to_next_frame_with_poll_mean_wait": _stats(polled)}


def main() -> None:
    """Run the benchmarks and print JSON."""
    pygame.init()
    result: dict[str, object] = {"resolution": "1080x1920"}
    result.update(bench_screen())
    with tempfile.TemporaryDirectory() as tmp:
        result.update(asyncio.run(bench_touch(Path(tmp))))
    result["target_p99_ms"] = 8.0
    print(json.dumps(result))


if __name__ == "__main__":
    main()
