"""The simulated day's plan and verdict: arrivals with a morning peak, the fault schedule,
the clock's scaling, and a citizen who left without a number failing the day."""

from __future__ import annotations

from pathlib import Path

from kiosk.embedded_central import EmbeddedCentral
from kiosk.simday.day import DayLog
from kiosk.simday.plan import DAY_S, OPEN_H, Kind, SimClock, arrivals, faults
from kiosk.simday.report import summarise

ROOT = Path(__file__).resolve().parents[2]


def test_arrivals_peak_in_the_morning_and_replay_with_the_seed() -> None:
    plan = arrivals(2000, ["a", "b"], ["vi", "en"], seed=3)
    assert len(plan) == 2000 and plan == arrivals(2000, ["a", "b"], ["vi", "en"], seed=3)
    assert all(0 <= a.at_s < DAY_S for a in plan)
    by_hour = [0] * 10
    for a in plan:
        by_hour[int(OPEN_H + a.at_s / 3600) - 7] += 1
    assert by_hour[9 - 7] > 2 * by_hour[12 - 7]  # 09:00-10:00 busier than lunch
    kinds = {a.kind for a in plan}
    assert kinds == set(Kind)


def test_faults_happen_inside_the_day_and_the_clock_scales_human_time() -> None:
    schedule = faults()
    assert all(0 < f.at_s < DAY_S for f in schedule)
    down = [f for f in schedule if f.name == "central_down"]
    assert down[0].lasts_s == 600  # central down 10 minutes
    clock = SimClock(start=100.0, speedup=60.0)
    assert clock.sim(110.0) == 600.0 and clock.wall(600.0) == 110.0
    assert clock.minutes(10.0) == 10.0


def test_a_citizen_who_left_without_a_number_fails_the_day(tmp_path: Path) -> None:
    central = EmbeddedCentral(ROOT / "config" / "central.sim.toml", tmp_path / "c.sqlite3")
    log = DayLog(SimClock(0.0, 60.0))
    log.citizens = [
        {
            "citizen": 0,
            "kiosk": "K1",
            "kind": "touch",
            "number": "A001",
            "printed": True,
            "at_kiosk_s": 0.4,
        },
        {"citizen": 1, "kiosk": "K1", "kind": "lookup", "at_kiosk_s": 0.9},  # wants none
        {
            "citizen": 2,
            "kiosk": "K1",
            "kind": "touch",
            "error": "TimeoutError: stuck",
            "at_kiosk_s": 30.0,
        },
    ]
    summary = summarise(log, central, "unused")
    assert summary["left_without_number"] == 1
    assert summary["stuck"][0]["citizen"] == 2
    assert summary["ok"] is False
    log.citizens.pop()
    assert summarise(log, central, "unused")["ok"] is True
