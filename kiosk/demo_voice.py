"""The demo's citizens who talk to the kiosk beyond naming a field: one asks where a
counter is, one declares a priority category, confirms it and names the field.

espeak-ng's Korean is hard for the Korean model (BENCHMARKS.md); what the kiosk heard and
answered is logged and recorded as it happened, and a citizen it did not understand goes
on by touch, as a real one would.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from drivers.audio.wav_in import WavAudioIn

if TYPE_CHECKING:
    from kiosk.demo import Citizen, HeadlessDemo

_LOGGER = logging.getLogger(__name__)

SETTLE_S = 1.5
"""After the microphone's last frame is read: time for the recogniser's final result and
the flow's move, before a citizen decides the kiosk did not react."""


async def ask_way(demo: HeadlessDemo, i: int, words: str, language: str, tries: int = 2) -> None:
    """Ask aloud where a counter is; record what the kiosk answered (or that it asked
    back: espeak-ng's Korean is hard for the model, see BENCHMARKS.md). Words lost under
    the kiosk's own speech (its microphone is muted meanwhile) are said again; words
    heard and misunderstood are not (saying them again could answer the kiosk's
    question back)."""
    loop = asyncio.get_running_loop()
    answers, voice = demo.daemon.voice_screen.spoken_answers, demo.daemon.voice
    before, answer = len(answers), None
    for attempt in range(tries):
        deadline = loop.time() + 30
        if attempt:
            await _quiet(demo, deadline)
        heard = voice.heard if voice is not None else 0
        if not await demo._speak(words, language):
            return
        await _heard_out(demo, deadline)
        if await _until(lambda: len(answers) > before, min(deadline, loop.time() + 5)):
            answer = answers[-1]
            break
        if voice is None or voice.heard != heard:
            break  # heard, and misheard: the kiosk asked back; the citizen goes on by touch
    _LOGGER.info("demo: citizen %d asked %r; the kiosk answered %r", i, words, answer)
    demo.results.append({"citizen": i, "asked_way": words, "answer": answer})


async def _quiet(demo: HeadlessDemo, deadline: float) -> None:
    """Wait until the kiosk has finished speaking (its microphone is muted meanwhile)."""
    voice, loop = demo.daemon.voice, asyncio.get_running_loop()
    await asyncio.sleep(0.3)
    while voice is not None and voice.speaker.guard.muted() and loop.time() < deadline:
        await asyncio.sleep(0.05)


async def _until(check: Callable[[], bool], deadline: float) -> bool:
    loop = asyncio.get_running_loop()
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def priority_by_voice(demo: HeadlessDemo, i: int, citizen: Citizen) -> None:
    """Declare the priority, confirm it by saying it again, then name the field; whatever
    the kiosk did not understand, the citizen does by touch, as a real one would."""
    voice, said, flow = demo.daemon.voice, citizen.says_priority, demo.daemon.flow
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 40
    if voice is not None and said is not None and await demo._speak(said, citizen.language):
        heard = await _until(
            lambda: voice.context.pending() is not None or flow.visit.priority is not None,
            deadline,
        )
        if heard and voice.context.pending() is not None:  # "우선 번호표(노인)를 드릴까요?"
            await _quiet(demo, deadline)
            await demo._speak(said, citizen.language)  # saying it again confirms it
            await _until(lambda: flow.visit.priority is not None, deadline)
    await _heard_out(demo, deadline)  # nothing said is left to be heard after the touches
    by_voice = flow.visit.priority is not None
    if not by_voice:
        _LOGGER.warning("demo: the kiosk did not take %r; this citizen uses touch", said)
    if flow.current_state_id == "idle":
        await demo._tap("start")
    await demo._wait_state("menu")
    if by_voice and citizen.speaks:
        await _quiet(demo, deadline)
        await demo._speak(citizen.speaks, citizen.language)
        await _until(lambda: flow.current_state_id != "menu", loop.time() + 20)
        await _heard_out(demo, loop.time() + 20)
    if flow.current_state_id == "menu" and not by_voice:  # the priority by touch
        await demo._tap("ask_priority")
        await demo._wait_state("choose_priority")
        await demo._tap("priority", "elderly")
        await demo._wait_state("menu")
    if flow.current_state_id == "menu":  # the field by touch
        await demo._tap_service(citizen.service)
    await demo._ticket_taken(
        i,
        citizen,
        "priority-voice" if by_voice else "priority-touch",
        priority=flow.visit.priority,
        by_voice=said if by_voice else None,
    )


async def _heard_out(demo: HeadlessDemo, deadline: float) -> bool:
    """Wait until the microphone has given the listener everything the citizen said, and
    the kiosk has had a moment to act on it. False if the words are still queued at
    ``deadline`` (no listener took them): they are then dropped, as a citizen who gives up
    stops talking, so that they cannot be heard later and take a second number."""
    voice = demo.daemon.voice
    mic = voice.audio_in if voice is not None else None
    if not isinstance(mic, WavAudioIn):
        return True
    if not await _until(lambda: mic.drained, deadline):
        mic.discard()
        return False
    loop = asyncio.get_running_loop()
    settle = min(deadline, loop.time() + SETTLE_S)  # the recogniser's final result
    await _until(lambda: False, settle)
    return True


async def speak_until_heard(demo: HeadlessDemo, words: str, language: str, tries: int = 3) -> bool:
    """Say ``words`` and, like a citizen the kiosk did not react to, say them again.

    The microphone is muted while the kiosk speaks: on a loaded machine the attract screen's
    greeting can start just as the citizen talks, and the words are lost. A real citizen
    repeats themselves; so does this one, after the kiosk has gone quiet. Words are said
    again only once the first were heard out (read by the listener and acted on, or not):
    words still waiting for a listener would otherwise be heard twice, and the citizen would
    get two numbers."""
    flow, loop = demo.daemon.flow, asyncio.get_running_loop()
    start = flow.current_state_id

    def moved() -> bool:
        return flow.current_state_id != start

    for attempt in range(tries):
        deadline = loop.time() + 20
        if attempt:
            _LOGGER.warning("demo: the kiosk did not react to %r; the citizen says it again",
                            words)
            await _quiet(demo, deadline)
        if not await demo._speak(words, language):
            return False
        if not await _heard_out(demo, deadline):
            return moved()  # nobody listened: the caller's wait for the ticket reports it
        if await _until(moved, deadline):
            return True
    return moved()
