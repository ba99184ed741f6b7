"""`kiosk replay TRANSCRIPT`: drive a fresh flow through a recorded day, check the states."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk replay`."""
    parser = subparsers.add_parser(
        "replay", help="replay a transcript.jsonl through a fresh flow and compare the states"
    )
    parser.add_argument("transcript", type=Path, help="the daemon's transcript.jsonl")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print a JSON report; exit 0 when every state matched, 1 when not, 2 on no file."""
    from kiosk.replay import replay

    path: Path = args.transcript
    try:
        with path.open(encoding="utf-8") as lines:
            report = replay(lines)
    except OSError as exc:
        print(f"kiosk replay: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    print(
        json.dumps(
            {
                "transcript": str(path),
                "runs": report.runs,
                "events": report.events,
                "same_states": report.ok,
                "mismatches": report.mismatches,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0 if report.ok else 1
