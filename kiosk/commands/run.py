"""`kiosk run --config FILE`: the daemon, as systemd starts it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from kiosk.config import load_config_or_report

_LOGGER = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `kiosk run`."""
    parser = subparsers.add_parser("run", help="run the kiosk daemon")
    parser.add_argument("--config", required=True, help="the kiosk's TOML config file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the config, then serve until SIGTERM/SIGINT."""
    config = load_config_or_report(args.config)
    if config is None:
        return 2
    from kiosk.daemon import KioskDaemon  # devices and pygame only after the config is good

    async def serve() -> None:
        from kiosk.events import Shutdown

        daemon = KioskDaemon(config)  # opens every part the config names
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, daemon.post, Shutdown())
        await daemon.run()

    asyncio.run(serve())
    return 0
