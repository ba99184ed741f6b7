"""`kiosk simulate-day`: a working day (or a long soak) on the real daemon and central."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk simulate-day`."""
    parser = subparsers.add_parser(
        "simulate-day", help="a simulated working day with faults; writes an HTML report"
    )
    parser.add_argument("--citizens", type=int, default=2000, help="citizens in the day")
    parser.add_argument(
        "--speedup",
        type=float,
        default=60.0,
        help="simulated seconds per wall-clock second (human time only)",
    )
    parser.add_argument(
        "--soak-hours",
        type=float,
        default=None,
        metavar="H",
        help="instead of a day: H simulated hours of steady traffic, then print "
        "memory growth after warm-up and stale state as JSON",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of arrivals and citizens")
    parser.add_argument(
        "--no-voice", action="store_true", help="voice citizens use touch (no microphone, less CPU)"
    )
    parser.add_argument("--no-faults", action="store_true", help="a day without faults")
    parser.add_argument("--out", default="simday-out", help="folder for the report")
    parser.add_argument("--config", default=str(ROOT / "config" / "kiosk.sim.toml"))
    parser.add_argument("--central-config", default=str(ROOT / "config" / "central.sim.toml"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the day (or the soak)."""
    from kiosk.simday.run import run_simulate_day

    return run_simulate_day(args)
