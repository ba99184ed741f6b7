"""``kiosk simulate-day --soak-hours H``: many simulated hours of steady traffic and faults,
watching the process for memory growth and for state that outlived its timeout.

The day's machinery (:class:`~kiosk.simday.day.Day`) runs a flat arrival rate for ``H``
simulated hours with the day's faults repeated every working day, except the lost state
directory (restarting the daemon would hide a leak) and the robot's: citizens who would
talk or follow the robot use touch, and there is no bumper or emergency stop. A guided
trip runs on the base's virtual clock at the CPU's pace, about two minutes of wall clock
on this machine: at 720x that is a whole simulated day in which K1 serves nobody (the
first soaks measured a kiosk stuck in ``guiding`` for 29 of their hours). The robot's
memory over many trips is not measured here. Meanwhile:

* the process's resident memory (``VmRSS``; the daemon, the embedded central and the
  simulation share the process) is sampled every second, and with it the bytes malloc has
  handed out and not taken back (glibc ``mallinfo2``: Python objects and native libraries
  alike, SDL surfaces and SQLite pages included, without the free fragments RSS also
  counts); growth is the mean of the last tenth of the run against the mean of the tenth
  just after warm-up (the first fifth: fonts, screens, models and caches filled once).
  The target is on RSS, what the machine pays. tracemalloc is not used: tracing every
  allocation slows the process several times over, the daemon then misses its own
  real-clock timeouts and the run no longer measures a kiosk's day (BENCHMARKS.md says how
  the growth was looked for: per-type object counts and the heap in use between hours);
* the simulators' test records (tickets cut, wheel steps) are emptied while the kiosk is
  idle (:func:`~kiosk.simday.day.empty_sim_records`); the run's own records (the
  citizens' entries, the samples) stay in the measured process, sampled at 2 s, and are
  counted in ``driver_records`` (a few MiB at most over 24 simulated hours);
* stale state is looked for: a flow state held longer than its timeout allows (an
  attract-screen timeout that never fired), offline tickets unsynced for a minute while
  central is up, and, at the end, tickets central still holds as waiting or called after
  the counters drained.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import json
import math
import time
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from kiosk.embedded_central import EmbeddedCentral
from kiosk.simday import plan as day_plan
from kiosk.simday.day import Day
from kiosk.simday.report import summarise
from kiosk.simday.stop import StopRequest, run_day

PER_HOUR = 30
"""Citizens per simulated hour in a soak (K1, the daemon, takes about 40 % of them)."""
GROWTH_TARGET_PCT = 5.0
"""BENCHMARKS.md target: memory growth after warm-up."""
NOT_TIMED = ("idle", "guiding", "returning", "safe_stop")
"""States with no timeout of their own (safe_stop waits for staff on purpose)."""


SOAK_REPLACED = (day_plan.Kind.VOICE, day_plan.Kind.GUIDED)
"""Visits a soak turns into touch (no recogniser loaded; a trip takes simulated hours)."""
SOAK_LEFT_OUT = ("lost_state_dir", "bumper_hit", "emergency_stop")
"""Faults a soak leaves out (a restart hides a leak; robot faults need a trip)."""


def rss_mib() -> float:
    """This process's resident memory in MiB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _mallinfo2() -> Any:
    name = ctypes.util.find_library("c")
    try:
        function = ctypes.CDLL(name).mallinfo2 if name else None
    except (OSError, AttributeError):  # not glibc, or glibc before 2.33
        return None
    if function is not None:
        function.restype = _MallInfo2
    return function


_MALLINFO2 = _mallinfo2()


def heap_mib() -> float | None:
    """Bytes malloc has handed out and not taken back, in MiB (glibc ``mallinfo2``: the
    arenas' chunks in use plus the mmapped ones); None where glibc has no mallinfo2."""
    if _MALLINFO2 is None:
        return None
    info = _MALLINFO2()
    return float(info.uordblks + info.hblkhd) / 2**20


def soak_faults(hours: float) -> list[day_plan.Fault]:
    """The day's faults, repeated every working day of the soak, but :data:`SOAK_LEFT_OUT`."""
    out: list[day_plan.Fault] = []
    for day in range(math.ceil(hours * 3600 / day_plan.DAY_S)):
        for fault in day_plan.faults():
            at = fault.at_s + day * day_plan.DAY_S
            if fault.name not in SOAK_LEFT_OUT and at < hours * 3600:
                out.append(day_plan.Fault(fault.name, at, fault.lasts_s))
    return out


class Watch:
    """Samples memory and looks for stale state while the soak runs."""

    def __init__(self, day: Day, config: KioskConfig) -> None:
        self.day = day
        self.memory: list[tuple[float, float, float | None]] = []
        self.stale: list[dict[str, Any]] = []
        self.limit_s = max(config.flow.idle_timeout_s, config.flow.ticket_ready_s) + 10.0
        self._state = ("", time.monotonic())
        self._unsynced_since: float | None = None

    async def run(self, every_s: float = 1.0) -> None:
        """Sample until cancelled."""
        while True:
            now = time.monotonic()
            self.memory.append((now, rss_mib(), heap_mib()))
            daemon = self.day.demo.daemon
            state = daemon.flow.current_state_id
            if state != self._state[0]:
                self._state = (state, now)
            elif state not in NOT_TIMED and now - self._state[1] > self.limit_s:
                self.stale.append(
                    {
                        "what": "flow state past its timeout",
                        "state": state,
                        "held_s": round(now - self._state[1], 1),
                    }
                )
                self._state = (state, now)  # report each stale stretch once
            unsynced = bool(daemon.journal.unsynced(limit=1)) and self.day.central.running
            if not unsynced:
                self._unsynced_since = None
            elif self._unsynced_since is None:
                self._unsynced_since = now
            elif now - self._unsynced_since > 60.0:
                self.stale.append({"what": "offline tickets unsynced for 60 s, central up"})
                self._unsynced_since = now
            await asyncio.sleep(every_s)

    def growth(self) -> dict[str, Any]:
        """Memory after warm-up and at the end, and the growth in percent (RSS: the
        target; the heap in use beside it, where glibc reports it)."""
        n = len(self.memory)
        if n < 20:
            return {"samples": n, "growth_pct": None, "method": METHOD}
        warm = slice(n // 5, n // 5 + max(1, n // 10))
        last = slice(n - max(1, n // 10), n)
        rss = [m for _, m, _ in self.memory]
        base, end = _mean(rss[warm]), _mean(rss[last])
        out: dict[str, Any] = {
            "method": METHOD,
            "samples": n,
            "rss_mib_first": round(rss[0], 1),
            "rss_mib_after_warmup": round(base, 1),
            "rss_mib_end": round(end, 1),
            "rss_mib_peak": round(max(rss), 1),
            "growth_pct": round(100.0 * (end - base) / base, 2),
        }
        heap = [h for _, _, h in self.memory]
        if all(h is not None for h in heap):
            known = [float(h or 0.0) for h in heap]
            h0, h1 = _mean(known[warm]), _mean(known[last])
            out["heap_mib_after_warmup"] = round(h0, 1)
            out["heap_mib_end"] = round(h1, 1)
            out["heap_growth_pct"] = round(100.0 * (h1 - h0) / h0, 2)
        return out


METHOD = (
    "RSS (VmRSS of the whole process: daemon, embedded central, simulators) sampled every "
    "second; growth = mean of the last tenth of the samples against the mean of the tenth "
    "after warm-up (warm-up: the first fifth of the run); heap = glibc mallinfo2 bytes in "
    "use (uordblks + hblkhd), same windows"
)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


async def run_soak(
    config: KioskConfig,
    central: EmbeddedCentral,
    out: Path,
    args: Any,
    stop: StopRequest | None = None,
) -> dict[str, Any]:
    """Run the soak; returns the JSON the command prints (``ok`` when within targets,
    never when ``stop`` ended it early)."""
    hours = float(args.soak_hours)
    speedup = float(args.speedup)
    services = [s.code for s in central.settings.services]
    citizens = [
        a
        if a.kind not in SOAK_REPLACED
        else day_plan.Arrival(a.index, a.at_s, day_plan.Kind.TOUCH, a.language, a.service)
        for a in day_plan.arrivals(
            max(1, int(hours * PER_HOUR)),
            services,
            list(config.kiosk.languages),
            seed=args.seed,
            day_s=hours * 3600,
            flat=True,
        )
    ]
    day = Day(config, central, out, speedup)
    day.sample_every_s = 2.0  # the run's own records stay small (no plots in a soak)
    watch = Watch(day, config)
    watching = asyncio.create_task(watch.run())
    started = time.monotonic()
    faults = [] if args.no_faults else soak_faults(hours)
    try:
        log = await run_day(day, stop or StopRequest(), citizens, faults)
    finally:
        watching.cancel()
    gc.collect()
    summary = summarise(log, central, config.central.token)
    # the counters drained: a ticket never called is left behind (no-shows are finished)
    left = max(0, int(summary["tickets"]) - len({c["id"] for c in log.calls}))
    stale = watch.stale + (
        [
            {
                "what": "tickets central holds as waiting/called after the counters drained",
                "count": left,
            }
        ]
        if left and log.stopped is None  # a stopped run's counters did not drain
        else []
    )
    memory = watch.growth()
    growth = memory["growth_pct"]
    result = {
        "soak_hours": hours,
        "stopped_early": log.stopped,
        "speedup": speedup,
        "wall_s": round(time.monotonic() - started, 1),
        "citizens": summary["citizens"],
        "tickets": summary["tickets"],
        "offline_tickets": summary["offline_tickets"],
        "left_without_number": summary["left_without_number"],
        "faults_injected": summary["faults_injected"],
        "faults_recovered": summary["faults_recovered"],
        "memory": memory,
        "growth_target_pct": GROWTH_TARGET_PCT,
        "stale": stale,
        "driver_records": {
            "citizen_entries": len(log.citizens),
            "samples": len(log.samples),
            "memory_samples": len(watch.memory),
        },
        "ok": bool(
            summary["ok"] and not stale and growth is not None and growth <= GROWTH_TARGET_PCT
        ),
    }
    (out / "soak.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return result
