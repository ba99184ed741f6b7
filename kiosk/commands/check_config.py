"""`kiosk check-config FILE`: the start-up validation, without starting anything.

The same checks as ``kiosk run`` makes before it opens a device (:mod:`kiosk.prestart`):
a config that passes here starts.
"""

from __future__ import annotations

import argparse

from kiosk.prestart import load_checked_config


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk check-config`."""
    parser = subparsers.add_parser("check-config", help="validate a kiosk config file")
    parser.add_argument("file", help="the TOML file to check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per problem and exit 2, or say it is fine and exit 0."""
    if load_checked_config(args.file, notes=True) is None:
        return 2
    print(f"{args.file}: ok")
    return 0
