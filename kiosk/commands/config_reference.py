"""`kiosk config-reference`: print the config keys and their meaning as Markdown."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk config-reference`."""
    parser = subparsers.add_parser("config-reference", help="print every config key as Markdown")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the reference."""
    from kiosk.config_reference import markdown_reference

    print(markdown_reference())
    return 0
