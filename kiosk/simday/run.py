"""Entry point of ``kiosk simulate-day``: sets up central, the kiosk's config and the plan,
runs the day (or the soak), writes the report; exit 0 only when every citizen who came for
a number left with one and central holds every ticket the kiosk issued.

SIGTERM or SIGINT stops the run cleanly (:mod:`kiosk.simday.stop`): the report of the part
that ran is written, marked as stopped early, and the exit status is 128 + the signal.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from kiosk.config import load_config
from kiosk.demo import _demo_voice
from kiosk.embedded_central import EmbeddedCentral
from kiosk.simday import plan as day_plan
from kiosk.simday.day import Day
from kiosk.simday.plan import clock_label
from kiosk.simday.report import summarise, write_report
from kiosk.simday.stop import StopRequest, run_day

_LOGGER = logging.getLogger(__name__)


def run_simulate_day(args: Any) -> int:
    """Run a day (``--citizens``, ``--speedup``) or a soak (``--soak-hours``)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    stop = StopRequest()
    stop.install()
    try:
        code = _run(args, stop)
    finally:
        stop.restore()
    if stop.stopped_day:
        print(
            f"simulate-day: stopped early by {stop.name}; partial report in {Path(args.out)}",
            file=sys.stderr,
        )
        return stop.exit_code
    return code


def _run(args: Any, stop: StopRequest) -> int:
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    central = EmbeddedCentral(Path(args.central_config), out / "central.sqlite3")
    central.start()
    overrides: dict[str, Any] = {
        "central.url": central.url,
        "kiosk.state_dir": str(out / "state"),
        "tickets.preview_dir": None,  # thousands of ticket images are not the point here
        "screen.fullscreen": False,
    }
    soak = args.soak_hours is not None
    if not args.no_voice and not soak:
        overrides.update(_demo_voice(out))
    config = load_config(args.config, overrides=overrides)
    services = [s.code for s in central.settings.services]
    try:
        if soak:
            from kiosk.simday.soak import run_soak

            result = asyncio.run(run_soak(config, central, out, args, stop))
            print(json.dumps(result, ensure_ascii=False))
            return 0 if result["ok"] else 1
        citizens = day_plan.arrivals(
            args.citizens, services, list(config.kiosk.languages), seed=args.seed
        )
        if args.no_voice:
            citizens = [
                a
                if a.kind is not day_plan.Kind.VOICE
                else day_plan.Arrival(a.index, a.at_s, day_plan.Kind.TOUCH, a.language, a.service)
                for a in citizens
            ]
        faults = [] if args.no_faults else day_plan.faults()
        day = Day(config, central, out, args.speedup)
        log = asyncio.run(run_day(day, stop, citizens, faults))
        summary = summarise(log, central, config.central.token)
        write_report(log, summary, out)
    finally:
        central.stop()
    if log.stopped is not None:
        _LOGGER.warning(
            "simulate-day: stopped at %s (simulated) after %d of %d citizens; "
            "report of the part that ran: %s",
            clock_label(log.stopped.get("at_s", 0)),
            summary["citizens"],
            summary["citizens_planned"],
            out / "report.html",
        )
    print(
        json.dumps(
            {k: v for k, v in summary.items() if k not in ("faults", "stuck")}, ensure_ascii=False
        )
    )
    return 0 if summary["ok"] else 1
