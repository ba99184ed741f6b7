"""Command line of the central server: ``central serve | init-db | check-config | openapi``.

Exit codes: 0 ok; 2 cannot start and restarting will not help (a bad config, a database
URL central cannot use, any other failure while the app is built: one line on stderr, no
traceback); 3 the database does not answer (it may come up: systemd restarts on 3 but not
on 2, ``RestartPreventExitStatus=2`` in ``central.service``). ``check-config`` checks the
database the same way ``serve`` does before it binds its port.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from central import cli_catalogue
from central.errors import ConfigError
from central.preflight import PreflightError, preflight
from central.procedures import CatalogueError
from central.settings import CentralSettings, load_settings

_LOGGER = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_DATABASE = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="central", description="Central queue server")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--config", required=True, help="settings TOML file")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (more than 1 needs PostgreSQL; see central/workers.py)",
    )
    for name, text in (
        ("init-db", "create the database schema"),
        ("check-config", "validate a settings file"),
    ):
        sub.add_parser(name, help=text).add_argument("--config", required=True)
    key = sub.add_parser("faces-key", help="write a new random key for face templates")
    key.add_argument("file", help="key file to create (refuses to overwrite one)")
    cli_catalogue.add_parser(sub)
    openapi = sub.add_parser("openapi", help="print the OpenAPI schema as JSON")
    openapi.add_argument("--config", help="settings TOML (default: a built-in minimal centre)")
    return parser


def _minimal_settings() -> CentralSettings:
    return CentralSettings.model_validate(
        {
            "database_url": "sqlite://",
            "services": [{"code": "tu-phap", "prefix": "A", "names": {"vi": "Tư pháp"}}],
            "counters": [
                {"code": "Q1", "name": "Quầy 1", "services": ["tu-phap"], "token": "x" * 16}
            ],
        }
    )


def _serve(settings: CentralSettings, host: str, port: int, workers: int, config: str) -> None:
    import os

    import uvicorn

    from central.app import create_app

    if workers > 1:
        from central.db import create_schema, make_engine
        from central.workers import CONFIG_ENV

        engine = make_engine(settings.database_url)
        create_schema(engine)  # once, before the workers race to create it
        engine.dispose()
        os.environ[CONFIG_ENV] = os.path.abspath(config)
        uvicorn.run(
            "central.workers:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            loop="auto",
            http="auto",
            log_level="warning",
            timeout_keep_alive=30,
        )
        return

    app = create_app(settings)
    # everything loaded so far lives for the whole process: keep it out of the garbage
    # collector's full passes, which otherwise scan it all and show up as latency spikes
    gc.collect()
    gc.freeze()
    # uvloop/httptools when installed (uvicorn picks them with "auto"): faster ticket path
    uvicorn.run(
        app,
        host=host,
        port=port,
        loop="auto",
        http="auto",
        log_level="warning",
        timeout_keep_alive=30,
        # open display pages (server-sent events) never end by themselves: stop waiting
        timeout_graceful_shutdown=3,
    )


def _faces_key(file: str) -> int:
    """A new key, readable by its owner only; an existing file is never overwritten (a
    lost key makes every face template unreadable)."""
    import os

    from central.face_vault import new_key

    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        print(f"{file}: cannot create: {exc.strerror}", file=sys.stderr)
        return EXIT_CONFIG
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(new_key() + "\n")
    print(f"{file}: new face key written; set [faces] key_file = {file!r}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``central`` console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.command == "faces-key":
        return _faces_key(args.file)
    try:
        settings = load_settings(args.config) if args.config else _minimal_settings()
    except ConfigError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "serve":
        from central.workers import refusal

        if not 1 <= args.workers <= 64:
            print(f"central serve: --workers {args.workers} is outside 1..64", file=sys.stderr)
            return EXIT_CONFIG
        refused = refusal(settings.database_url, args.workers)
        if refused is not None:
            print(f"{args.config}: {refused}", file=sys.stderr)
            return EXIT_CONFIG
    if args.command in ("serve", "check-config", "init-db"):
        try:
            preflight(settings)
        except PreflightError as exc:
            print(f"{args.config}: {exc}", file=sys.stderr)
            return EXIT_DATABASE if exc.transient else EXIT_CONFIG
    try:
        if args.command == "serve":
            _serve(settings, args.host, args.port, args.workers, args.config)
        elif args.command == "init-db":
            from central.db import create_schema, make_engine

            create_schema(make_engine(settings.database_url))
        elif args.command == "check-config":
            if settings.procedures_file:
                from central.procedure_store import known_codes
                from central.procedures import read_catalogue_file

                read_catalogue_file(Path(settings.procedures_file), **known_codes(settings))
            print(f"{args.config}: ok")
        elif args.command == "catalogue":
            return cli_catalogue.run(args, settings)
        elif args.command == "openapi":
            from central.app import create_app

            # the schema does not depend on the data: never touch the real database for it
            offline = settings.model_copy(update={"database_url": "sqlite://"})
            print(json.dumps(create_app(offline).openapi(), ensure_ascii=False, indent=2))
    except CatalogueError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_CONFIG
    except SQLAlchemyError as exc:
        print(
            f"{args.config}: database_url: cannot use the database: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}",
            file=sys.stderr,
        )
        return EXIT_DATABASE
    except Exception as exc:  # noqa: BLE001 - a failed start is one line, not a traceback
        _LOGGER.debug("start failed", exc_info=exc)
        first = f"{type(exc).__name__}: {exc}".splitlines()[0]
        print(f"{args.config}: central cannot start: {first}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
