"""``kiosk simulate-day --soak-hours H``: many simulated hours of steady traffic and faults,
watching the process for memory growth and for state that outlived its timeout.

The day's machinery (:class:`~kiosk.simday.day.Day`) runs a flat arrival rate for ``H``
simulated hours with the day's faults repeated every working day, except the lost state
directory (restarting the daemon would hide a leak). Meanwhile:

* the process's resident memory (``VmRSS``; the daemon, the embedded central and the
  simulation share the process) is sampled; growth is the mean of the last tenth of the
  run against the mean of the tenth just after warm-up (the first fifth: fonts, screens,
  models and caches filled once);
* stale state is looked for: a flow state held longer than its timeout allows (an
  attract-screen timeout that never fired), offline tickets unsynced for a minute while
  central is up, and, at the end, tickets central still holds as waiting or called after
  the counters drained.
"""

from __future__ import annotations

import asyncio
import gc
import math
import time
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig
from kiosk.embedded_central import EmbeddedCentral
from kiosk.simday import plan as day_plan
from kiosk.simday.day import Day
from kiosk.simday.report import summarise

PER_HOUR = 30
"""Citizens per simulated hour in a soak (K1, the daemon, takes about 40 % of them)."""
GROWTH_TARGET_PCT = 5.0
"""BENCHMARKS.md target: memory growth after warm-up."""
NOT_TIMED = ("idle", "guiding", "returning", "safe_stop")
"""States with no timeout of their own (safe_stop waits for staff on purpose)."""


def rss_mib() -> float:
    """This process's resident memory in MiB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def soak_faults(hours: float) -> list[day_plan.Fault]:
    """The day's faults, repeated every working day of the soak, no lost state directory."""
    out: list[day_plan.Fault] = []
    for day in range(math.ceil(hours * 3600 / day_plan.DAY_S)):
        for fault in day_plan.faults():
            at = fault.at_s + day * day_plan.DAY_S
            if fault.name != "lost_state_dir" and at < hours * 3600:
                out.append(day_plan.Fault(fault.name, at, fault.lasts_s))
    return out


class Watch:
    """Samples memory and looks for stale state while the soak runs."""

    def __init__(self, day: Day, config: KioskConfig) -> None:
        self.day = day
        self.memory: list[tuple[float, float]] = []
        self.stale: list[dict[str, Any]] = []
        self.limit_s = max(config.flow.idle_timeout_s, config.flow.ticket_ready_s) + 10.0
        self._state = ("", time.monotonic())
        self._unsynced_since: float | None = None

    async def run(self, every_s: float = 1.0) -> None:
        """Sample until cancelled."""
        while True:
            now = time.monotonic()
            self.memory.append((now, rss_mib()))
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
        """Memory after warm-up and at the end, and the growth in percent."""
        values = [m for _, m in self.memory]
        n = len(values)
        if n < 20:
            return {"samples": n, "growth_pct": None}
        warm = values[n // 5 : n // 5 + max(1, n // 10)]
        last = values[-max(1, n // 10) :]
        base, end = sum(warm) / len(warm), sum(last) / len(last)
        return {
            "samples": n,
            "rss_mib_first": round(values[0], 1),
            "rss_mib_after_warmup": round(base, 1),
            "rss_mib_end": round(end, 1),
            "rss_mib_peak": round(max(values), 1),
            "growth_pct": round(100.0 * (end - base) / base, 2),
        }


async def run_soak(
    config: KioskConfig, central: EmbeddedCentral, out: Path, args: Any
) -> dict[str, Any]:
    """Run the soak; returns the JSON the command prints (``ok`` when within targets)."""
    hours = float(args.soak_hours)
    speedup = float(args.speedup)
    services = [s.code for s in central.settings.services]
    citizens = [
        a
        if a.kind is not day_plan.Kind.VOICE
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
    watch = Watch(day, config)
    watching = asyncio.create_task(watch.run())
    started = time.monotonic()
    try:
        log = await day.run(citizens, [] if args.no_faults else soak_faults(hours))
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
        if left
        else []
    )
    memory = watch.growth()
    growth = memory["growth_pct"]
    return {
        "soak_hours": hours,
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
        "ok": bool(
            summary["ok"] and not stale and growth is not None and growth <= GROWTH_TARGET_PCT
        ),
    }
