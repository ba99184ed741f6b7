"""The demo's citizens who talk to the kiosk beyond naming a field: one asks where a
counter is, one declares a priority category, confirms it and names the field.

espeak-ng's Korean is hard for the Korean model (BENCHMARKS.md); what the kiosk heard and
answered is logged and recorded as it happened, and a citizen it did not understand goes
on by touch, as a real one would.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.demo import Citizen, HeadlessDemo

_LOGGER = logging.getLogger(__name__)


async def ask_way(demo: HeadlessDemo, i: int, words: str, language: str) -> None:
    """Ask aloud where a counter is; record what the kiosk answered (or that it asked
    back: espeak-ng's Korean is hard for the model, see BENCHMARKS.md)."""
    before = len(demo.daemon.spoken_answers)
    if not await demo._speak(words, language):
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while len(demo.daemon.spoken_answers) == before and loop.time() < deadline:
        await asyncio.sleep(0.05)
    answer = demo.daemon.spoken_answers[-1] if len(demo.daemon.spoken_answers) > before else None
    _LOGGER.info("demo: citizen %d asked %r; the kiosk answered %r", i, words, answer)
    demo.results.append({"citizen": i, "asked_way": words, "answer": answer})


async def priority_by_voice(demo: HeadlessDemo, i: int, citizen: Citizen) -> bool:
    """Declare the priority, confirm it by saying it again, then name the field."""
    voice, said = demo.daemon.voice, citizen.says_priority
    if voice is None or said is None or not await demo._speak(said, citizen.language):
        return False
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while voice.context.pending() is None and demo.daemon.flow.visit.priority is None:
        if loop.time() > deadline:
            _LOGGER.warning("demo: the kiosk did not take %r; this citizen uses touch", said)
            return False
        await asyncio.sleep(0.05)
    if voice.context.pending() is not None:  # "우선 번호표(노인)를 드릴까요?"
        await demo._speak(said, citizen.language)
    while demo.daemon.flow.visit.priority is None:
        if loop.time() > deadline:
            _LOGGER.warning("demo: priority not confirmed; this citizen uses touch")
            return False
        await asyncio.sleep(0.05)
    if not citizen.speaks or not await demo._speak(citizen.speaks, citizen.language):
        return False
    await demo._ticket_taken(
        i, citizen, "priority-voice", priority=demo.daemon.flow.visit.priority, by_voice=said
    )
    return True
