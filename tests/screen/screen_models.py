"""Screen models for every state, built from the simulated centre's real names."""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.screen.model import PriorityButton, ScreenModel, ServiceButton, TicketPanel

ROOT = Path(__file__).resolve().parents[2]
_CENTRAL = tomllib.loads((ROOT / "config" / "central.sim.toml").read_text(encoding="utf-8"))

LANGUAGES = ("vi", "en", "ko")
STATES = ("idle", "menu", "choose_service", "choose_priority", "issue_ticket", "ticket_ready",
          "booking", "redeeming", "rating", "rating_sent", "help", "procedure_info",
          "dossier_lookup", "guiding", "returning", "safe_stop")
#: (name, width, height, dpi): a 21.5" portrait panel and a 10.1" landscape tablet
SCREENS = (("portrait", 1080, 1920, 102.0), ("landscape", 1280, 800, 149.0))


def services(language: str, copies: int = 1) -> tuple[ServiceButton, ...]:
    """The centre's services (``copies`` times over, to need several pages)."""
    found = []
    for n in range(copies):
        for s in _CENTRAL["services"]:
            found.append(ServiceButton(f"{s['code']}-{n}" if n else s["code"],
                                       s["names"].get(language) or s["names"]["vi"]))
    return tuple(found)


def priorities(language: str) -> tuple[PriorityButton, ...]:
    """The centre's priority categories."""
    return tuple(PriorityButton(c["code"], c["names"].get(language) or c["names"]["vi"])
                 for c in _CENTRAL["priority_categories"])


def model(state: str, language: str, **changes: object) -> ScreenModel:
    """A realistic model of ``state``: long names, a ticket on a slow day, a typed code."""
    service = services(language)[1].name
    fields: dict[str, object] = {
        "state": state, "language": language, "languages": LANGUAGES,
        "centre_name": "Trung tâm Phục vụ hành chính công phường Bến Thành",
        "services": services(language), "priorities": priorities(language),
        "features": frozenset({"booking", "rating", "help", "procedure_info", "dossier_lookup"}),
        "ticket": TicketPanel(number="K1-B017", service_name=service,
                              counters=("Quầy 3", "Quầy 4", "Quầy 5"), people_ahead=12,
                              wait_min=85, printed=False, offline=True,
                              status_url="http://central.example/t/key/K1/0123456789abcdef",
                              priority_name=priorities(language)[3].name),
        "booking_code": "AC3", "score": 4, "reasons": ("fast", "clear"),
        "faults": ("printer", "central") if state == "menu" else (),
        "error": "booking-wrong-day" if state == "booking" else None,
        "can_talk": True,  # the fullest header: four tools
        # the longest help text: an officer of a named counter is coming
        "help_state": "taken" if state == "help" else "",
        "help_counter": "Quầy 12",
    }
    fields.update(changes)
    return ScreenModel(**fields)  # type: ignore[arg-type]
