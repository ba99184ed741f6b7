"""``kiosk models install LANG --from URL|FILE --sha256 HEX [--state-dir DIR]``.

Installs a vosk model archive for one language after checking its SHA-256, and prints the
folder to put in the config (``[speech.languages.LANG] model_path``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from speech.errors import ModelInstallError
from speech.model_store import UnpackLimits, install_model

_LOGGER = logging.getLogger(__name__)
DEFAULT_STATE_DIR = Path(os.environ.get("KIOSK_STATE_DIR", "/var/lib/kiosk"))


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``kiosk models``."""
    parser = subparsers.add_parser("models", help="manage speech recognition models")
    actions = parser.add_subparsers(dest="action", required=True)
    install = actions.add_parser("install", help="install a vosk model archive (zip or tar)")
    install.add_argument("lang", help="language code, e.g. vi, en, ko")
    install.add_argument("--from", dest="source", required=True, help="URL or file of the archive")
    install.add_argument(
        "--sha256", required=True, help="expected SHA-256 of the archive (64 hex digits)"
    )
    install.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="default $KIOSK_STATE_DIR or /var/lib/kiosk",
    )
    defaults = UnpackLimits()
    install.add_argument(
        "--max-size-mb",
        type=int,
        default=defaults.max_total_bytes >> 20,
        help=f"refuse archives unpacking to more (default {defaults.max_total_bytes >> 20})",
    )
    install.add_argument(
        "--max-files",
        type=int,
        default=defaults.max_files,
        help=f"refuse archives with more files (default {defaults.max_files})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Install the model; print its folder; exit 1 with the reason on failure."""
    try:
        limits = UnpackLimits(max_total_bytes=args.max_size_mb << 20, max_files=args.max_files)
        folder = install_model(args.lang, args.source, args.sha256, args.state_dir, limits=limits)
    except ModelInstallError as exc:
        print(f"kiosk models install: {exc} [{exc.code}]", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kiosk models install: {exc}", file=sys.stderr)
        return 1
    print(folder)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``models`` on its own (``python -m kiosk.commands.models``)."""
    parser = argparse.ArgumentParser(prog="kiosk")
    add_parser(parser.add_subparsers(required=True))
    args = parser.parse_args(["models", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
