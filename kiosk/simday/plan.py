"""The plan of a simulated day: when citizens come, what each wants, when things break.

Everything here is pure and seeded, so a day can be replayed and tested without the
daemon. Times are *simulated* seconds since the centre opens (07:30); :class:`SimClock`
maps them onto the wall clock.

How time is scaled
------------------
Only **human time** is compressed by ``speedup``: when citizens arrive, how long an
officer serves one, how long a fault lasts before the technician fixes it (central down
10 minutes is 10 s of wall clock at 60x). **Machine time is never scaled**: the daemon's
own timeouts (printer timeout, central budget, breaker, sync interval, idle timeout, the
robot's odometry watchdog) run on the real clock, because they stand for how fast a
printer, a network or a serial port answers, which a speedup does not change. Every
duration measured on the wall clock (a wait at a counter, a fault's time to recover) is
multiplied by ``speedup`` when reported in simulated minutes. Citizens at the kiosk tap
as fast as its screen answers (a human's reading time is not simulated), so the one
simulated kiosk stands for the centre's kiosks; a queue forms in front of it when it
cannot keep up, and the report shows it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from enum import StrEnum

OPEN_H, CLOSE_H = 7.5, 17.0
"""Opening hours (07:30 to 17:00): the day is ``(CLOSE_H - OPEN_H)`` hours long."""
DAY_S = (CLOSE_H - OPEN_H) * 3600.0


class Kind(StrEnum):
    """What a citizen comes to do at the kiosk."""

    TOUCH = "touch"  # takes a number by touch
    VOICE = "voice"  # takes a number by voice (where a speech model is installed)
    PRIORITY = "priority"  # elderly, disabled, pregnant...: a priority number by touch
    BOOKING = "booking"  # booked online, shows the QR code
    QUESTION = "question"  # asks a procedure's documents, prints the checklist, takes a number
    LOOKUP = "lookup"  # looks a dossier up by its receipt's QR code (no number)
    GUIDED = "guided"  # takes a number and follows the robot to the counter
    RATING = "rating"  # comes back after the counter to rate the service (no number)

    @property
    def wants_number(self) -> bool:
        """True when the citizen must leave the kiosk with a number."""
        return self not in (Kind.LOOKUP, Kind.RATING)


MIX: dict[Kind, float] = {
    Kind.TOUCH: 0.65,
    Kind.VOICE: 0.005,
    Kind.PRIORITY: 0.09,
    Kind.BOOKING: 0.08,
    Kind.QUESTION: 0.06,
    Kind.LOOKUP: 0.03,
    Kind.GUIDED: 0.01,
    Kind.RATING: 0.075,
}
"""Share of each kind in a day. Voice is few: the simulated microphone plays speech in
real time and the recogniser listens in real time, seconds per citizen of wall clock."""


@dataclass(frozen=True)
class Arrival:
    """One citizen: when (simulated seconds since opening), what for, in which language."""

    index: int
    at_s: float
    kind: Kind
    language: str
    service: str


@dataclass(frozen=True)
class Fault:
    """A fault injected at ``at_s`` and fixed by the technician ``lasts_s`` later."""

    name: str
    at_s: float
    lasts_s: float


FAULTS: tuple[tuple[str, float, float], ...] = (
    # (name, hour of the day, simulated minutes until the fix)
    ("paper_out", 8.6, 6.0),
    ("central_down", 9.2, 10.0),  # in the morning peak
    ("cover_open", 10.3, 3.0),
    ("printer_hung", 11.0, 5.0),
    ("bumper_hit", 13.7, 2.0),  # during the next guided trip
    ("emergency_stop", 14.2, 2.0),  # during the next guided trip
    ("camera_unplugged", 14.6, 15.0),
    ("lost_state_dir", 15.3, 1.0),  # the kiosk restarts on an empty state directory
    ("central_down", 15.6, 4.0),  # offline again: no number central has seen is reused
)


def rate_per_hour(hour: float) -> float:
    """Relative arrival rate at ``hour`` (07:30-17:00): a morning peak around 09:00, the
    lunch dip, a smaller afternoon peak around 14:30."""
    morning = 3.2 * math.exp(-(((hour - 9.0) / 0.9) ** 2))
    afternoon = 1.6 * math.exp(-(((hour - 14.5) / 1.0) ** 2))
    lunch = -0.5 * math.exp(-(((hour - 12.0) / 0.6) ** 2))
    return max(0.15, 0.6 + morning + afternoon + lunch)


def arrivals(
    count: int,
    services: list[str],
    languages: list[str],
    *,
    seed: int = 7,
    day_s: float = DAY_S,
    flat: bool = False,
) -> list[Arrival]:
    """``count`` citizens over a day of ``day_s`` simulated seconds, following
    :func:`rate_per_hour` (or evenly when ``flat``), the kinds drawn from :data:`MIX`."""
    rng = random.Random(seed)
    peak = max(rate_per_hour(OPEN_H + i / 100) for i in range(int((CLOSE_H - OPEN_H) * 100)))
    times: list[float] = []
    while len(times) < count:  # thinning: draw uniformly, keep in proportion to the rate
        t = rng.uniform(0.0, day_s * 0.97)
        hour = OPEN_H + (t / day_s) * (CLOSE_H - OPEN_H)
        if flat or rng.random() * peak <= rate_per_hour(hour):
            times.append(t)
    times.sort()
    kinds, weights = list(MIX), list(MIX.values())
    weighted_languages = [lang for lang in languages for _ in range(4 if lang == "vi" else 1)]
    plan: list[Arrival] = []
    for i, t in enumerate(times):
        kind = rng.choices(kinds, weights)[0]
        if kind is Kind.VOICE:
            language = "ko"  # the one language whose model ships as a package
        else:
            language = rng.choice(weighted_languages)
        plan.append(Arrival(i, t, kind, language, rng.choice(services)))
    return plan


def faults(day_s: float = DAY_S) -> list[Fault]:
    """The day's fault schedule, scaled to a day of ``day_s`` simulated seconds."""
    scale = day_s / DAY_S
    return [
        Fault(name, (hour - OPEN_H) * 3600.0 * scale, minutes * 60.0)
        for name, hour, minutes in FAULTS
    ]


@dataclass(frozen=True)
class SimClock:
    """Simulated seconds since opening, from the wall clock: ``(now - start) * speedup``."""

    start: float
    speedup: float

    def sim(self, wall: float) -> float:
        """Simulated seconds since opening at monotonic time ``wall``."""
        return (wall - self.start) * self.speedup

    def wall(self, sim_s: float) -> float:
        """Monotonic time at which simulated second ``sim_s`` happens."""
        return self.start + sim_s / self.speedup

    def minutes(self, wall_seconds: float) -> float:
        """A wall-clock duration in simulated minutes."""
        return wall_seconds * self.speedup / 60.0


def clock_label(sim_s: float) -> str:
    """``"09:12"`` for a simulated second since opening."""
    minutes = int(OPEN_H * 60 + sim_s / 60.0)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
