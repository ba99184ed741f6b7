"""`kiosk demo`: the daemon on simulated devices with the central server embedded."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk demo`."""
    parser = subparsers.add_parser("demo", help="run the kiosk on simulated hardware")
    parser.add_argument("--headless", action="store_true",
                        help="no window: play scripted citizens and write what happened")
    parser.add_argument("--citizens", type=int, default=20, help="scripted citizens (headless)")
    parser.add_argument("--out", default="demo-out", help="folder for tickets, screens, transcript")
    parser.add_argument("--screenshots", metavar="DIR", default=None,
                        help="tap through every screen in every language and save PNGs in DIR")
    parser.add_argument("--config", default=str(ROOT / "config" / "kiosk.sim.toml"))
    parser.add_argument("--central-config", default=str(ROOT / "config" / "central.sim.toml"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start the demo."""
    from kiosk.demo import run_demo

    return run_demo(args)
