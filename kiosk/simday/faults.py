"""The faults of a simulated day, done to the real parts the way a lobby does them.

Each fault is injected through the simulator that stands for the part (the ESC/POS printer
mechanism's paper sensor, cover switch and power; the embedded central server stopped on
its port; the camera's cable; the RoboClaw base's bumper and emergency-stop inputs on its
pseudo-terminal), the technician fixes it ``lasts_s`` simulated seconds later, and the
time to recover is measured on the wall clock from the fix until the kiosk works normally
again:

* printer faults: until the kiosk's background probe finds the printer back (at once when
  no citizen printed meanwhile: the kiosk never knew; the note says which);
* central down: until every offline ticket is synced (the journal has nothing unsynced);
* camera: until the presence watcher reads a frame again;
* bumper / emergency stop: until the robot, reset by staff, is back at its dock (idle);
* lost state directory: the kiosk is restarted on an empty folder; until it is at its
  attract screen again. The journal rows of the lost folder are kept by the runner first
  (the report needs them; the kiosk has them no more).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from drivers.camera.sim import SimCamera
from drivers.printer.base import Paper
from drivers.printer.sim import SimPrinter
from kiosk.embedded_central import EmbeddedCentral
from kiosk.events import Touch
from kiosk.simday.plan import Fault

if TYPE_CHECKING:
    from kiosk.demo import HeadlessDemo

_LOGGER = logging.getLogger(__name__)

RECOVERY_LIMIT_S = 120.0
"""Real seconds after a fix beyond which a part counts as not recovered."""


@dataclass
class FaultRecord:
    """What happened with one fault (wall-clock times, monotonic)."""

    name: str
    planned_s: float
    injected: float | None = None
    fixed: float | None = None
    recovered: float | None = None
    note: str = ""
    tickets_during: list[str] = field(default_factory=list)

    def as_dict(self, to_sim: Callable[[float], float], speedup: float) -> dict[str, Any]:
        """The record in simulated seconds since opening, durations in simulated minutes."""

        def minutes(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else round((b - a) * speedup / 60.0, 2)

        return {
            "name": self.name,
            "planned_s": round(self.planned_s),
            "injected_s": None if self.injected is None else round(to_sim(self.injected)),
            "down_min": minutes(self.injected, self.fixed),
            "recover_min": minutes(self.fixed, self.recovered),
            "recover_real_s": None
            if self.fixed is None or self.recovered is None
            else round(self.recovered - self.fixed, 2),
            "recovered": self.recovered is not None,
            "tickets_during": len(self.tickets_during),
            "note": self.note,
        }


async def until(check: Callable[[], bool], limit_s: float = RECOVERY_LIMIT_S) -> float | None:
    """Monotonic time at which ``check()`` first holds, None when it never did in time."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        await asyncio.sleep(0.02)
    return None


def start_central(central: EmbeddedCentral, attempts: int = 3) -> None:
    """Start the embedded central again; a loaded machine may need more than one go.
    Nothing to do when it already serves (a second server on its port could not bind)."""
    if central.running:
        return
    for attempt in range(attempts):
        try:
            central.start(timeout_s=30.0)
            return
        except RuntimeError:
            _LOGGER.warning("simulate-day: central did not start (attempt %d)", attempt + 1)
            central.stop()
            time.sleep(1.0)
    raise RuntimeError("embedded central does not start again")


class Faults:
    """Injects and fixes the day's faults on ``demo``'s daemon and central."""

    def __init__(self, demo: HeadlessDemo, speedup: float) -> None:
        self.demo = demo
        self.speedup = speedup
        self.records: list[FaultRecord] = []
        self.fixes: list[asyncio.Task[None]] = []
        self._outages = 0  # central outages not fixed yet (they can overlap)
        self._outage_lock = threading.Lock()

    def _printer(self) -> SimPrinter | None:
        printer = self.demo.daemon.printer
        return printer if isinstance(printer, SimPrinter) else None

    def _printer_ok(self) -> bool:
        return not self.demo.daemon.desk.printer_guard.failing

    def inject(self, fault: Fault) -> FaultRecord:
        """Break the part now; the fix is scheduled ``fault.lasts_s`` simulated seconds on."""
        record = FaultRecord(fault.name, fault.at_s, injected=time.monotonic())
        self.records.append(record)
        printer, camera = self._printer(), self.demo.daemon.camera
        _LOGGER.warning("simulate-day: fault %s", fault.name)
        if fault.name == "paper_out" and printer is not None:
            printer.paper = Paper.OUT
            self._later(
                fault, record, lambda: setattr(printer, "paper", Paper.OK), self._printer_ok
            )
        elif fault.name == "cover_open" and printer is not None:
            printer.cover_open = True
            self._later(
                fault, record, lambda: setattr(printer, "cover_open", False), self._printer_ok
            )
        elif fault.name == "printer_hung" and printer is not None:
            printer.online = False  # powered but answers nothing: every read times out
            self._later(fault, record, lambda: setattr(printer, "online", True), self._printer_ok)
        elif fault.name == "central_down":
            # outages injected together (the kiosk was busy with a long visit) overlap:
            # central comes back when the last one is fixed, started once
            self._outages += 1
            self.demo.central.stop()
            self._later(
                fault,
                record,
                self._central_fixed,
                lambda: (
                    self.demo.central.running and not self.demo.daemon.journal.unsynced(limit=1)
                ),
            )
        elif fault.name == "camera_unplugged" and isinstance(camera, SimCamera):
            camera.unplugged = True
            seen: list[tuple[object, int]] = []

            def replug() -> None:
                camera.unplugged = False
                now = self.demo.daemon.camera  # a restarted kiosk has a camera of its own
                seen.append((now, getattr(now, "frames_read", 0)))

            def reading() -> bool:
                # the kiosk's camera reads again; a kiosk restarted since (lost state
                # folder) has a camera of its own, counted from its first frame
                then, before = seen[0]
                now = self.demo.daemon.camera
                return getattr(now, "frames_read", 0) > (before if now is then else 0)

            self._later(fault, record, replug, reading)
        else:
            record.note = "not injected: the part is not simulated in this configuration"
            record.injected = None
        return record

    def _central_fixed(self) -> None:
        """One outage fixed (in a worker thread): central starts when none is left."""
        with self._outage_lock:
            self._outages -= 1
            if self._outages == 0:
                start_central(self.demo.central)

    def _later(
        self,
        fault: Fault,
        record: FaultRecord,
        fix: Callable[[], None],
        recovered: Callable[[], bool],
    ) -> None:
        async def run() -> None:
            await asyncio.sleep(fault.lasts_s / self.speedup)
            if fault.name in ("paper_out", "cover_open", "printer_hung"):
                record.note = (
                    "the kiosk knew the printer was failing"
                    if not self._printer_ok()
                    else "no print was tried while it was broken"
                )
            await asyncio.to_thread(fix)  # starting central blocks: not on the kiosk's loop
            record.fixed = time.monotonic()
            _LOGGER.warning("simulate-day: %s fixed by the technician", fault.name)
            record.recovered = await until(recovered)

        self.fixes.append(asyncio.create_task(run(), name=f"fix-{fault.name}"))

    async def robot_stop(self, fault: Fault, record: FaultRecord) -> None:
        """During a guided trip: press a bumper (an obstacle hit) or the emergency stop,
        release it after ``lasts_s``, staff reset; recovered once docked (idle)."""
        robot = self.demo.daemon.robot
        sim = getattr(robot.base, "sim", None) if robot is not None else None
        if sim is None:
            record.note = "no simulated base"
            return
        moving = await until(lambda: max(abs(s) for s in sim.wheel_speeds) > 0.1, 30)
        if moving is None:
            record.note = "the robot never moved"
            return
        record.injected = time.monotonic()
        if fault.name == "bumper_hit":
            sim.bumper_front = True
        else:
            sim.estop = True
        flow = self.demo.daemon.flow
        stopped = await until(lambda: flow.current_state_id == "safe_stop", 30)
        record.note = "safe stop reached" if stopped else "no safe stop!"
        await asyncio.sleep(fault.lasts_s / self.speedup)
        sim.bumper_front = False
        sim.estop = False
        record.fixed = time.monotonic()
        while flow.current_state_id == "safe_stop" and time.monotonic() - record.fixed < 30:
            self.demo.daemon.post(Touch("staff_reset"))  # staff checked the robot
            await asyncio.sleep(0.3)
        record.recovered = await until(lambda: flow.current_state_id == "idle")

    async def settle(self) -> None:
        """Wait for every scheduled fix and recovery."""
        await asyncio.gather(*self.fixes, return_exceptions=True)
