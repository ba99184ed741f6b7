"""`kiosk doctor --config FILE`: check every device and central; say what to fix."""

from __future__ import annotations

import argparse

from kiosk.config import load_config_or_report


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk doctor`."""
    parser = subparsers.add_parser("doctor", help="check every device and central")
    parser.add_argument("--config", required=True, help="the kiosk's TOML config file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """One line per part; exit 1 when any part fails, 2 for a bad config."""
    config = load_config_or_report(args.config)
    if config is None:
        return 2
    from kiosk.doctor import Verdict, check

    findings = check(config)
    for finding in findings:
        print(finding.line())
    return 1 if any(f.verdict is Verdict.FAIL for f in findings) else 0
