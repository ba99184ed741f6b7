"""``central catalogue import FILE`` and ``central catalogue export FILE``.

Import reads a spreadsheet (.xlsx, .csv) or a catalogue file (.yaml, .json), checks it
against the centre's services and counters and replaces the catalogue in central's
database in one transaction: every kiosk sees the new version (a new ETag) on its next
poll. A file with any bad row changes nothing and prints one line per problem.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from central.catalogue_io import export_file, import_file
from central.db import create_schema, make_engine
from central.procedure_store import known_codes, read_stored, replace_catalogue, seed
from central.procedures import CatalogueError, Procedure
from central.settings import CentralSettings
from central.store import Store

_LOGGER = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``central catalogue import|export``."""
    parser = sub.add_parser("catalogue", help="import or export the procedure catalogue")
    actions = parser.add_subparsers(dest="action", required=True)
    for name, text in (
        ("import", "replace the catalogue with FILE (.xlsx, .csv, .yaml, .json)"),
        ("export", "write the catalogue to FILE (.xlsx, .csv, .yaml)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("file", type=Path)
        action.add_argument("--config", required=True, help="settings TOML file")


def run(args: argparse.Namespace, settings: CentralSettings) -> int:
    """Run the action; 0 ok, 2 bad file (problems on stderr)."""
    engine = make_engine(settings.database_url)
    create_schema(engine)
    store = Store(engine, sqlite_in_event_loop=False)
    from central.catalogue import Catalogue, to_micros

    now_us = to_micros(Catalogue(settings).now())
    try:
        store.run_sync(lambda conn: seed(conn, settings, now_us))
        if args.action == "import":
            try:
                procedures = import_file(args.file, **known_codes(settings))
            except CatalogueError as exc:
                for line in exc.problems:
                    print(line, file=sys.stderr)
                print(f"{args.file}: nothing imported", file=sys.stderr)
                return 2
            etag = store.run_sync(lambda conn: replace_catalogue(conn, procedures, now_us))
            print(f"{args.file}: imported {len(procedures)} procedures (etag {etag})")
            return 0
        stored = store.run_sync(read_stored, read_only=True)
        procedures = [Procedure.model_validate(p) for p in stored.procedures.values()]
        try:
            export_file(procedures, args.file)
        except CatalogueError as exc:
            print(exc.problems[0], file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"{args.file}: cannot write: {exc.strerror}", file=sys.stderr)
            return 2
        print(f"{args.file}: exported {len(procedures)} procedures")
        return 0
    finally:
        store.close()
