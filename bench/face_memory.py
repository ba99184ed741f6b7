"""Resident memory of the running kiosk daemon with dossier lookup by face on and off.

Each variant runs in its own process, as ``kiosk demo`` runs it: the sim config, central
embedded on a loopback port, the 1280x720 sim camera, voice as configured. The daemon is
started, left to come up (with faces on: the models loaded and the face button offered),
then, with faces on, a citizen enrols after a code lookup and looks up by face 8 times (the
sim camera shows ../shared/faces), so the figure includes the capture's frames and the
encoder's working memory, not only the loaded models. It reports VmRSS when ready, after
the journeys, and the peak (VmHWM), in MB, and prints JSON::

    python bench/face_memory.py            # both variants, side by side
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_LOGGER = logging.getLogger(__name__)


def _status(field: str) -> float:
    text = Path("/proc/self/status").read_text()
    found = re.search(rf"{field}:\s+(\d+)", text)
    return round(int(found.group(1)) / 1024, 1) if found else 0.0


async def _journeys(
    daemon: Any, central_url: str, counter_token: str, lookups: int = 8
) -> dict[str, Any]:
    """Enrol once and look up by face ``lookups`` times through the daemon's face desk
    (the RSS after each tells a one-off allocation from a leak)."""
    import httpx

    from drivers.camera.photos import load_photo, place
    from drivers.camera.sim import SimCamera
    from kiosk.demo_faces import CODE, FACES, YEAR
    from kiosk.faces.liveness import Turn

    camera = daemon.camera
    assert isinstance(camera, SimCamera)
    async with httpx.AsyncClient(
        base_url=central_url, headers={"Authorization": f"Bearer {counter_token}"}
    ) as http:
        body = {
            "code": CODE,
            "applicant_name": "Trần Thị Bình",
            "received_on": "2026-11-20",
            "birth_year": int(YEAR),
        }
        await http.post("/api/v1/dossiers", json=body)
    desk = daemon.faces.feature.desk
    straight = place(load_photo(FACES / "obama_1.jpg"), 1280, 720)
    turned = place(load_photo(FACES / "obama_2.jpg"), 1280, 720)

    def turn_when_asked(stage: str, _problem: Any) -> None:
        camera.held_up = turned if stage == "turn" else straight

    camera.held_up = straight
    outcomes = [(await desk.enrol([CODE], YEAR, "vi:2026-11", Turn.RIGHT, turn_when_asked)).status]
    rss = [_status("VmRSS")]
    for _ in range(lookups):
        camera.held_up = straight
        outcomes.append((await desk.lookup(YEAR, Turn.RIGHT, turn_when_asked)).status)
        rss.append(_status("VmRSS"))
    camera.held_up = None
    return {"outcomes": sorted(set(outcomes)), "journeys": len(outcomes), "rss_after_each_mb": rss}


async def _child_main(faces: bool, lookups: int) -> dict[str, Any]:
    from kiosk import demo_faces
    from kiosk.config import load_config
    from kiosk.daemon import KioskDaemon
    from kiosk.embedded_central import EmbeddedCentral
    from kiosk.events import Shutdown
    from kiosk.wiring import open_parts

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        central = EmbeddedCentral(ROOT / "config" / "central.sim.toml", out / "central.sqlite3")
        overrides = demo_faces.setup(central, out) if faces else {}
        unlimited = central.settings.faces.model_copy(update={"lookups_per_minute": 1000})
        central.settings = central.settings.model_copy(update={"faces": unlimited})
        overrides = {**overrides, "devices.camera": demo_faces.CAMERA}
        central.start()
        try:
            config = load_config(
                ROOT / "config" / "kiosk.sim.toml",
                overrides={
                    **overrides,
                    "central.url": central.url,
                    "kiosk.state_dir": str(out / "state"),
                    "tickets.preview_dir": None,
                    "screen.fullscreen": False,
                    "faces.enabled": faces,
                },
            )
            daemon = KioskDaemon(config, open_parts(config))
            serving = asyncio.ensure_future(daemon.run())
            deadline = time.monotonic() + 120
            while not daemon.catalogue.services or (
                faces and (daemon.faces is None or not daemon.faces.button)
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError("the daemon did not come up")
                await asyncio.sleep(0.1)
            await asyncio.sleep(2.0)  # background starts (voice warm-up, first sync) settle
            result: dict[str, Any] = {"faces": faces, "ready_rss_mb": _status("VmRSS")}
            if faces:
                counter = central.settings.counters[0].token
                result.update(await _journeys(daemon, central.url, counter, lookups))
            result["after_rss_mb"] = _status("VmRSS")
            result["peak_rss_mb"] = _status("VmHWM")
            daemon.post(Shutdown())
            await serving
        finally:
            central.stop()
    return result


def _variant(faces: bool, lookups: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", "on" if faces else "off", "--lookups", str(lookups)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"variant faces={faces} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Run both variants (or one, as the child) and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("on", "off"), help=argparse.SUPPRESS)
    parser.add_argument("--lookups", type=int, default=8, help="lookups by face after enrolling")
    args = parser.parse_args()
    if args.child:
        logging.basicConfig(level=logging.WARNING)
        print(json.dumps(asyncio.run(_child_main(args.child == "on", args.lookups))))
        return
    off, on = _variant(False, args.lookups), _variant(True, args.lookups)
    print(
        json.dumps(
            {
                "bench": "face_memory",
                "date": time.strftime("%Y-%m-%d"),
                "faces_off": off,
                "faces_on": on,
                "ready_delta_mb": round(on["ready_rss_mb"] - off["ready_rss_mb"], 1),
                "peak_delta_mb": round(on["peak_rss_mb"] - off["peak_rss_mb"], 1),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
