"""The citizens of a simulated day, each one a short visit to the real daemon's screen.

They reuse the demo's hands (:class:`kiosk.demo.HeadlessDemo`: taps at the buttons'
centres, pages turned, the booking QR held up to the camera, the voice through the
simulated microphone, the procedure and dossier citizens of the demo) and record what
they left with. A visit that gets stuck is recorded with why, the kiosk is brought back
to its attract screen (the idle timeout, fast-forwarded), and the day goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import httpx

from drivers.camera.sim import SimCamera
from kiosk import demo_dossier, demo_procedures, demo_rating
from kiosk.demo_voice import _quiet, _until
from kiosk.events import Touch, TouchValue
from kiosk.simday.plan import Arrival, Kind

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)

HEARD_WITHIN_S = 10.0
"""Real seconds a voice citizen waits for the kiosk to react before using touch."""
GUIDE_TIMEOUT_S = 120.0
"""Real seconds a guided trip may take (the base simulator's clock is virtual)."""


async def tap(demo: HeadlessDemo, target: str, value: TouchValue = None) -> None:
    """Tap ``target`` once it is drawn (a loaded machine redraws late; the demo's fixed
    pause after each tap is not always enough, and mostly wasted on a quiet one)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10.0
    while demo.daemon.screen.target_centre(target, value) is None and loop.time() < deadline:
        await asyncio.sleep(0.01)
    if not demo.daemon.screen.tap(target, value):  # the same tap as the demo's, without
        raise RuntimeError(  # its fixed pause: the next tap waits for its own button
            f"{target}={value} is not on screen ({demo.daemon.flow.current_state_id})"
        )
    await asyncio.sleep(0.01)


async def took_number(demo: HeadlessDemo, how: str) -> dict[str, Any]:
    """Wait for the ticket screen and the printer's verdict; what the citizen holds."""
    await demo._wait_state("ticket_ready", timeout_s=60)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while demo.daemon.issued[-1].printing and loop.time() < deadline:
        await asyncio.sleep(0.01)
    issued = demo.daemon.issued[-1]
    demo.on_ticket()
    return {
        "how": how,
        "number": issued.number,
        "key": issued.key,
        "offline": issued.offline,
        "printed": issued.printed,
        "print_error": issued.print_error,
    }


async def _by_touch(demo: HeadlessDemo, arrival: Arrival, priority: str | None) -> None:
    await tap(demo, "start")
    await demo._wait_state("menu")
    if arrival.language != demo.daemon.flow.visit.language:
        await tap(demo, "language", arrival.language)
    if priority is not None and demo.daemon.screen.target_centre("ask_priority"):
        # "I have priority" on the menu, the category, back to the fields (issue 11)
        await tap(demo, "ask_priority")
        await demo._wait_state("choose_priority")
        await tap(demo, "priority", priority)
        await demo._wait_state("menu")
    await demo._tap_service(arrival.service)  # one touch from the menu's fields


async def touch(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """A number by touch, then "done"."""
    await _by_touch(demo, arrival, None)
    got = await took_number(demo, "touch")
    await tap(demo, "done")
    return got


async def priority(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """An elderly citizen: the priority category on the ticket."""
    await _by_touch(demo, arrival, "elderly")
    got = await took_number(demo, "priority")
    await tap(demo, "done")
    return {**got, "priority": "elderly"}


async def voice(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """Names the field aloud ("토지", land) once the kiosk has stopped greeting; goes on
    by touch when the kiosk did not react within :data:`HEARD_WITHIN_S`."""
    loop = asyncio.get_running_loop()
    flow = demo.daemon.flow
    await _quiet(demo, loop.time() + 10)
    if await demo._speak("토지", arrival.language) and await _until(
        lambda: flow.current_state_id in ("ticket_ready", "choose_priority"),
        loop.time() + HEARD_WITHIN_S,
    ):
        if flow.current_state_id == "choose_priority":
            await tap(demo, "priority", None)
        got = await took_number(demo, "voice")
        await tap(demo, "done")
        return got
    if flow.current_state_id != "idle":
        demo.daemon.arm_timer(0.2)
        await demo._wait_state("idle")
    got = await touch(demo, arrival)
    return {**got, "how": "voice-then-touch"}


async def booking(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """Booked online this morning, shows the QR; by touch while central cannot be reached
    to book (the portal is down with it)."""
    if await demo._show_booking(arrival.service):
        got = await took_number(demo, "booking")
        await tap(demo, "done")
        return got
    return {**await touch(demo, arrival), "how": "booking-portal-down"}


async def question(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """Asks a procedure's documents, prints the checklist, takes a number for its field."""
    if not demo.daemon.flow.procedure_enabled():
        return await touch(demo, arrival)
    asked = await demo_procedures.ask_and_print(demo, arrival.language)
    got = await took_number(demo, "question")
    await tap(demo, "done")
    return {**got, "checklist_printed": asked["checklist_printed"]}


async def lookup(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """Looks a dossier up by the receipt's QR code and walks away (no number needed)."""
    if not demo.daemon.flow.dossier_enabled():
        return {"how": "lookup", "dossier_phase": "disabled"}
    looked = await demo_dossier.look_up_by_qr(demo, arrival.language)
    return {"how": "lookup", "dossier_phase": looked.get("dossier_phase", looked.get("dossier"))}


async def rating(demo: HeadlessDemo, arrival: Arrival) -> dict[str, Any]:
    """Back from the counter: shows the served ticket's QR code to the camera (issue 11:
    a rating names the ticket, so its counter), rates the service 3 to 5 and leaves."""
    flow, camera = demo.daemon.flow, demo.daemon.camera
    if not flow.rating_enabled() or not isinstance(camera, SimCamera) or camera.unplugged:
        return {"how": "rating", "sent": False}
    ticket = await _a_served_ticket(demo)
    if ticket is None:
        return {"how": "rating", "sent": False}
    await tap(demo, "start")
    await demo._wait_state("menu")
    await tap(demo, "rate")
    await demo._wait_state("rating")
    demo_rating.hold_up(demo, ticket.view.status_url)
    ready = await _until(lambda: flow.visit.rate_ref is not None,
                         asyncio.get_running_loop().time() + 15)
    demo_rating.hold_up(demo, None)
    if not ready:
        await tap(demo, "back")
        return {"how": "rating", "sent": False}
    await tap(demo, "score", 3 + arrival.index % 3)
    await tap(demo, "submit_rating")
    await demo._wait_state("rating_sent")
    await tap(demo, "done")
    return {"how": "rating", "sent": True, "number": ticket.number}


async def _a_served_ticket(demo: HeadlessDemo) -> Any:
    """The newest of this kiosk's tickets that central says a counter has served."""
    if not demo.central.running:
        return None
    token, kiosk = demo.daemon.config.central.token, demo.daemon.config.kiosk.id
    async with httpx.AsyncClient(base_url=demo.central.url, timeout=5.0,
                                 headers={"Authorization": f"Bearer {token}"}) as http:
        for ticket in list(reversed(demo.daemon.issued))[:20]:
            if ticket.number in _RATED:
                continue
            try:
                answer = await http.get(f"/api/v1/tickets/key:{kiosk}:{ticket.key}")
            except httpx.HTTPError:
                return None
            if answer.status_code == 200 and answer.json().get("status") == "done":
                _RATED.add(ticket.number)
                return ticket
    return None


_RATED: set[str] = set()


async def guided(
    demo: HeadlessDemo, arrival: Arrival, during_trip: Callable[[], Awaitable[None]] | None = None
) -> dict[str, Any]:
    """A number by touch, then "follow me" to the counter; ``during_trip`` (a bumper hit,
    an emergency stop) runs once the robot moves."""
    await _by_touch(demo, arrival, None)
    got = await took_number(demo, "guided")
    if demo.daemon.screen.target_centre("guide_me") is None:
        await tap(demo, "done")
        return {**got, "guided": False}
    await tap(demo, "guide_me")
    if during_trip is not None:
        await during_trip()
    flow = demo.daemon.flow
    await _until(
        lambda: flow.current_state_id in ("idle", "safe_stop"),
        asyncio.get_running_loop().time() + GUIDE_TIMEOUT_S,
    )
    stopped = flow.current_state_id == "safe_stop"
    if stopped:  # a safety stop nobody planned (a lost link on a loaded machine): staff
        _LOGGER.warning("simulate-day: unplanned safety stop while guiding; staff reset it")
        await back_to_idle(demo)
    await demo._wait_state("idle", timeout_s=GUIDE_TIMEOUT_S)
    return {**got, "guided": True, "unplanned_safety_stop": stopped}


VISITS: dict[Kind, Callable[[HeadlessDemo, Arrival], Awaitable[dict[str, Any]]]] = {
    Kind.TOUCH: touch,
    Kind.VOICE: voice,
    Kind.PRIORITY: priority,
    Kind.BOOKING: booking,
    Kind.QUESTION: question,
    Kind.LOOKUP: lookup,
    Kind.GUIDED: guided,
    Kind.RATING: rating,
}


async def back_to_idle(demo: HeadlessDemo) -> None:
    """After a stuck visit: let the idle timeout run out (fast-forwarded) so the next
    citizen finds the attract screen; a robot stopped for safety is reset by staff (refused
    by the robot until its link is back and nothing presses a stop input)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GUIDE_TIMEOUT_S
    while demo.daemon.flow.current_state_id != "idle" and loop.time() < deadline:
        if demo.daemon.flow.current_state_id == "safe_stop":
            demo.daemon.post(Touch("staff_reset"))  # staff checked the robot
        else:
            demo.daemon.arm_timer(0.2)
        await asyncio.sleep(0.5)
    if demo.daemon.flow.current_state_id != "idle":
        _LOGGER.error(
            "simulate-day: kiosk not back to idle (%s)", demo.daemon.flow.current_state_id
        )
