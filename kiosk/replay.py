"""Replaying a recorded day: drive a fresh visitor flow through ``transcript.jsonl``.

The daemon writes one JSON line per event it handled (``from``, ``to``, the event's type
and typed fields, the timer generation a Timeout was compared with) plus a ``start``
line with the flow's settings each time it starts and a ``services`` line whenever
central's service list changes. :func:`replay` reads those lines back into events
(:func:`kiosk.events.event_from_record`), feeds them to a new :class:`VisitorFlow`
through the same :func:`kiosk.inputs.apply_event` the daemon uses, with effects that do
no I/O, and checks after each one that the flow is where the recorded day was. A
difference means the flow or the meaning of an input changed since the day was recorded,
or the file was edited: each is reported with its line number.

Two facts come from outside the flow and are taken from the record: whether a Timeout
was current (its ``timer``), and whether the robot's safety latch let staff reset it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kiosk.events import EventRecordError, VoiceIntent, event_from_record
from kiosk.flow import FlowTimeouts, Visit, VisitorFlow
from kiosk.inputs import apply_event

_LOGGER = logging.getLogger(__name__)

#: the daemon's settings line and service-list line (anything else is an event line)
START, SERVICES = "start", "services"


def start_record(flow: VisitorFlow) -> dict[str, Any]:
    """The ``start`` line: what a fresh flow needs to behave as ``flow`` does."""
    return {
        **services_record(flow),
        "kind": START,
        "languages": list(flow.languages),
        "features": sorted(flow.features),
        "rating_levels": flow.rating_levels,
        "has_base": flow.with_base,
        "timeouts": [flow.timeouts.idle_s, flow.timeouts.ticket_ready_s, flow.timeouts.thanks_s],
    }


def services_record(flow: VisitorFlow) -> dict[str, Any]:
    """The ``services`` line: the services and priority categories the flow accepts."""
    return {
        "kind": SERVICES,
        "services": sorted(flow.services),
        "priorities": sorted(flow.priorities),
    }


class _NoEffects:
    """FlowEffects for a replay: nothing is shown, printed, driven or said."""

    stop_cleared = False

    def render(self, state: str, visit: Visit) -> None:
        """Nothing to show."""

    def arm_timer(self, seconds: float | None) -> None:
        """Timers are in the record (``timer``)."""

    def start_issuing(self, visit: Visit) -> None:
        """The outcome is the next recorded event."""

    def start_redeeming(self, visit: Visit) -> None:
        """The outcome is the next recorded event."""

    def start_guiding(self, visit: Visit) -> None:
        """The outcome is the next recorded event."""

    def start_returning(self) -> None:
        """The outcome is the next recorded event."""

    def start_scanning(self) -> None:
        """Scans are recorded events."""

    def check_rating_ticket(self, ref: str) -> None:
        """Central's answer is the next recorded event."""

    def send_rating(self, visit: Visit) -> None:
        """Nothing is sent."""

    def call_staff(self, state: str) -> None:
        """Nobody is called."""

    def print_checklist(self, visit: Visit) -> None:
        """Nothing is printed."""

    def start_face(self, visit: Visit) -> None:
        """The camera's outcome is the next recorded event."""

    def forget_face(self, visit: Visit) -> None:
        """The outcome is the next recorded event."""

    def next_dossier(self) -> None:
        """No dossier is shown in a replay."""

    def stop_motion(self) -> None:
        """Nothing moves."""

    def reset_after_stop(self) -> bool:
        """What the robot's latch said on the recorded day."""
        return self.stop_cleared

    def read_aloud(self) -> None:
        """Nothing is said."""

    def answer(self, event: VoiceIntent) -> None:
        """A replay says nothing."""

    def speak_slower(self) -> None:
        """Nothing is said."""

    def greet(self) -> None:
        """Nothing is said."""


@dataclass
class ReplayReport:
    """What a replay found: how many events, and every line where the flow went elsewhere."""

    runs: int = 0
    events: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """The fresh flow went through the same states as the recorded day."""
        return self.runs > 0 and not self.mismatches


def _new_flow(line: dict[str, Any], effects: _NoEffects) -> VisitorFlow:
    idle_s, ready_s, thanks_s = line["timeouts"]
    return VisitorFlow(
        effects,
        services=frozenset(line["services"]),
        priorities=frozenset(line["priorities"]),
        languages=tuple(line["languages"]),
        timeouts=FlowTimeouts(idle_s, ready_s, thanks_s),
        has_base=bool(line["has_base"]),
        features=frozenset(line["features"]),
        rating_levels=int(line["rating_levels"]),
    )


def replay(lines: Iterable[str], *, max_mismatches: int = 20) -> ReplayReport:
    """Drive fresh flows through the transcript ``lines``; see the module docstring."""
    report = ReplayReport()
    effects = _NoEffects()
    flow: VisitorFlow | None = None
    for number, text in enumerate(lines, start=1):
        if len(report.mismatches) >= max_mismatches or not text.strip():
            continue
        try:
            line = json.loads(text)
            if line.get("kind") == START:
                flow = _new_flow(line, effects)
                report.runs += 1
                continue
            if flow is None:
                raise ValueError("an event before the first 'start' line")
            if line.get("kind") == SERVICES:
                flow.services = frozenset(line["services"])
                flow.priorities = frozenset(line["priorities"])
                continue
            event = event_from_record(line["event"])
            expected_from, expected_to = line["from"], line["to"]
            generation = int(line["timer"])
        except (ValueError, KeyError, TypeError, EventRecordError) as exc:
            report.mismatches.append(f"line {number}: not a transcript line ({exc})")
            continue
        report.events += 1
        if flow.current_state_id != expected_from:
            report.mismatches.append(
                f"line {number}: recorded from {expected_from}, "
                f"replay is in {flow.current_state_id}"
            )
        effects.stop_cleared = expected_to == "returning"
        try:
            apply_event(flow, event, generation=generation, has_base=flow.with_base, tools=effects)
        except Exception as exc:  # noqa: BLE001 - reported, like the daemon logs it
            if line.get("outcome") != "failed":
                report.mismatches.append(f"line {number}: {line['event']} raised {exc!r}")
        if flow.current_state_id != expected_to:
            report.mismatches.append(
                f"line {number}: {line['event'].get('type')} took the recorded day from "
                f"{expected_from} to {expected_to}, the replay to {flow.current_state_id}"
            )
            flow.current_state_value = expected_to  # carry on from the recorded state
    return report
