"""The `kiosk` command: run the daemon, check a config, play the demo, and the tools.

Each subcommand lives in its own module under :mod:`kiosk.commands` and registers itself
through ``add_parser``; this module only assembles them and sets up logging the way
journald reads it (one line per record, level as a syslog-style prefix).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

# pygame greets on import; the journal is no place for it.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

_COMMANDS = (
    "run", "check_config", "doctor", "demo", "flow_diagram", "config_reference", "ask", "models",
    "replay", "sim", "simulate_day", "rt_tune",
)

_SYSLOG_PREFIX = {
    logging.DEBUG: "<7>", logging.INFO: "<6>", logging.WARNING: "<4>",
    logging.ERROR: "<3>", logging.CRITICAL: "<2>",
}


class JournaldFormatter(logging.Formatter):
    """``<6>kiosk.flow: message``: journald turns the prefix into the record's priority."""

    def format(self, record: logging.LogRecord) -> str:
        prefix = _SYSLOG_PREFIX.get(record.levelno, "<6>")
        return f"{prefix}{record.name}: {super().format(record)}"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"kiosk.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"kiosk.commands.{name}":
                raise
            continue
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `kiosk` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    if sys.stderr.isatty():
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(JournaldFormatter("%(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        handlers=[handler])
    # httpx logs every request at INFO; the kiosk logs what matters about central itself.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
