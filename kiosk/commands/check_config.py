"""`kiosk check-config FILE`: the start-up validation, without starting anything."""

from __future__ import annotations

import argparse

from kiosk.config import load_config_or_report


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk check-config`."""
    parser = subparsers.add_parser("check-config", help="validate a kiosk config file")
    parser.add_argument("file", help="the TOML file to check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per problem and exit 2, or say it is fine and exit 0."""
    if load_config_or_report(args.file) is None:
        return 2
    print(f"{args.file}: ok")
    return 0
