"""Shared fixtures for the printer tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.tickets.render import TicketView

from .ticket_views import make_view


@pytest.fixture
def view_factory() -> Callable[..., TicketView]:
    """Build ticket views with changes."""
    return make_view
