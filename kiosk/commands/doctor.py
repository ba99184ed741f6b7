"""`kiosk doctor --config FILE`: check every device and central; say what to fix."""

from __future__ import annotations

import argparse
import sys

from kiosk.config import ConfigError, load_config


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk doctor`."""
    parser = subparsers.add_parser("doctor", help="check every device and central")
    parser.add_argument("--config", required=True, help="the kiosk's TOML config file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """One line per part; exit 1 when any part fails, 2 for a bad config."""
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    from kiosk.doctor import Verdict, check

    findings = check(config)
    for finding in findings:
        print(finding.line())
    return 1 if any(f.verdict is Verdict.FAIL for f in findings) else 0
