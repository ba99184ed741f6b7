"""`kiosk simulate-day`: a working day of citizens, counters and faults on the real daemon.

The real :class:`~kiosk.daemon.KioskDaemon` runs on simulated devices with the real central
server embedded on a loopback port (as ``kiosk demo``); the citizens of
:mod:`kiosk.simday.plan` come at their times and use the screen through the demo's hands
(:mod:`kiosk.simday.visitors`); the demo's officers (:class:`kiosk.demo_counters.DemoCounters`)
call, serve and complete tickets through central's counter API, their service times
scaled by the speedup; :mod:`kiosk.simday.faults` breaks things on schedule. What happened
is sampled as it goes and handed to :mod:`kiosk.simday.report`. Time scaling is explained
in :mod:`kiosk.simday.plan`.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from drivers.base.sim import SimLog
from drivers.printer.sim import SimPrinter
from kiosk.config import KioskConfig
from kiosk.daemon import KioskDaemon
from kiosk.demo import HeadlessDemo
from kiosk.demo_counters import DemoCounters
from kiosk.embedded_central import EmbeddedCentral
from kiosk.events import Shutdown
from kiosk.simday import visitors
from kiosk.simday.faults import FaultRecord, Faults, start_central
from kiosk.simday.others import OtherKiosks, at_daemon, stand_in_visit
from kiosk.simday.plan import Arrival, Fault, Kind, SimClock
from kiosk.tickets.journal import JournalRow
from kiosk.wiring import open_parts

_LOGGER = logging.getLogger(__name__)

SERVICE_MIN = (1.5, 4.5)
"""An officer's service time, simulated minutes (12 counters for the centre's fields)."""
SAMPLE_EVERY_S = 0.25
"""Wall-clock interval of the sampler (queue at the kiosk, offline tickets, faults)."""


@dataclass
class DayLog:
    """Everything the report needs, in wall-clock monotonic time where not said."""

    clock: SimClock
    start_wall: datetime = field(default_factory=lambda: datetime.now().astimezone())
    """The wall-clock moment the centre opened (central's timestamps are wall clock)."""
    citizens: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    faults: list[FaultRecord] = field(default_factory=list)
    journal_rows: list[JournalRow] = field(default_factory=list)
    lost_rows: list[JournalRow] = field(default_factory=list)
    """Rows of the state directory lost during the day (kept by the runner, not the kiosk)."""
    calls: list[dict[str, Any]] = field(default_factory=list)
    memory: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)
    finished_s: float = 0.0
    planned: int = 0
    """Citizens in the plan (all came unless the run was stopped early)."""
    stopped: dict[str, Any] | None = None
    """Set when the run was stopped early (a signal): why and when (simulated)."""


def empty_sim_records(daemon: KioskDaemon) -> None:
    """Empty what the simulators record for tests while the kiosk is idle.

    The simulated printer keeps every ticket it cut (bytes and decoded images), the
    simulated robot base every physics step, speed command and packet of every trip; a
    real printer hands its tickets out and a real base keeps no such log. Left alone, a
    long run measures the simulators' records instead of the kiosk's own memory.
    """
    printer = daemon.printer
    if isinstance(printer, SimPrinter):
        printer.device.printed.clear()
    robot = daemon.robot
    sim = getattr(robot.base, "sim", None) if robot is not None else None
    record = getattr(sim, "log", None)
    if isinstance(record, SimLog):
        for kept in (record.commands, record.wheels, record.stops, record.packets):
            kept.clear()


class Day:
    """Runs one plan on a daemon built from ``config`` against ``central``."""

    def __init__(
        self, config: KioskConfig, central: EmbeddedCentral, out: Path, speedup: float
    ) -> None:
        self.config = config
        self.central = central
        self.out = out
        self.speedup = speedup
        self.demo = HeadlessDemo(self._daemon(), central, out)
        self.faults = Faults(self.demo, speedup)
        self.log = DayLog(SimClock(time.monotonic(), speedup))
        self._serving: asyncio.Future[None] | None = None
        self._served_here = 0  # citizens K1 has served
        self._robot_faults: list[tuple[Fault, FaultRecord]] = []
        self._body: asyncio.Task[None] | None = None
        self._visiting: dict[str, Any] | None = None  # the entry of the citizen at K1
        self._stop_asked = 0.0
        self.sample_every_s = SAMPLE_EVERY_S

    def request_stop(self, reason: str) -> None:
        """End the run early (SIGTERM): the plan's remaining citizens do not come, those
        being served are cut short; :meth:`run` returns the log of what ran."""
        if self.log.stopped is None:
            self.log.stopped = {"reason": reason}
            self._stop_asked = time.monotonic()
            _LOGGER.warning(
                "simulate-day: %s: stopping early, writing the report of what ran "
                "(send it again to kill at once)",
                reason,
            )
        if self._body is not None:
            self._body.cancel()

    def _daemon(self) -> KioskDaemon:
        return KioskDaemon(self.config, open_parts(self.config))

    async def _start(self) -> None:
        self._serving = asyncio.ensure_future(self.demo.daemon.run())
        await self.demo._wait_state("idle", timeout_s=60)

    async def _stop(self) -> None:
        self.demo.daemon.post(Shutdown())
        if self._serving is not None:
            await self._serving

    async def run(self, plan: list[Arrival], faults: list[Fault], on_citizen: Any = None) -> DayLog:
        """Serve ``plan``, inject ``faults``; returns the log once counters have drained,
        or, after :meth:`request_stop`, the log of the part that ran."""
        self.log.planned = len(plan)
        await self._start()
        self.log.clock = SimClock(time.monotonic(), self.speedup)
        self.log.start_wall = datetime.now().astimezone()
        _LOGGER.info(
            "simulate-day: the centre opens: %d citizens, %d faults planned, %gx",
            len(plan),
            len(faults),
            self.speedup,
        )
        tokens = {c.code: c.token for c in self.central.settings.counters}
        low, high = SERVICE_MIN
        counters = DemoCounters(
            self.central.url,
            tokens,
            service_s=(low * 60 / self.speedup, high * 60 / self.speedup),
            idle_s=max(0.2, 60 / self.speedup),
        )
        counters.start()
        self.demo.on_ticket = counters.nudge
        others = OtherKiosks(
            self.central.url,
            {k.id: k.token for k in self.central.settings.kiosks if k.id != "K1"},
            retry_limit_s=max(60.0, 7200 / self.speedup),
        )
        mine = [a for a in plan if at_daemon(a) or not others.tokens]
        here = {a.index for a in mine}
        elsewhere = [a for a in plan if a.index not in here]
        sampler = asyncio.create_task(self._sample(mine))
        dispatch = asyncio.create_task(self._dispatch(elsewhere, others))
        self._body = asyncio.create_task(
            self._serve(mine, faults, dispatch, others, counters, on_citizen)
        )
        if self.log.stopped is not None:  # asked while the daemon was starting
            self._body.cancel()
        try:
            await self._body
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if self.log.stopped is None or (task is not None and task.cancelling()):
                raise  # cancelled from outside, not a stop request
        finally:
            self._body = None
            sampler.cancel()
            dispatch.cancel()
            if self.log.stopped is not None:
                await self._cut_short(others)
            await others.close()
            await counters.stop()
            await self._stop()
        self.log.calls = counters.log.calls
        self.log.faults = self.faults.records
        self.log.finished_s = self.log.clock.sim(time.monotonic())
        return self.log

    async def _serve(
        self,
        mine: list[Arrival],
        faults: list[Fault],
        dispatch: asyncio.Task[None],
        others: OtherKiosks,
        counters: DemoCounters,
        on_citizen: Any,
    ) -> None:
        """The day proper: K1's citizens in turn, the faults between them, then the
        sync and the counters' drain."""
        pending = sorted(faults, key=lambda f: f.at_s)
        for arrival in mine:
            await self._until(arrival.at_s)
            pending = await self._inject_due(pending)
            await self._visit(arrival)
            if on_citizen is not None:
                await on_citizen(self)
        await dispatch
        await self._inject_due(pending, everything=True)
        await others.close()
        await self.faults.settle()
        if not self.central.running:
            await asyncio.to_thread(start_central, self.central)
        await self.demo._wait_synced(timeout_s=120)
        self.log.journal_rows = self.demo.daemon.journal.all_rows()
        taken = sum(1 for c in self.log.citizens if c.get("number"))

        async def someone_waits() -> bool:
            return len(counters.log.calls) < taken

        await counters.drain(someone_waits, timeout_s=max(60.0, 3600 * 3 / self.speedup))

    async def _cut_short(self, others: OtherKiosks) -> None:
        """After a stop request: the citizen at K1 and those waiting at the stand-ins are
        counted as interrupted, pending fixes are dropped, central is brought back for
        the report, and the journal is read as it stands."""
        stopped = self.log.stopped
        assert stopped is not None
        stopped["at_s"] = round(self.log.clock.sim(self._stop_asked))
        if self._visiting is not None:
            self._visiting["interrupted"] = "the run was stopped during the visit"
            self._visiting["left_s"] = round(self.log.clock.sim(time.monotonic()), 1)
            self.log.citizens.append(self._visiting)
            self._visiting = None
        others.cancel()
        for fix in self.faults.fixes:
            fix.cancel()
        await asyncio.gather(*self.faults.fixes, return_exceptions=True)
        if not self.central.running:
            await asyncio.to_thread(start_central, self.central)
        try:
            self.log.journal_rows = self.demo.daemon.journal.all_rows()
        except Exception as exc:  # noqa: BLE001 - stopped while the journal was replaced
            _LOGGER.warning("simulate-day: journal not readable after the stop: %s", exc)

    async def _until(self, sim_s: float) -> None:
        delay = self.log.clock.wall(sim_s) - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _inject_due(self, pending: list[Fault], everything: bool = False) -> list[Fault]:
        now = self.log.clock.sim(time.monotonic())
        while pending and (everything or pending[0].at_s <= now):
            fault = pending.pop(0)
            if fault.name in ("bumper_hit", "emergency_stop"):
                record = FaultRecord(fault.name, fault.at_s)
                self.faults.records.append(record)
                if self.demo.daemon.has_base and not everything:
                    self._robot_faults.append((fault, record))
                else:
                    record.note = "not injected: no guided trip left in the day"
            elif fault.name == "lost_state_dir":
                await self._lose_state_dir(fault)
            else:
                self.faults.inject(fault)
        return pending

    async def _lose_state_dir(self, fault: Fault) -> None:
        """The kiosk restarts on an empty state directory (a replaced disk, a wiped card)."""
        record = FaultRecord(fault.name, fault.at_s, injected=time.monotonic())
        self.faults.records.append(record)
        old = self.demo.daemon
        unsynced = len(old.journal.unsynced(limit=10_000))
        self.log.lost_rows.extend(old.journal.all_rows())
        await self._stop()
        shutil.rmtree(self.config.kiosk.state_dir, ignore_errors=True)
        await asyncio.sleep(fault.lasts_s / self.speedup)  # the technician reboots it
        record.fixed = time.monotonic()
        self.demo.daemon = self._daemon()
        await self._start()
        record.recovered = time.monotonic()
        record.note = f"{unsynced} unsynced rows were in the lost folder"

    async def _dispatch(self, elsewhere: list[Arrival], others: OtherKiosks) -> None:
        """The other kiosks' citizens, at their own times (K1's line does not hold them)."""
        for arrival in elsewhere:
            await self._until(arrival.at_s)
            if stand_in_visit(arrival):
                others.take(arrival).add_done_callback(self._stand_in_done(arrival))
            else:
                self.log.citizens.append(
                    {
                        "citizen": arrival.index,
                        "kiosk": "K2/K3",
                        "kind": arrival.kind.value,
                        "arrived_s": round(arrival.at_s, 1),
                        "how": "not simulated (other kiosk)",
                    }
                )

    def _stand_in_done(self, arrival: Arrival) -> Any:
        clock = self.log.clock
        arrived = round(arrival.at_s, 1)

        def done(task: asyncio.Task[dict[str, Any]]) -> None:
            got = (
                {"interrupted": "the run was stopped while the citizen waited"}
                if task.cancelled()
                else task.result()
            )
            self.log.citizens.append(
                {
                    "citizen": arrival.index,
                    "kind": arrival.kind.value,
                    "language": arrival.language,
                    "service": arrival.service,
                    "arrived_s": arrived,
                    "started_s": arrived,
                    "left_s": round(clock.sim(time.monotonic()), 1),
                    **got,
                }
            )

        return done

    async def _visit(self, arrival: Arrival) -> None:
        clock, demo = self.log.clock, self.demo
        started = time.monotonic()
        kind, trip = arrival.kind, None
        if self._robot_faults and kind.wants_number:
            fault, record = self._robot_faults.pop(0)
            kind = Kind.GUIDED

            async def trip_fault() -> None:
                await self.faults.robot_stop(fault, record)
                if record.injected is None:  # the robot never moved: the next trip
                    self._robot_faults.append((fault, record))

            trip = trip_fault
        entry: dict[str, Any] = {
            "citizen": arrival.index,
            "kiosk": "K1",
            "kind": kind.value,
            "language": arrival.language,
            "service": arrival.service,
            "arrived_s": round(arrival.at_s, 1),
            "started_s": round(clock.sim(started), 1),
        }
        self._visiting = entry
        try:
            await demo._wait_state("idle", timeout_s=visitors.GUIDE_TIMEOUT_S)
            demo._walk_up(True)
            if kind is Kind.GUIDED:
                got = await visitors.guided(demo, arrival, trip)
            else:
                got = await visitors.VISITS[kind](demo, arrival)
            entry.update(got)
        except (TimeoutError, RuntimeError) as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            _LOGGER.error("simulate-day: citizen %d (%s) stuck: %s", arrival.index, kind.value, exc)
            await visitors.back_to_idle(demo)
            if kind.wants_number:  # the screen went back to the start: they try again
                try:
                    entry.update(await visitors.touch(demo, arrival))
                    entry["retried_after"] = entry.pop("error")
                except (TimeoutError, RuntimeError) as again:
                    entry["error"] += f"; again: {type(again).__name__}: {again}"
                    await visitors.back_to_idle(demo)
        finally:
            demo._walk_up(False)
        if entry.get("number"):
            for record in self.faults.records:  # the faults this citizen's ticket met
                if record.injected is not None and record.recovered is None:
                    record.tickets_during.append(entry["number"])
        entry["at_kiosk_s"] = round(time.monotonic() - started, 3)
        entry["left_s"] = round(clock.sim(time.monotonic()), 1)
        self._visiting = None
        self.log.citizens.append(entry)
        demo.results.append(entry)
        self._served_here += 1

    async def _sample(self, plan: list[Arrival]) -> None:
        clock = self.log.clock
        while True:
            now = clock.sim(time.monotonic())
            done = self._served_here
            daemon = self.demo.daemon
            try:
                # offline numbers not in central yet (not requests in flight: 'pending')
                unsynced = daemon.journal.counts().get("offline", 0)
            except Exception:  # noqa: BLE001 - the journal is being replaced (lost folder)
                unsynced = -1
            if daemon.flow.current_state_id == "idle":
                empty_sim_records(daemon)
            self.log.samples.append(
                {
                    "t_s": round(now, 1),
                    "kiosk_line": sum(1 for a in plan[done:] if a.at_s <= now),  # K1's line
                    "unsynced": unsynced,
                    "central_up": self.central.running,
                    "printer_failing": daemon.desk.printer_guard.failing,
                    "state": daemon.flow.current_state_id,
                }
            )
            await asyncio.sleep(self.sample_every_s)
