"""Ticket views used by the printer tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from kiosk.tickets.render import TicketLabels, TicketView

VN = timezone(timedelta(hours=7))
STATUS_URL = "https://hcc.example.vn/t/8f3a2c1d"


def make_view(language: str = "vi", **changes: Any) -> TicketView:
    """A realistic ticket: judicial record service, elderly priority."""
    fields: dict[str, Any] = {
        "centre_name": "Trung tâm Phục vụ hành chính công phường Bến Thành",
        "number": "A012",
        "service_name": "Tư pháp - Lý lịch tư pháp",
        "counters": ("Quầy 3",),
        "people_ahead": 5,
        "estimated_wait_min": 25,
        "issued_at": datetime(2026, 11, 23, 8, 1, tzinfo=VN),
        "status_url": STATUS_URL,
        "language": language,
        "offline": False,
        "priority_label": "Người cao tuổi",
        "labels": TicketLabels.for_language(language),
    }
    fields.update(changes)
    return TicketView(**fields)
