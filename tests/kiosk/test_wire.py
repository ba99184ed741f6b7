"""The kiosk's wire models refuse, at the boundary, what its renderer could not render."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from kiosk.tickets.wire import TicketBody

GOOD: dict[str, Any] = {
    "id": "7d0c3c1e",
    "public_id": "pub-7d0c3c1e9a",
    "number": "A001",
    "service": "tu-phap",
    "status": "waiting",
    "people_ahead": 0,
    "estimated_wait_s": 0,
    "issued_at": "2026-11-30T08:00:00+07:00",
    "local_day": "2026-11-30",
    "status_url": "http://central.example/t/pub-7d0c3c1e9a",
}


def test_a_ticket_as_central_sends_it_is_read() -> None:
    assert TicketBody.model_validate(GOOD).status_url.endswith("/t/pub-7d0c3c1e9a")


@pytest.mark.parametrize(
    "field, value",
    [
        ("status_url", ""),
        ("status_url", "/t/pub-7d0c3c1e9a"),
        ("status_url", "javascript:alert(1)"),
        ("status_url", "http://central.example/t/a b"),
        ("local_day", "tomorrow"),
    ],
)
def test_a_ticket_the_renderer_could_not_render_is_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError, match=field):
        TicketBody.model_validate({**GOOD, field: value})
