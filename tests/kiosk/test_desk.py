"""The ticket desk on real parts: central app, SQLite journal, ESC/POS bytes in the sim printer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from kiosk_testkit import KIOSK_SIM, SlowTransport
from PIL import ImageChops

from drivers.printer.base import Paper
from drivers.printer.escpos_decode import TextLine
from drivers.printer.sim import SimPrinter
from kiosk.config import ConfigError, load_config
from kiosk.embedded_central import EmbeddedCentral, free_port
from kiosk.tickets.errors import UnknownService
from kiosk.tickets.render import render_ticket


def _central_tickets(db: Path) -> list[tuple[str, str | None, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT number, offline_number, idempotency_key FROM tickets"
        ).fetchall()


async def test_online_ticket_prints_real_escpos_bytes(make_desk, asgi_transport) -> None:  # type: ignore[no-untyped-def]
    printer = SimPrinter()
    desk = make_desk(transport=asgi_transport, printer=printer)
    assert await desk.refresh_services()
    issued = await desk.issue("tu-phap", "vi", "elderly")
    assert (issued.number, issued.offline, issued.printed) == ("A001", False, True)
    assert issued.view.priority_label == "Người cao tuổi (từ 60 tuổi)"
    row = desk.journal.get(issued.key)
    assert row is not None and row.state == "online" and row.printed
    [paper] = printer.printed
    assert paper.data.startswith(b"\x1b@")  # ESC @ initialise, as a real printer receives
    # What the printer decoded from the bytes is the ticket that was rendered.
    expected = render_ticket(issued.view, printer.width_px).convert("1")
    decoded = paper.raster
    assert decoded is not None and decoded.size == expected.size
    assert ImageChops.difference(decoded.convert("L"), expected.convert("L")).getbbox() is None
    assert any(isinstance(e, TextLine) and "A001" in e.text for e in paper.elements)


async def test_printer_out_of_paper_still_gives_a_number(make_desk, asgi_transport) -> None:  # type: ignore[no-untyped-def]
    printer = SimPrinter()
    printer.paper = Paper.OUT
    desk = make_desk(transport=asgi_transport, printer=printer)
    await desk.refresh_services()
    issued = await desk.issue("dat-dai", "en", None)
    assert issued.number == "D001" and not issued.printed
    assert issued.print_error == "printer-paper-out"
    row = desk.journal.get(issued.key)
    assert row is not None and row.state == "online" and row.print_error == "printer-paper-out"
    assert printer.printed == []


async def test_central_down_gives_offline_numbers_and_the_breaker_spares_the_next_citizen(
    make_desk, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    central = EmbeddedCentral(Path("config/central.sim.toml"), tmp_path / "c.sqlite3")
    central.start()
    desk = make_desk(url=central.url)
    await desk.refresh_services()
    central.stop()
    first = await desk.issue("tu-phap", "vi", None)
    second = await desk.issue("tu-phap", "vi", None)
    third = await desk.issue("tu-phap", "vi", None)
    assert [t.number for t in (first, second, third)] == ["K1-A001", "K1-A002", "K1-A003"]
    assert all(t.offline and t.printed for t in (first, second, third))
    assert desk.breaker.is_open  # the third citizen did not wait for central at all


async def test_outage_of_50_tickets_syncs_exactly_once(make_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    central = EmbeddedCentral(Path("config/central.sim.toml"), tmp_path / "c.sqlite3", port=port)
    central.start()
    desk = make_desk(url=central.url)
    await desk.refresh_services()
    before = await desk.issue("giao-thong-van-tai", "vi", None)
    central.stop()
    services = ["tu-phap", "giao-thong-van-tai", "xuat-nhap-canh"]
    offline = [await desk.issue(services[i % 3], "vi", None) for i in range(50)]
    assert all(t.offline for t in offline)
    assert len({t.number for t in offline}) == 50
    assert (await desk.sync_once())["left"] == 50  # still down: nothing lost, nothing sent
    central.start()
    report = await desk.sync_once()
    assert report == {"synced": 50, "recovered": 0, "failed": 0, "left": 0}
    assert (await desk.sync_once())["synced"] == 0  # nothing is replayed twice
    rows = _central_tickets(tmp_path / "c.sqlite3")
    assert len(rows) == 51
    assert sorted(r[0] for r in rows if r[0].startswith("K1-")) == sorted(t.number for t in offline)
    assert len({r[2] for r in rows}) == 51
    after = await desk.issue("giao-thong-van-tai", "vi", None)
    assert not after.offline and after.number == "B002" and before.number == "B001"
    central.stop()


async def test_late_answer_is_not_a_second_ticket(
    make_desk, central_settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from central.app import create_app

    real = httpx.ASGITransport(app=create_app(central_settings))
    slow = SlowTransport(real, delay_s=0.3)
    desk = make_desk(transport=slow, budget_s=0.1)
    slow.delay_s = 0
    await desk.refresh_services()
    slow.delay_s = 0.3
    issued = await desk.issue("tu-phap", "vi", None)
    assert issued.offline and issued.number == "K1-A001"
    await asyncio.gather(*slow.server_side)  # central created A001 after the kiosk gave up
    slow.delay_s = 0
    assert (await desk.sync_once())["synced"] == 1
    db = Path(central_settings.database_url.removeprefix("sqlite:///"))
    assert _central_tickets(db) == [("A001", "K1-A001", issued.key)]


@pytest.mark.parametrize("service", ["xyz", "../../etc", ""])
async def test_unknown_service_is_refused_before_journaling(
    make_desk, asgi_transport, service: str
) -> None:  # type: ignore[no-untyped-def]
    desk = make_desk(transport=asgi_transport)
    await desk.refresh_services()
    with pytest.raises(UnknownService):
        await desk.issue(service, "vi", None)
    assert desk.journal.all_rows() == []


@pytest.mark.postgres
async def test_kiosk_against_central_on_postgresql(
    make_desk, central_settings, fresh_postgres_url: str
) -> None:  # type: ignore[no-untyped-def]
    from central.app import create_app

    settings = central_settings.model_copy(update={"database_url": fresh_postgres_url})
    app = create_app(settings)
    try:
        first = make_desk(transport=httpx.ASGITransport(app=app), kiosk="K1")
        second = make_desk(transport=httpx.ASGITransport(app=app), kiosk="K2")
        await first.refresh_services()
        await second.refresh_services()
        numbers = [
            t.number
            for t in await asyncio.gather(
                *(desk.issue("xuat-nhap-canh", "vi", None) for desk in (first, second) * 5)
            )
        ]
        assert sorted(numbers) == [f"C{i:03d}" for i in range(1, 11)]
        ticket = first.journal.all_rows()[0].ticket
        assert ticket is not None and ticket["number"] in numbers
    finally:
        app.state.store.close()


async def test_offline_ticket_qr_page_before_and_after_sync(make_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    central = EmbeddedCentral(Path("config/central.sim.toml"), tmp_path / "c.sqlite3")
    central.start()
    desk = make_desk(url=central.url)
    await desk.refresh_services()
    central.stop()
    issued = await desk.issue("dat-dai", "ko", None)
    assert issued.offline
    path = issued.view.status_url.removeprefix("http://central.example")
    assert path == f"/t/key/K1/{issued.key}"
    central.start()
    async with httpx.AsyncClient(base_url=central.url, timeout=5) as phone:
        before = await phone.get(path)
        assert before.status_code == 200
        assert "valid and served in order" in before.text and "번호는 유효하며" in before.text
        assert (await desk.sync_once())["synced"] == 1
        after = await phone.get(path)
        assert after.status_code == 303
        page = await phone.get(after.headers["location"])
        assert page.status_code == 200 and issued.number in page.text
        hostile = await phone.get("/t/key/K1/" + "x" * 500)
        assert hostile.status_code == 404
    central.stop()


async def test_the_kiosk_time_zone_is_its_config_not_a_constant(
    make_desk, asgi_transport  # type: ignore[no-untyped-def]
) -> None:
    days = set()
    for zone in ("Etc/GMT-14", "Etc/GMT+12"):  # 26 hours apart: never the same date
        desk = make_desk(transport=asgi_transport, timezone=ZoneInfo(zone))
        await desk.refresh_services()
        issued = await desk.issue("tu-phap", "vi", None)
        row = desk.journal.get(issued.key)
        assert row is not None
        assert issued.view.issued_at.utcoffset() == ZoneInfo(zone).utcoffset(None)
        days.add(row.local_day)
    assert len(days) == 2


def test_an_unknown_time_zone_is_a_config_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="Asia/Hanoi"):
        load_config(KIOSK_SIM, overrides={"kiosk.timezone": "Asia/Hanoi"})
