"""`kiosk check-config FILE`: the start-up validation, without starting anything."""

from __future__ import annotations

import argparse
import sys

from kiosk.config import ConfigError, load_config


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk check-config`."""
    parser = subparsers.add_parser("check-config", help="validate a kiosk config file")
    parser.add_argument("file", help="the TOML file to check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per problem and exit 2, or say it is fine and exit 0."""
    try:
        load_config(args.file)
    except ConfigError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
    print(f"{args.file}: ok")
    return 0
