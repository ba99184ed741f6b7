"""`kiosk run --config FILE`: the daemon, as systemd starts it.

Exit codes: 0 after a clean shutdown; 2 when the kiosk cannot start (a config problem,
or anything else that fails while the daemon is being built: one line naming it, no
traceback); an exception while serving propagates (exit 1) so systemd restarts the
daemon. ``kiosk.service`` has ``RestartPreventExitStatus=2``: a start that failed once
fails the same way again, so it is not repeated forever.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from kiosk.prestart import load_checked_config

_LOGGER = logging.getLogger(__name__)

EXIT_CANNOT_START = 2


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk run`."""
    parser = subparsers.add_parser("run", help="run the kiosk daemon")
    parser.add_argument("--config", required=True, help="the kiosk's TOML config file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the config, then serve until SIGTERM/SIGINT."""
    config = load_checked_config(args.config)
    if config is None:
        return EXIT_CANNOT_START
    from kiosk.daemon import KioskDaemon  # devices and pygame only after the config is good

    async def serve() -> int:
        from kiosk.events import Shutdown

        try:
            daemon = KioskDaemon(config)  # opens every part the config names
        except Exception as exc:  # noqa: BLE001 - any failure to start is reported the same way
            _LOGGER.debug("start failed", exc_info=exc)
            print(
                f"{args.config}: kiosk cannot start: {type(exc).__name__}: {exc}".splitlines()[0],
                file=sys.stderr,
            )
            return EXIT_CANNOT_START
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, daemon.post, Shutdown())
        await daemon.run()
        return 0

    return asyncio.run(serve())
