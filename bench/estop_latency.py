"""Bumper / emergency-stop event to stop command bytes on the wire; prints one JSON object.

The simulated RoboClaw runs in its own process (``kiosk sim base --realtime``, as a real
controller has its own microcontroller); the driver, the guide and the safety thread run
here, as in the daemon. At a random moment of each trip a bumper or the emergency stop is
pressed in the simulator, and the time until the simulator receives a zero-speed command
is measured on the simulator's side of the pty (CLOCK_MONOTONIC, shared by both
processes). Target: max <= 30 ms over 1,000 trials on a loaded machine.

``--load N`` starts N CPU-burning processes for the whole run (default: one per core).
``--no-thread`` measures the control loop alone, without the safety thread (the old path).
``--guard`` puts the stop guard process between the driver and the port (``?guard=1``,
:mod:`drivers.base.guard`): the stop then comes from a process of its own. ``--nice`` sets
the daemon's nice value (the systemd unit's ``Nice=``), ``--switch-ms``
Python's GIL switch interval (the daemon sets 1 ms when it drives a base).

As on a robot (``systemd/install.sh --robot``), ``kiosk rt-tune`` runs beside the trials
(``kiosk-rt.service``: the kernel's tty threads, ``kworker/u*``, through which every byte
between the guard and the controller passes, at ``SCHED_FIFO 55``); ``--no-rt-tune``
leaves them as the kernel makes them. The pty floor (two real-time processes bouncing 2
bytes over a pty under the same load) is measured first as the kernel makes them, then
with ``kiosk rt-tune`` running.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sim_child import Child, percentile, rt_tuned  # noqa: E402
from drivers.base import open_base  # noqa: E402
from navigation.guide import Guide, GuideResult  # noqa: E402
from navigation.lobby import load_lobby  # noqa: E402
from navigation.settings import NavigationSettings  # noqa: E402

BURN = "while True: pass"
COUNTERS = ["Q1", "Q3", "Q5", "Q6", "Q7", "Q8", "Q10", "Q11", "Q12"]


PTY_PROBE = """
import gc, json, os, pty, select, sys, time, tty
master, slave = pty.openpty()
tty.setraw(slave)
child = os.fork()
try:
    os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(60))
except OSError:
    pass
gc.disable()
if child == 0:
    while True:
        data = os.read(master, 64)
        if data == b"q":
            os._exit(0)
        os.write(master, data)
times = []
end = time.monotonic() + float(sys.argv[1])
while time.monotonic() < end:
    started = time.monotonic()
    os.write(slave, b"ab")
    got = b""
    while len(got) < 2 and select.select([slave], [], [], 1.0)[0]:
        got += os.read(slave, 64)
    times.append((time.monotonic() - started) * 1000)
    time.sleep(0.005)
os.write(slave, b"q")
print(json.dumps(sorted(times)))
"""


def pty_floor(seconds: float) -> dict[str, float]:
    """Two real-time processes bouncing 2 bytes over a pty, under the same load: the
    kernel's own tty delay (its buffer work runs in normal-priority kernel threads), which
    no stop path through a serial device can beat."""
    done = subprocess.run(
        [sys.executable, "-c", PTY_PROBE, str(seconds)],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    times = json.loads(done.stdout)
    return {
        "round_trips": len(times),
        "p50": round(percentile(times, 0.5), 2),
        "p99": round(percentile(times, 0.99), 2),
        "max": round(times[-1], 2),
    }


async def run(trials: int, thread: bool, seed: int, guard: bool = False) -> dict[str, object]:
    """Press the bumper or the e-stop ``trials`` times during trips; measure the stop latency."""
    lobby = load_lobby(ROOT / "config" / "lobby" / "lobby.yaml")
    dock = lobby.pose("dock")
    sim = Child("base", "--realtime", f"--x={dock.x}", f"--y={dock.y}", f"--theta={dock.theta}")
    base = open_base(f"serial://{sim.path}?timeout=0.5" + ("&guard=1" if guard else ""))
    guard_stops = getattr(base, "guard", None)
    settings = NavigationSettings(long_stop_s=300.0)  # no resume warning between trials
    guide = Guide(base, lobby, settings, lambda code, params: None)
    if not thread:
        guide.monitor = None
    rng = random.Random(seed)
    latencies: list[float] = []
    seen_ms: list[float] = []
    sent_ms: list[float] = []
    skipped = 0
    other_stops: Counter[str] = Counter()
    no_stop_command = 0
    no_guard_report = 0
    slow: list[dict[str, object]] = []

    def speed() -> float:
        state = sim.ask("state")
        return max(abs(state["left"]), abs(state["right"]))

    try:
        while len(latencies) + no_stop_command < trials:
            trial = len(latencies) + no_stop_command
            if trial % 25 == 24:
                await guide.return_to_dock()
            trip = asyncio.create_task(guide.guide_to(rng.choice(COUNTERS)))
            while not trip.done() and await asyncio.to_thread(speed) < 0.2:
                await asyncio.sleep(0.01)
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            if trip.done():
                skipped += 1
                if trip.result() is GuideResult.STOPPED_SAFETY:
                    # stopped by itself before the press (stale odometry when the loaded
                    # machine starved the control loop): counted, reset, next trial
                    other_stops[guide.status.stop_reason or "?"] += 1
                    guide.reset_after_stop()
                if skipped > trials:
                    raise RuntimeError(f"trips end before a press: {guide.supervisor.trips[-5:]}")
                continue
            switch = "bumper_front" if trial % 2 == 0 else "estop"
            await asyncio.to_thread(sim.ask, f"press {switch}")
            await trip
            await asyncio.to_thread(sim.ask, f"release {switch}")
            reason = guide.status.stop_reason or "?"
            if reason not in ("bumper", "emergency-stop"):
                other_stops[reason] += 1  # already stopped for another reason: no trial
                skipped += 1
                guide.reset_after_stop()
                continue
            answer = await asyncio.to_thread(sim.ask, "latency")
            latency = answer["stop_ms"]
            mine: list[dict[str, object]] = []
            if guard_stops is not None:  # the guard's own view: press to seen, seen to sent
                for _ in range(100):  # its report line may still be on its way
                    mine = [s for s in guard_stops.stops if s["seen_at"] >= answer["pressed_at"]]
                    if mine:
                        break
                    await asyncio.sleep(0.01)
                if mine:
                    seen_ms.append((mine[0]["seen_at"] - answer["pressed_at"]) * 1000)
                    sent_ms.append((mine[0]["t"] - mine[0]["seen_at"]) * 1000)
                else:
                    no_guard_report += 1
            if latency is not None and latency > 30:  # what the slow ones had in common
                slow.append({
                    "trial": trial, "switch": switch, "latency_ms": round(latency, 2),
                    "stop_reason": reason,
                    "pressed_wall": round(time.time() - time.monotonic() + answer["pressed_at"], 3),
                    # the guard's stops within a second of the press, times from the press
                    "guard_stops_near": [
                        {k: (round((v - answer["pressed_at"]) * 1000, 2)
                             if k in ("t", "seen_at") and isinstance(v, float) else v)
                         for k, v in stop.items()}
                        for stop in (guard_stops.stops if guard_stops else [])
                        if abs(stop["seen_at"] - answer["pressed_at"]) < 1.0
                    ],
                })  # fmt: skip
            if latency is None:
                no_stop_command += 1  # tripped, but our stop never reached the wire
            else:
                latencies.append(latency)
            for _ in range(50):
                if guide.reset_after_stop():
                    break
                await asyncio.sleep(0.01)
            else:
                raise RuntimeError(f"reset refused after trial {trial}")
    finally:
        guide.close()
        base.close()
        sim.close()
    latencies.sort()
    return {
        "benchmark": "estop_latency",
        "trials": len(latencies),
        "skipped_trips_ended_before_press": skipped,
        "stops_before_press": dict(other_stops),
        "tripped_without_stop_on_wire": no_stop_command,
        "safety_thread": thread,
        "stop_guard_process": guard,
        "stops_made_by_the_guard": len(guard_stops.stops) if guard_stops else None,
        "trials_without_a_guard_report": no_guard_report if guard_stops else None,
        "guard_restarts": getattr(guard_stops, "restarts", None),
        "trials_over_30_ms": slow,
        "guard_press_to_seen_ms_p99_max": [
            round(percentile(sorted(seen_ms), 0.99), 2),
            round(max(seen_ms), 2),
        ]
        if seen_ms
        else None,
        "guard_seen_to_sent_ms_p99_max": [
            round(percentile(sorted(sent_ms), 0.99), 2),
            round(max(sent_ms), 2),
        ]
        if sent_ms
        else None,
        "safety_thread_priority": guide.monitor.priority if guide.monitor else None,
        "safety_poll_hz": settings.safety_poll_hz,
        "monitor_slowest_poll_ms": round(guide.monitor.slowest_poll_s * 1000, 2)
        if guide.monitor
        else None,
        "monitor_largest_gap_ms": round(guide.monitor.largest_gap_s * 1000, 2)
        if guide.monitor
        else None,
        "monitor_failed_polls": guide.monitor.failed_polls if guide.monitor else None,
        "control_hz": settings.control_hz,
        "latency_ms_p50": round(percentile(latencies, 0.50), 2),
        "latency_ms_p95": round(percentile(latencies, 0.95), 2),
        "latency_ms_p99": round(percentile(latencies, 0.99), 2),
        "latency_ms_max": round(latencies[-1], 2),
        "over_30_ms": sum(1 for v in latencies if v > 30),
        "target_ms_max": 30,
    }


def main() -> None:
    """Run and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--load", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--no-thread", action="store_true")
    parser.add_argument("--guard", action="store_true", help="the stop guard process")
    parser.add_argument(
        "--pty-floor-s",
        type=float,
        default=20.0,
        help="seconds of the pty round-trip probe run first (0: none)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-rt-tune", action="store_true",
        help="leave the kernel's tty threads as the kernel makes them (no kiosk rt-tune)",
    )  # fmt: skip
    parser.add_argument(
        "--nice", type=int, default=None, help="nice value of the whole daemon (all threads)"
    )
    parser.add_argument("--switch-ms", type=float, default=None, help="sys.setswitchinterval")
    parser.add_argument(
        "--fifo", type=int, default=None, help="SCHED_FIFO priority for the whole daemon"
    )
    args = parser.parse_args()
    # the load first, at normal priority: the priorities below are the daemon's alone
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(args.load)]
    if args.fifo is not None:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(args.fifo))
    if args.nice is not None:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by threads started later
    if args.switch_ms is not None:
        sys.setswitchinterval(args.switch_ms / 1000)
    # the expected safety-stop warnings stay quiet unless BENCH_VERBOSE is set
    verbose = bool(os.environ.get("BENCH_VERBOSE"))
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(created).3f %(threadName)s %(name)s: %(message)s",
    )
    try:
        floor = pty_floor(args.pty_floor_s) if args.pty_floor_s > 0 else None
        tuned_floor = None
        with rt_tuned(not args.no_rt_tune) as tuner:
            if tuner["running"] and args.pty_floor_s > 0:
                tuned_floor = pty_floor(args.pty_floor_s)
            result = asyncio.run(run(args.trials, not args.no_thread, args.seed, args.guard))
        result["rt_tune"] = tuner
        result["pty_round_trip_ms_same_load"] = floor
        result["pty_round_trip_ms_same_load_rt_tune"] = tuned_floor
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    result["load_processes"] = args.load
    result["daemon_nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    result["daemon_fifo"] = args.fifo
    result["switch_interval_ms"] = sys.getswitchinterval() * 1000
    result["loadavg_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
