"""The report of a simulated day: ``summary.json``, ``report.html`` and its plots.

Waits and estimates come from central (the ticket each journal row holds: its
``issued_at`` and the ``estimated_wait_s`` central answered at issue) and from the
officers' calls; wall-clock durations are turned into simulated minutes with the
speedup (:mod:`kiosk.simday.plan`). matplotlib draws the plots (Agg, no display).
"""

from __future__ import annotations

import html
import json
import logging
import statistics
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.demo_report import check_central, count_by
from kiosk.embedded_central import EmbeddedCentral
from kiosk.simday.day import DayLog
from kiosk.simday.plan import OPEN_H, Kind, clock_label

_LOGGER = logging.getLogger(__name__)


def _sim_s(log: DayLog, when: str) -> float:
    """Simulated seconds since opening of an ISO wall-clock timestamp."""
    wall = (datetime.fromisoformat(when) - log.start_wall).total_seconds()
    return wall * log.clock.speedup


def tickets(log: DayLog) -> list[dict[str, Any]]:
    """One entry per ticket central holds: issue time, estimate, call time (simulated)."""
    called = {c["id"]: c for c in log.calls}
    rows = {r.key: r for r in [*log.lost_rows, *log.journal_rows]}
    out: list[dict[str, Any]] = []
    for row in rows.values():
        if row.ticket is None:
            continue
        ticket = row.ticket
        issued = _sim_s(log, ticket["issued_at"])
        call = called.get(ticket["id"])
        offline = row.offline_number is not None
        out.append(
            {
                "number": ticket["number"],
                "offline": offline,
                "issued_s": issued,
                "estimate_min": None
                if offline
                else ticket["estimated_wait_s"] * log.clock.speedup / 60.0,
                "called_s": _sim_s(log, call["called_at"]) if call else None,
                "no_show": bool(call and call["no_show"]),
            }
        )
    for entry in log.citizens:  # the stand-in kiosks' tickets (no journal)
        held = entry.get("ticket")
        if held is None:
            continue
        call = called.get(held["id"])
        out.append(
            {
                "number": held["number"],
                "offline": False,
                "issued_s": _sim_s(log, held["issued_at"]),
                "estimate_min": held["estimated_wait_s"] * log.clock.speedup / 60.0,
                "called_s": _sim_s(log, call["called_at"]) if call else None,
                "no_show": bool(call and call["no_show"]),
            }
        )
    for t in out:
        t["wait_min"] = (
            None if t["called_s"] is None else max(0.0, (t["called_s"] - t["issued_s"]) / 60.0)
        )
    return sorted(out, key=lambda t: t["issued_s"])


def summarise(log: DayLog, central: EmbeddedCentral, token: str) -> dict[str, Any]:
    """The day in numbers; ``ok`` when nobody who came for a number left without one,
    central holds every ticket once and the journal has nothing left to sync."""
    rows = list({r.key: r for r in [*log.lost_rows, *log.journal_rows]}.values())
    # a day stopped early may leave tickets not synced yet: check those central confirmed
    checked = [r for r in rows if r.state != "refused" and (log.stopped is None or r.ticket)]
    agrees = check_central(central, checked, token)
    held = tickets(log)
    numbers = [t["number"] for t in held]
    stuck = [
        c
        for c in log.citizens
        if Kind(c["kind"]).wants_number and not c.get("number") and not c.get("interrupted")
    ]
    waits = sorted(t["wait_min"] for t in held if t["wait_min"] is not None)
    errors = [
        (t["estimate_min"] - t["wait_min"])
        for t in held
        if t["estimate_min"] is not None and t["wait_min"] is not None
    ]
    here_entries = [c for c in log.citizens if c.get("kiosk") == "K1"]
    here = [c["at_kiosk_s"] for c in here_entries if "at_kiosk_s" in c]  # not cut short
    speedup = log.clock.speedup
    faults = [f.as_dict(log.clock.sim, speedup) for f in log.faults]
    states = count_by(r.state for r in rows)
    summary: dict[str, Any] = {
        "citizens": len(log.citizens),
        "citizens_planned": log.planned,
        "stopped_early": log.stopped,
        "interrupted": sum(1 for c in log.citizens if c.get("interrupted")),
        "by_kind": count_by(c["kind"] for c in log.citizens),
        "by_kiosk": count_by(c.get("kiosk", "K1") for c in log.citizens),
        "tickets": len(held),
        "offline_tickets": sum(1 for t in held if t["offline"]),
        "k1_not_printed": sum(1 for c in here_entries if c.get("number") and not c.get("printed")),
        "left_without_number": len(stuck),
        "stuck": stuck,
        "unique_numbers": len(set(numbers)) == len(numbers),
        "central_agrees": agrees,
        "journal_states": states,
        "called": len(log.calls),
        "wait_min_p50": round(statistics.median(waits), 1) if waits else None,
        "wait_min_p90": round(waits[int(0.9 * (len(waits) - 1))], 1) if waits else None,
        "estimate_error_min_median": round(statistics.median(errors), 1) if errors else None,
        "kiosk_line_max": max((s["kiosk_line"] for s in log.samples), default=0),
        "k1_at_kiosk_s_p50": round(statistics.median(here), 3) if here else None,
        "speedup": speedup,
        "simulated_hours": round(log.finished_s / 3600.0, 2),
        "faults": faults,
        "faults_recovered": sum(1 for f in faults if f["recovered"]),
        "faults_injected": sum(1 for f in faults if f["injected_s"] is not None),
    }
    summary["ok"] = bool(
        log.stopped is None
        and not stuck
        and agrees
        and summary["unique_numbers"]
        and set(states) <= {"online", "synced"}
        and summary["faults_recovered"] == summary["faults_injected"]
    )
    return summary


def _hours(sim_s: float) -> float:
    return OPEN_H + sim_s / 3600.0


def _shade_faults(ax: Any, log: DayLog) -> None:
    for f in log.faults:
        if f.injected is None:
            continue
        start = _hours(log.clock.sim(f.injected))
        end = _hours(log.clock.sim(f.recovered or f.fixed or f.injected))
        ax.axvspan(start, max(end, start + 0.03), color="tab:red", alpha=0.12, lw=0)


def plots(log: DayLog, out: Path) -> list[str]:
    """Draw the day's plots into ``out``; returns their file names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    held = tickets(log)
    names: list[str] = []

    def save(fig: Any, name: str) -> None:
        fig.tight_layout()
        fig.savefig(out / name, dpi=72)
        plt.close(fig)
        names.append(name)

    # queue length at central (issued, not yet called) and the line at the kiosk
    events = sorted(
        [(t["issued_s"], 1) for t in held]
        + [(t["called_s"], -1) for t in held if t["called_s"] is not None]
    )
    xs, ys, level = [], [], 0
    for when, step in events:
        level += step
        xs.append(_hours(when))
        ys.append(level)
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.step(xs, ys, where="post", label="waiting for a counter (central)")
    ax.plot(
        [_hours(s["t_s"]) for s in log.samples],
        [s["kiosk_line"] for s in log.samples],
        label="in line at the kiosk",
        lw=1,
    )
    _shade_faults(ax, log)
    ax.set_xlabel("time of day (h)")
    ax.set_ylabel("citizens")
    ax.set_title("Queue over the day (red: a fault until recovered)")
    ax.legend(loc="upper right")
    save(fig, "queue.png")

    # waits over the day, and the estimate the ticket showed
    fig, ax = plt.subplots(figsize=(8, 3))
    called = [t for t in held if t["wait_min"] is not None]
    ax.scatter(
        [_hours(t["issued_s"]) for t in called],
        [t["wait_min"] for t in called],
        s=4,
        label="actual wait (issue to call)",
    )
    shown = [t for t in called if t["estimate_min"] is not None]
    ax.scatter(
        [_hours(t["issued_s"]) for t in shown],
        [t["estimate_min"] for t in shown],
        s=4,
        marker="x",
        alpha=0.6,
        label="estimate on the ticket",
    )
    _shade_faults(ax, log)
    ax.set_xlabel("time of issue (h)")
    ax.set_ylabel("minutes")
    ax.set_title("Waits over the day")
    ax.legend(loc="upper right")
    save(fig, "waits.png")

    fig, ax = plt.subplots(figsize=(4.5, 4))
    top = max([t["wait_min"] for t in shown] + [t["estimate_min"] for t in shown] + [1.0])
    ax.scatter([t["estimate_min"] for t in shown], [t["wait_min"] for t in shown], s=4)
    ax.plot([0, top], [0, top], color="grey", lw=1)
    ax.set_xlabel("estimated wait (min)")
    ax.set_ylabel("actual wait (min)")
    ax.set_title("Estimated against actual")
    save(fig, "estimate.png")

    fig, ax = plt.subplots(figsize=(8, 2.6))
    samples = [s for s in log.samples if s["unsynced"] >= 0]
    ax.plot(
        [_hours(s["t_s"]) for s in samples],
        [s["unsynced"] for s in samples],
        label="offline tickets not yet in central",
    )
    for s0, s1 in zip(log.samples, log.samples[1:], strict=False):
        if not s0["central_up"]:
            ax.axvspan(_hours(s0["t_s"]), _hours(s1["t_s"]), color="grey", alpha=0.3, lw=0)
    ax.set_xlabel("time of day (h)")
    ax.set_ylabel("tickets")
    ax.set_title("Offline tickets and their sync (grey: central down)")
    save(fig, "offline.png")

    fig, ax = plt.subplots(figsize=(8, 3))
    for i, f in enumerate(log.faults):
        if f.injected is None or f.fixed is None:
            continue
        start, fixed = _hours(log.clock.sim(f.injected)), _hours(log.clock.sim(f.fixed))
        ax.barh(i, fixed - start, left=start, color="tab:red")
        if f.recovered is not None:
            ax.barh(i, _hours(log.clock.sim(f.recovered)) - fixed, left=fixed, color="tab:orange")
    ax.set_yticks(range(len(log.faults)), [f.name for f in log.faults])
    ax.set_xlabel("time of day (h)  red: broken until fixed, orange: fix to recovered")
    ax.set_title("Faults")
    save(fig, "faults.png")
    return names


def _verdict(summary: dict[str, Any]) -> str:
    if summary["stopped_early"]:
        return "STOPPED EARLY (no verdict on a partial day)"
    return "OK" if summary["ok"] else "FAILED"


def _stopped_note(summary: dict[str, Any]) -> str:
    stopped = summary["stopped_early"]
    if not stopped:
        return ""
    return (
        f'<p style="border:2px solid #c60;padding:4px"><b>Stopped early</b> by '
        f"{html.escape(str(stopped['reason']))} at {clock_label(stopped.get('at_s', 0))} "
        f"(simulated): {summary['citizens']} of {summary['citizens_planned']} citizens came, "
        f"{summary['interrupted']} of them were cut short and are not counted as left "
        "without a number. This report covers only the part of the day that ran.</p>"
    )


def write_report(log: DayLog, summary: dict[str, Any], out: Path) -> Path:
    """Write summary.json, citizens.jsonl, the plots and report.html into ``out``."""
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    with (out / "citizens.jsonl").open("w", encoding="utf-8") as handle:
        for entry in log.citizens:
            brief = {k: v for k, v in entry.items() if k != "ticket"}
            handle.write(json.dumps(brief, ensure_ascii=False) + "\n")
    images = plots(log, out)
    esc = html.escape
    fault_rows = "".join(
        f"<tr><td>{esc(f['name'])}</td><td>{clock_label(f['planned_s'])}</td>"
        f"<td>{f['down_min']}</td><td>{f['recover_min']}</td><td>{f['recover_real_s']}</td>"
        f"<td>{f['tickets_during']}</td><td>{esc(f['note'])}</td></tr>"
        for f in summary["faults"]
    )
    plain = {k: v for k, v in summary.items() if k not in ("faults", "stuck")}
    stuck = (
        "".join(f"<li>{esc(json.dumps(c, ensure_ascii=False))}</li>" for c in summary["stuck"])
        or "<li>none</li>"
    )
    page = f"""<!doctype html><html lang="en"><meta charset="utf-8">
<title>A simulated day</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:1em auto}}
td,th{{border:1px solid #ccc;padding:2px 6px}}table{{border-collapse:collapse}}</style>
<h1>A simulated day: {summary["citizens"]} citizens at {summary["speedup"]:g}x</h1>
{_stopped_note(summary)}
<p>Verdict: <b>{_verdict(summary)}</b>.
Citizens who came for a number and left without one: <b>{summary["left_without_number"]}</b>.</p>
<ul>{stuck}</ul>
{"".join(f'<p><img src="{name}" alt="{name}"></p>' for name in images)}
<h2>Faults</h2>
<table><tr><th>fault</th><th>at</th><th>broken (sim min)</th><th>fix to recovered (sim min)</th>
<th>fix to recovered (real s)</th><th>tickets meanwhile</th><th>note</th></tr>{fault_rows}</table>
<h2>Numbers</h2><pre>{esc(json.dumps(plain, ensure_ascii=False, indent=1))}</pre>
<p>Simulated minutes are wall-clock seconds times the speedup; the daemon's own timeouts
run on the real clock (kiosk/simday/plan.py).</p></html>
"""
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
