"""Faults an outside test found in the field (issue 14), each through the real central app.

- the sync stalled behind 100 rows central refuses for good;
- a kiosk whose state directory was lost reused offline numbers central already had;
- a slow but successful replay closed the breaker, so every citizen paid the budget again;
- a blackholed network printer was waited on for every ticket, before the number showed.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from kiosk_testkit import SlowTransport

from drivers.printer import open_printer
from drivers.printer.sim import SimPrinter
from kiosk.tickets.desk import IssuedTicket


class SwitchTransport(httpx.AsyncBaseTransport):
    """The real central app, or a refused connection while ``down`` (a pulled cable)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.down = False
        self.ticket_posts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.method == "POST" and request.url.path == "/api/v1/tickets":
            self.ticket_posts += 1
        return await self.inner.handle_async_request(request)


@pytest.fixture
def switch(asgi_transport: httpx.ASGITransport) -> SwitchTransport:
    """Central in-process, switchable down and up."""
    return SwitchTransport(asgi_transport)


async def test_sync_gets_past_100_rows_central_refuses_for_good(make_desk, switch) -> None:  # type: ignore[no-untyped-def]
    first = make_desk(transport=switch)
    assert await first.refresh_services()
    switch.down = True
    held = [await first.issue("tu-phap", "vi", None) for _ in range(101)]
    switch.down = False
    assert (await first.sync_once())["synced"] == 100  # one batch, the rest next time
    assert (await first.sync_once())["synced"] == 1
    # A second journal that believes today's offline numbers start at 1 (what a kiosk that
    # lost its state directory did before it asked central): all 101 clash with the first's.
    second = make_desk(transport=switch)
    assert await second.refresh_services()
    second.journal._db.execute("DELETE FROM offline_counters")
    switch.down = True
    clashing = [await second.issue("tu-phap", "vi", None) for _ in range(101)]
    valid = await second.issue("dat-dai", "vi", None)  # newer than all of them
    assert {t.number for t in clashing} == {t.number for t in held}
    switch.down = False
    reports = [await second.sync_once() for _ in range(3)]
    assert second.journal.get(valid.key).state == "synced"  # type: ignore[union-attr]
    assert second.journal.counts() == {"refused": 101, "synced": 1}
    assert sum(r["failed"] for r in reports) == 101 and reports[-1] == {
        "synced": 0,
        "recovered": 0,
        "failed": 0,
        "left": 0,
    }
    refused = second.journal.refused()
    assert all("duplicate-number" in (r.last_error or "") for r in refused)


async def test_sync_lines_for_the_technician_name_the_held_number(  # type: ignore[no-untyped-def]
    make_desk, switch, caplog: pytest.LogCaptureFixture
) -> None:
    desk = make_desk(transport=switch)
    assert await desk.refresh_services()
    switch.down = True
    ticket = await desk.issue("tu-phap", "vi", None)
    # the journal row names a service central no longer offers: refused for good
    desk.journal._db.execute("UPDATE requests SET service = 'da-xoa' WHERE key = ?", (ticket.key,))
    switch.down = False
    assert (await desk.sync_once())["failed"] == 1
    [line] = [r.getMessage() for r in caplog.records if "TECHNICIAN" in r.getMessage()]
    assert ticket.number in line and "unknown-service" in line and "serve them by hand" in line


async def test_a_kiosk_that_lost_its_state_directory_continues_after_centrals_numbers(  # type: ignore[no-untyped-def]
    make_desk, switch, tmp_path: Path
) -> None:
    before = make_desk(transport=switch, state=tmp_path / "state")
    assert await before.refresh_services()
    switch.down = True
    morning = [await before.issue("tu-phap", "vi", None) for _ in range(3)]
    switch.down = False
    assert (await before.sync_once())["synced"] == 3
    # the state directory is wiped at noon; the kiosk starts again and reaches central once
    after = make_desk(transport=switch, state=tmp_path / "state-new")
    assert await after.refresh_services()
    switch.down = True
    afternoon = await after.issue("tu-phap", "vi", None)
    other = await after.issue("dat-dai", "vi", None)
    assert [t.number for t in morning] == ["K1-A001", "K1-A002", "K1-A003"]
    assert (afternoon.number, other.number) == ("K1-A004", "K1-D001")
    switch.down = False
    assert (await after.sync_once())["synced"] == 2
    assert after.journal.counts() == {"synced": 2}


async def test_one_slow_outage_costs_one_citizen_one_budget(  # type: ignore[no-untyped-def]
    make_desk, asgi_transport
) -> None:
    slow = SlowTransport(asgi_transport, delay_s=0)
    desk = make_desk(transport=slow, budget_s=0.1)
    assert await desk.refresh_services()
    slow.delay_s = 0.3  # central answers, but three budgets late
    asked = len(slow.server_side)
    tickets = []
    for _ in range(15):
        tickets.append(await desk.issue("tu-phap", "vi", None))
        await desk.sync_once()  # the replay succeeds, slowly
    await asyncio.gather(*slow.server_side)
    citizen_calls = len(slow.server_side) - asked - 15  # 15 replays, one per sync pass
    assert all(t.offline for t in tickets)
    # the breaker opens after 2 failures (make_desk) and stays open through slow successes
    assert citizen_calls == 2
    assert desk.journal.counts() == {"synced": 15}
    slow.delay_s = 0  # central is quick again: the next success closes the circuit
    await desk._probe()
    assert not desk.breaker.is_open
    assert not (await desk.issue("tu-phap", "vi", None)).offline


class Blackhole:
    """A TCP port that accepts connections and never reads or answers (a hung printer)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        """Stop accepting and drop every connection."""
        self.server.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    """A blackholed network printer's port."""
    hole = Blackhole()
    yield hole
    hole.close()


async def test_a_blackholed_printer_is_not_waited_on_again(  # type: ignore[no-untyped-def]
    make_desk, asgi_transport, blackhole: Blackhole
) -> None:
    printer = open_printer(f"tcp://127.0.0.1:{blackhole.port}", timeout_s=0.3)
    desk = make_desk(transport=asgi_transport, printer=printer)
    assert await desk.refresh_services()
    shown: list[IssuedTicket] = []
    first = await desk.issue("tu-phap", "vi", None, on_number=shown.append)
    # the number was handed over before the printer was tried, then the print failed
    assert shown[0].number == first.number and shown[0].printing and not shown[0].printed
    assert not first.printed and first.print_error == "printer-offline"
    tried = len(blackhole.connections)
    later = [await desk.issue("tu-phap", "vi", None, on_number=shown.append) for _ in range(5)]
    assert [t.print_error for t in later] == ["printer-offline"] * 5
    assert len(blackhole.connections) == tried  # never tried again
    assert desk.printer_guard.skipped == 5 and desk.printer_guard.failing == "printer-offline"
    assert [desk.journal.get(t.key).print_error for t in later] == ["printer-offline"] * 5  # type: ignore[union-attr]
    assert not await desk.printer_guard.probe()  # still a blackhole: still failing
    printer.close()


async def test_a_printer_found_back_by_the_probe_prints_again(make_desk, asgi_transport) -> None:  # type: ignore[no-untyped-def]
    printer = SimPrinter()
    printer.cover_open = True
    desk = make_desk(transport=asgi_transport, printer=printer)
    assert await desk.refresh_services()
    assert (await desk.issue("tu-phap", "vi", None)).print_error == "printer-cover-open"
    printer.cover_open = False  # staff close the cover; the printer is not tried yet
    assert (await desk.issue("tu-phap", "vi", None)).print_error == "printer-cover-open"
    assert printer.printed == []
    assert await desk.printer_guard.probe()
    third = await desk.issue("tu-phap", "vi", None)
    assert third.printed and [p for p in printer.printed if b"A003" in p.data] != []
