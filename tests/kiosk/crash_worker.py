"""A kiosk process for the crash test: recover, then issue tickets until the journal holds N.

Run as ``python crash_worker.py CENTRAL_URL STATE_DIR N``. The test kills it with SIGKILL
at random moments and starts it again; each start first replays what the last one left.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from drivers.printer import open_printer
from kiosk.tickets.breaker import CircuitBreaker
from kiosk.tickets.catalogue import ServiceCatalogue
from kiosk.tickets.client import CentralClient
from kiosk.tickets.desk import DeskSettings, TicketDesk
from kiosk.tickets.journal import TicketJournal

SERVICES = ("tu-phap", "giao-thong-van-tai", "xuat-nhap-canh")


async def main(url: str, state: Path, total: int) -> None:
    state.mkdir(parents=True, exist_ok=True)
    desk = TicketDesk(
        settings=DeskSettings(
            kiosk_id="K1",
            centre_name="Crash test",
            offline_prefix="K1",
            budget_s=0.8,
            public_url=url,
        ),
        journal=TicketJournal(state / "journal.sqlite3"),
        client=CentralClient(url, "sim-kiosk-K1-token-00000"),
        printer=open_printer(f"file://{state / 'printer.bin'}"),
        catalogue=ServiceCatalogue(state / "services.json"),
        breaker=CircuitBreaker(2),
    )
    if not desk.catalogue.services:
        await desk.refresh_services()
    await desk.sync_once()  # finish what the killed process left behind
    done = len(desk.journal.all_rows())
    while done < total:
        await desk.issue(SERVICES[done % len(SERVICES)], "vi", None)
        done += 1
        print("issued", done, flush=True)  # the test kills after a random number of these
    await desk.sync_once()
    print("finished", done, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
