"""The demo's procedure-information citizen and screen tour (issue 8).

A citizen asks about the documents for a birth registration: types it on the screen's
keyboard in Telex, opens the answer, asks aloud "what documents?" (the kiosk answers in
speech), prints the checklist and takes a number for the field. The tour saves the
procedures screens of every language with ``procedure`` in their file names.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from drivers.printer.sim import SimPrinter
from kiosk.events import VoiceIntent

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)

#: what the citizen types (Telex: "đăng ký khai sinh") and the procedure it finds
TYPED, PROCEDURE = "ddawng kys khai sinh", "khai-sinh"


async def _type(demo: HeadlessDemo, keys: str) -> None:
    for key in keys:
        await demo._tap("proc_key", "space" if key == " " else key)


async def _open(demo: HeadlessDemo, keys: str, code: str) -> None:
    """From the menu: open procedures, type ``keys``, open ``code``'s answer."""
    await demo._tap("ask_procedure")
    await demo._wait_state("procedure_info")
    await _type(demo, keys)
    await demo._tap("proc_pick", code)


async def ask_and_print(demo: HeadlessDemo, language: str) -> dict[str, Any]:
    """The citizen's visit up to the ticket screen; returns what to record about it."""
    daemon = demo.daemon
    await demo._tap("start")
    await demo._wait_state("menu")
    if language != daemon.flow.visit.language:
        await demo._tap("language", language)
    await _open(demo, TYPED, PROCEDURE)
    daemon.post(VoiceIntent("ask_procedure", {"topic": "documents"},
                            "làm khai sinh cần giấy tờ gì", language))
    desk = daemon.procedures
    while desk is not None and desk.last_answer is None:
        await asyncio.sleep(0.01)
    printer = daemon.printer
    before = len(printer.printed) if isinstance(printer, SimPrinter) else 0
    await demo._tap("print_checklist")
    if isinstance(printer, SimPrinter):
        for _ in range(500):
            if len(printer.printed) > before:
                break
            await asyncio.sleep(0.01)
    printed = isinstance(printer, SimPrinter) and len(printer.printed) > before
    field = daemon.flow.visit.proc_code and desk and desk.store.get(PROCEDURE)
    await demo._tap("service", field.field if field else "tu-phap")
    # the checklist's own events may be the transcript's news the tap waited for
    await demo._wait_left("procedure_info")
    if daemon.flow.current_state_id == "choose_priority":
        await demo._tap("priority", None)
    spoken = desk.last_answer.spoken if desk and desk.last_answer else ""
    _LOGGER.info("demo: a citizen asked about %s; checklist printed: %s", PROCEDURE, printed)
    return {"procedure": PROCEDURE, "checklist_printed": printed, "spoken_answer": spoken}


async def tour(demo: HeadlessDemo, shot: Any, language: str) -> None:
    """Save the procedures screens from the menu, back at the menu afterwards."""
    if not demo.daemon.screen.target_centre("ask_procedure"):
        return
    await demo._tap("ask_procedure")
    await demo._wait_state("procedure_info")
    shot(language, "procedure-search")
    await demo._tap("proc_field", "tu-phap")
    shot(language, "procedure-field")
    await demo._tap("back")
    await _type(demo, "lys lichj")
    shot(language, "procedure-results")
    await demo._tap("proc_pick", "ly-lich-tu-phap")
    shot(language, "procedure-answer")
    await demo._tap("print_checklist")
    shot(language, "procedure-checklist-printing")
    for _ in range(4):  # answer -> results -> (keys cleared) -> menu
        if demo.daemon.flow.current_state_id == "menu":
            break
        await demo._tap("back")  # one step back at a time (the tap waits for it)
    await demo._wait_state("menu")
