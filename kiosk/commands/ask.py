"""``kiosk ask --lang vi "tôi muốn làm hộ chiếu"``: print the recognised intent as JSON.

For technicians tuning the catalogue's synonyms. It loads no recognition model (no vosk
import), so it answers at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from speech.catalogue import DEFAULT_CATALOGUE, load_catalogue
from speech.errors import CatalogueError
from speech.intents import IntentParser

_LOGGER = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``kiosk ask``."""
    parser = subparsers.add_parser("ask", help="print the intent recognised in a sentence (JSON)")
    parser.add_argument("text", help="what the citizen said, as the recogniser would return it")
    parser.add_argument("--lang", default="vi", help="language code (vi, en, ko); default vi")
    parser.add_argument(
        "--catalogue", type=Path, default=DEFAULT_CATALOGUE, help="service catalogue TOML"
    )
    parser.add_argument(
        "--cutoff", type=float, default=80.0, help="snap cut-off 50..100 (default 80)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Parse ``args.text`` and print the intent; exit 2 on a bad catalogue or cut-off."""
    if not 50.0 <= args.cutoff <= 100.0:
        print(f"kiosk ask: --cutoff {args.cutoff} is outside 50..100", file=sys.stderr)
        return 2
    try:
        catalogue = load_catalogue(args.catalogue)
    except CatalogueError as exc:
        print(f"kiosk ask: {exc}", file=sys.stderr)
        return 2
    intent = IntentParser(catalogue, cutoff=args.cutoff).parse(args.text, args.lang)
    print(json.dumps(intent.as_json(), ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``ask`` on its own (``python -m kiosk.commands.ask``), before the lead's CLI wires it."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_parser(parser.add_subparsers(required=True))
    args = parser.parse_args(["ask", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
