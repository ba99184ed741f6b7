"""The declared visitor flow, driven with plain events and a recording FlowEffects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from statemachine.exceptions import TransitionNotAllowed

from kiosk.flow import FlowTimeouts, IssuedNumber, Visit, VisitorFlow


@dataclass
class Recorder:
    """A FlowEffects that records what the flow asked for."""

    calls: list[tuple[str, Any]] = field(default_factory=list)

    def render(self, state: str, visit: Visit) -> None:
        self.calls.append(("render", state))

    def arm_timer(self, seconds: float | None) -> None:
        self.calls.append(("timer", seconds))

    def start_issuing(self, visit: Visit) -> None:
        self.calls.append(("issue", (visit.service, visit.language, visit.priority)))

    def start_guiding(self, visit: Visit) -> None:
        self.calls.append(("guide", visit.ticket.number if visit.ticket else None))

    def start_returning(self) -> None:
        self.calls.append(("return", None))

    def stop_motion(self) -> None:
        self.calls.append(("stop", None))

    def reset_after_stop(self) -> bool:
        self.calls.append(("reset", None))
        return self.cleared

    cleared: bool = True


def _flow(has_base: bool = False) -> tuple[VisitorFlow, Recorder]:
    recorder = Recorder()
    flow = VisitorFlow(
        recorder,
        services=frozenset({"tu-phap", "dat-dai"}),
        languages=("vi", "en", "ko"),
        timeouts=FlowTimeouts(45, 20),
        has_base=has_base,
    )
    return flow, recorder


def test_take_a_ticket_by_touch() -> None:
    flow, rec = _flow()
    flow.send("start")
    flow.send("take_ticket")
    assert flow.set_language("en")
    flow.send("select_service", service="dat-dai")
    assert ("issue", ("dat-dai", "en", None)) in rec.calls
    flow.send("ticket_issued", ticket=IssuedNumber("D001", offline=False, printed=True))
    assert flow.current_state_id == "ticket_ready"
    assert flow.visit.ticket and flow.visit.ticket.number == "D001"
    assert ("timer", 20) in rec.calls
    flow.send("done")
    assert flow.current_state_id == "idle"
    assert flow.visit == Visit(language="vi")  # the next citizen sees nothing of this one


def test_unknown_or_hostile_service_ids_are_refused() -> None:
    flow, rec = _flow()
    flow.send("start")
    flow.send("take_ticket")
    for bogus in ("xyz", None, "'; DROP TABLE tickets; --"):
        with pytest.raises(TransitionNotAllowed):
            flow.send("select_service", service=bogus)
    assert flow.current_state_id == "choose_service"
    assert not [c for c in rec.calls if c[0] == "issue"]


def test_voice_can_name_the_service_from_idle() -> None:
    flow, rec = _flow()
    flow.send("select_service", service="tu-phap")
    assert flow.current_state_id == "issue_ticket"


def test_timeouts_return_to_idle_and_clear_the_visit() -> None:
    flow, _ = _flow()
    flow.send("start")
    flow.set_language("ko")
    flow.set_priority("elderly")
    flow.send("take_ticket")
    flow.send("timeout")
    assert flow.current_state_id == "idle"
    assert flow.visit == Visit(language="vi")


def test_issuing_cannot_be_abandoned_by_a_timeout() -> None:
    flow, _ = _flow()
    flow.send("select_service", service="tu-phap")
    with pytest.raises(TransitionNotAllowed):
        flow.send("timeout")
    with pytest.raises(TransitionNotAllowed):
        flow.send("back")


def test_guiding_only_with_a_base_and_emergency_stop() -> None:
    flow, _ = _flow(has_base=False)
    flow.send("select_service", service="tu-phap")
    flow.send("ticket_issued", ticket=IssuedNumber("A001", False, True))
    with pytest.raises(TransitionNotAllowed):
        flow.send("guide_me")

    flow, rec = _flow(has_base=True)
    flow.send("select_service", service="tu-phap")
    flow.send("ticket_issued", ticket=IssuedNumber("A001", False, True))
    flow.send("guide_me")
    assert ("guide", "A001") in rec.calls
    flow.send("emergency_stop")
    assert flow.current_state_id == "safe_stop"
    assert ("stop", None) in rec.calls
    with pytest.raises(TransitionNotAllowed):
        flow.send("docked")  # no automatic restart after an emergency stop
    rec.cleared = False  # the bumper is still pressed
    with pytest.raises(TransitionNotAllowed):
        flow.send("reset")
    assert flow.current_state_id == "safe_stop"
    rec.cleared = True
    flow.send("reset")
    flow.send("docked")
    assert flow.current_state_id == "idle"


def test_language_must_be_offered() -> None:
    flow, _ = _flow()
    assert not flow.set_language("fr")
    assert flow.visit.language == "vi"
