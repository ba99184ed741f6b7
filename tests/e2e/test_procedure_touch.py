"""A citizen looks a procedure up by touch through the whole daemon: types it in Telex on
the screen's keyboard, opens the answer, prints the checklist (real ESC/POS bytes at the
simulated printer, a QR code that opens central's page) and takes a number for its field."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import numpy as np
import zxingcpp

from drivers.printer.escpos_decode import Raster, decode
from drivers.printer.sim import SimPrinter
from kiosk.daemon import KioskDaemon
from kiosk.events import Shutdown, Touch

KioskFactory = Callable[..., KioskDaemon]


async def _until(predicate: Callable[[], object], what: str, timeout_s: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        assert loop.time() < deadline, f"waited {timeout_s} s for {what}"
        await asyncio.sleep(0.01)


async def test_search_answer_checklist_and_ticket(make_kiosk: KioskFactory) -> None:
    kiosk = make_kiosk(**{"features.procedure_info": True})
    serving = asyncio.ensure_future(kiosk.run())
    try:
        kiosk.post(Touch("start", "vi"))
        await _until(lambda: kiosk.flow.current_state_id == "menu", "the menu")
        kiosk.screen.tap("ask_procedure")  # the real menu button
        await _until(lambda: kiosk.flow.current_state_id == "procedure_info", "procedures")
        for key in "lys lichj":
            kiosk.screen.tap("proc_key", "space" if key == " " else key)
        await _until(lambda: kiosk.flow.visit.proc_keys == "lys lichj", "the typed keys")
        await _until(
            lambda: kiosk.screen.target_centre("proc_pick", "ly-lich-tu-phap"),
            "the judicial record certificate in the results",
        )
        kiosk.screen.tap("proc_pick", "ly-lich-tu-phap")
        await _until(lambda: kiosk.screen.target_centre("print_checklist"), "the answer")
        texts = [d.text for d in kiosk.screen.texts]
        assert "Lệ phí: 200.000 đồng" in texts and "Thời gian giải quyết: 10 ngày làm việc" in texts
        printer = kiosk.printer
        assert isinstance(printer, SimPrinter)
        before = len(printer.printed)
        kiosk.screen.tap("print_checklist")
        await _until(lambda: len(printer.printed) > before, "the checklist at the printer")
        paper = printer.printed[-1]  # the bytes the printer received, decoded
        assert [e for e in decode(paper.data) if isinstance(e, Raster)]
        codes = [
            b.text for r in paper.rasters for b in zxingcpp.read_barcodes(np.array(r.convert("L")))
        ]
        assert codes and codes[0].endswith("/p/ly-lich-tu-phap?lang=vi")
        kiosk.screen.tap("back")  # up one step: the results again, not the menu
        await _until(lambda: kiosk.flow.visit.proc_code is None, "back to the results")
        assert kiosk.flow.current_state_id == "procedure_info"
        kiosk.screen.tap("proc_pick", "ly-lich-tu-phap")
        await _until(lambda: kiosk.screen.target_centre("service", "tu-phap"), "the answer")
        kiosk.screen.tap("service", "tu-phap")  # take a number for its field
        await _until(
            lambda: kiosk.flow.current_state_id in ("choose_priority", "ticket_ready"),
            "a ticket on its way",
        )
    finally:
        kiosk.post(Shutdown())
        await serving


async def test_a_long_answer_in_large_text_turns_pages(make_kiosk: KioskFactory) -> None:
    """An elderly citizen in large text: the work permit's answer is longer than the screen,
    so "Trang sau" shows the rest at the same size; another answer starts on its first page."""
    kiosk = make_kiosk(**{"features.procedure_info": True})
    serving = asyncio.ensure_future(kiosk.run())
    try:
        kiosk.post(Touch("start", "vi"))
        await _until(lambda: kiosk.flow.current_state_id == "menu", "the menu")
        kiosk.screen.tap("large_text")
        await _until(lambda: kiosk.flow.visit.large_text, "large text")
        kiosk.screen.tap("ask_procedure")
        await _until(lambda: kiosk.flow.current_state_id == "procedure_info", "procedures")
        for key in "giaays pheps lao ddoongj":
            kiosk.screen.tap("proc_key", "space" if key == " " else key)
        code = "giay-phep-lao-dong"
        await _until(lambda: kiosk.screen.target_centre("proc_pick", code), "the work permit")
        kiosk.screen.tap("proc_pick", code)
        await _until(lambda: kiosk.screen.target_centre("page_next"), "a second page")
        last_step = "3. Nộp lệ phí và nhận giấy phép lao động."
        assert last_step not in [d.text for d in kiosk.screen.texts]
        kiosk.screen.tap("page_next")
        await _until(lambda: last_step in [d.text for d in kiosk.screen.texts], "the last step")
        assert kiosk.flow.visit.page == 1 and kiosk.screen.target_centre("page_prev")
        assert all(d.fits for d in kiosk.screen.texts)
        kiosk.screen.tap("back")  # up to the results, and the answer again: its first page
        await _until(lambda: kiosk.flow.visit.proc_code is None, "back to the results")
        kiosk.screen.tap("proc_pick", code)
        await _until(lambda: kiosk.screen.target_centre("page_next"), "the answer again")
        assert kiosk.flow.visit.page == 0
    finally:
        kiosk.post(Shutdown())
        await serving
